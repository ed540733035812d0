"""The Textual app: sign-in, the areas staff work in (modes), routing between screens,
the database banner, and the background jobs a desk runs."""

from helpdesk_tui.app.helpdesk_app import HelpdeskApp

__all__ = ["HelpdeskApp"]

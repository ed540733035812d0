"""Staff sign-in."""

from helpdesk_tui.screens.sign_in.sign_in_screen import SignInScreen

__all__ = ["SignInScreen"]

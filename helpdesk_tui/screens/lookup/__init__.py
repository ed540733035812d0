"""Finding a guardian: the lookup box, and the key check ("whose key is this?")."""

from helpdesk_tui.screens.lookup.guardian_lookup import GuardianLookupScreen
from helpdesk_tui.screens.lookup.key_check import KeyCheckScreen

__all__ = ["GuardianLookupScreen", "KeyCheckScreen"]

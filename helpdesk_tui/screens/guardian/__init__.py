"""One guardian: the record, and what staff do for them (verify the caller, reissue a
key, unlock, username and password help, a ticket for the call)."""

from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen

__all__ = ["GuardianDetailScreen"]

"""Staff: sign-in, and adding staff accounts."""

from helpdesk_tui.services.staff.admin import add_staff
from helpdesk_tui.services.staff.sign_in import (
    MAX_CREDENTIAL_LENGTH,
    SIGN_IN_FAILED,
    StaffChoice,
    active_staff,
    active_staff_count,
    authenticate,
)

__all__ = [
    "MAX_CREDENTIAL_LENGTH",
    "SIGN_IN_FAILED",
    "StaffChoice",
    "active_staff",
    "active_staff_count",
    "add_staff",
    "authenticate",
]

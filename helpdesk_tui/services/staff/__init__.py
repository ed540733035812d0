"""Staff: sign-in (throttled, locking after repeated failures, audited), staff accounts
(adding, listing, unlocking), and the desk policy (idle lock)."""

from helpdesk_tui.services.staff.admin import StaffAccount, add_staff, list_staff, unlock_staff
from helpdesk_tui.services.staff.desk import (
    DeskPolicy,
    desk_policy,
    record_desk_locked,
    set_desk_policy,
)
from helpdesk_tui.services.staff.sign_in import (
    MAX_CREDENTIAL_LENGTH,
    SIGN_IN_FAILED,
    StaffChoice,
    active_staff,
    active_staff_count,
    authenticate,
    has_staff_accounts,
)

__all__ = [
    "MAX_CREDENTIAL_LENGTH",
    "SIGN_IN_FAILED",
    "DeskPolicy",
    "StaffAccount",
    "StaffChoice",
    "active_staff",
    "active_staff_count",
    "add_staff",
    "authenticate",
    "desk_policy",
    "has_staff_accounts",
    "list_staff",
    "record_desk_locked",
    "set_desk_policy",
    "unlock_staff",
]

"""Staff: sign-in (throttled, locking after repeated failures, audited; a new password
after a reset), staff accounts (adding, listing, unlocking, disabling and enabling,
role and school, password resets), and the desk policy (idle lock)."""

from helpdesk_tui.services.staff.admin import StaffAccount, add_staff, list_staff, unlock_staff
from helpdesk_tui.services.staff.changes import (
    TemporaryPassword,
    disable_staff,
    enable_staff,
    new_temporary_password,
    reset_staff_password,
    school_choices,
    set_staff_role,
)
from helpdesk_tui.services.staff.desk import (
    DeskPolicy,
    check_desk_policy,
    desk_policy,
    record_desk_locked,
    set_desk_policy,
)
from helpdesk_tui.services.staff.sign_in import (
    MAX_CREDENTIAL_LENGTH,
    NEW_PASSWORD_NEEDED,
    SIGN_IN_FAILED,
    TEMPORARY_EXPIRED,
    PasswordChangeRequired,
    StaffChoice,
    active_staff,
    active_staff_count,
    authenticate,
    has_staff_accounts,
    set_own_password,
    standing_changed,
)

__all__ = [
    "MAX_CREDENTIAL_LENGTH",
    "NEW_PASSWORD_NEEDED",
    "SIGN_IN_FAILED",
    "TEMPORARY_EXPIRED",
    "DeskPolicy",
    "PasswordChangeRequired",
    "StaffAccount",
    "StaffChoice",
    "TemporaryPassword",
    "active_staff",
    "active_staff_count",
    "add_staff",
    "authenticate",
    "check_desk_policy",
    "desk_policy",
    "disable_staff",
    "enable_staff",
    "has_staff_accounts",
    "list_staff",
    "new_temporary_password",
    "record_desk_locked",
    "reset_staff_password",
    "school_choices",
    "set_desk_policy",
    "set_own_password",
    "set_staff_role",
    "standing_changed",
    "unlock_staff",
]

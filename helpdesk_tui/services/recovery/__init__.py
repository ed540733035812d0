"""What staff do for a verified guardian: reissue an activation key (and its printed
letter), the key check, unlock, disable, username and password help, reset.
Keys for many families at once, for a batch run's letters and emails."""

from helpdesk_tui.services.recovery.account_actions import (
    ActionResult,
    change_username,
    disable_account,
    resend_email_verification,
    reset_account,
    send_password_reset,
    send_username,
    unlock_account,
)
from helpdesk_tui.services.recovery.batch_keys import (
    BatchKeyOutcome,
    BatchKeyRequest,
    batch_refusals,
    issue_batch_keys,
    no_address,
)
from helpdesk_tui.services.recovery.key_check import InvalidKey, KeyCheck, check_key
from helpdesk_tui.services.recovery.key_letter import (
    render_key_letter,
    render_key_letters,
    save_key_letter,
)
from helpdesk_tui.services.recovery.keys import AccountExists, IssuedKey, reissue_activation_key

__all__ = [
    "AccountExists",
    "ActionResult",
    "BatchKeyOutcome",
    "BatchKeyRequest",
    "InvalidKey",
    "IssuedKey",
    "KeyCheck",
    "batch_refusals",
    "change_username",
    "check_key",
    "disable_account",
    "issue_batch_keys",
    "no_address",
    "reissue_activation_key",
    "render_key_letter",
    "render_key_letters",
    "resend_email_verification",
    "reset_account",
    "save_key_letter",
    "send_password_reset",
    "send_username",
    "unlock_account",
]

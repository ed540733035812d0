"""What the guardian screen allows right now: actions that need a verified caller,
supervisors' clearances, and what the record itself rules out."""

from helpdesk_tui.screens.guardian.guardian_record import caller_verified
from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.vocabulary import AccountStatus

NEEDS_PASS = {"reissue", "unlock", "disable", "account_help"}
SUPERVISORS = {"clear_block", "clear_restriction"}


def allowed(d: GuardianDetail, action: str, *, supervisor: bool) -> bool:
    account = d.account
    rules = {
        "verify": not d.blocked,
        "reveal": d.masked,
        "reissue": not d.has_restriction,
        "unlock": bool(account and account.status == AccountStatus.DISABLED),
        "disable": bool(account and account.status == AccountStatus.ACTIVE),
        "account_help": account is not None and not d.has_restriction,
        "clear_block": supervisor and d.blocked,
        "clear_restriction": supervisor and d.has_restriction,
    }
    if action in NEEDS_PASS and not caller_verified(d):
        return False
    return rules.get(action, True)

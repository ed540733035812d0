"""Proving who the caller is: the checklist (screening answers and a proof), the
policy, and the blocks repeated failures raise."""

from helpdesk_tui.services.verification.blocks import clear_block, open_alerts
from helpdesk_tui.services.verification.checklist import (
    VerificationError,
    VerificationView,
    abandon_verification,
    current_pass,
    finish_verification,
    get_verification,
    open_block,
    require_pass,
    start_verification,
    verification_summary,
)
from helpdesk_tui.services.verification.policy import get_policy, set_policy
from helpdesk_tui.services.verification.screening import (
    MAX_ANSWER,
    SCREENING_ITEMS,
    Comparison,
    candidate_dates,
    compare_address,
    compare_birth_date,
    compare_name,
    compare_phone,
    compare_school_grade,
    compare_zip,
)

__all__ = [
    "Comparison",
    "MAX_ANSWER",
    "SCREENING_ITEMS",
    "VerificationError",
    "VerificationView",
    "abandon_verification",
    "candidate_dates",
    "clear_block",
    "compare_address",
    "compare_birth_date",
    "compare_name",
    "compare_phone",
    "compare_school_grade",
    "compare_zip",
    "current_pass",
    "finish_verification",
    "get_policy",
    "get_verification",
    "open_alerts",
    "open_block",
    "require_pass",
    "set_policy",
    "start_verification",
    "verification_summary",
]

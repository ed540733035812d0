"""Proving who the caller is: the checklist (screening answers and a proof), the
policy, and the blocks repeated failures raise."""

from helpdesk_tui.services.verification.answers import check_screening, judge_screening
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
from helpdesk_tui.services.verification.proofs import (
    CODE_MINUTES,
    ID_TYPES,
    CodeCheck,
    confirm_code,
    record_callback,
    record_in_person,
    send_code,
)
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
    "CODE_MINUTES",
    "CodeCheck",
    "Comparison",
    "ID_TYPES",
    "MAX_ANSWER",
    "SCREENING_ITEMS",
    "VerificationError",
    "VerificationView",
    "abandon_verification",
    "candidate_dates",
    "check_screening",
    "clear_block",
    "compare_address",
    "compare_birth_date",
    "compare_name",
    "compare_phone",
    "compare_school_grade",
    "compare_zip",
    "confirm_code",
    "current_pass",
    "finish_verification",
    "get_policy",
    "get_verification",
    "judge_screening",
    "open_alerts",
    "open_block",
    "record_callback",
    "record_in_person",
    "require_pass",
    "send_code",
    "set_policy",
    "start_verification",
    "verification_summary",
]

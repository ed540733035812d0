"""Proving who the caller is: the checklist (screening answers and a proof), how a
verification starts and ends, the policy, and the blocks repeated failures raise."""

from helpdesk_tui.services.verification.answers import check_screening, judge_screening
from helpdesk_tui.services.verification.blocks import clear_block, open_alerts
from helpdesk_tui.services.verification.checklist import (
    VerificationError,
    VerificationView,
    current_pass,
    get_verification,
    open_block,
    require_pass,
    verification_summary,
)
from helpdesk_tui.services.verification.code_mail import RESEND_SECONDS, CodeMail, code_mail
from helpdesk_tui.services.verification.codes import (
    CODE_MINUTES,
    CodeCheck,
    CodeReading,
    NewCode,
    check_code,
    confirm_code,
    new_code,
    send_code,
)
from helpdesk_tui.services.verification.contacts import email_choices, phone_choices
from helpdesk_tui.services.verification.lifecycle import (
    OPEN_MINUTES,
    VerificationEnded,
    abandon_verification,
    end_stale_verifications,
    finish_verification,
    start_verification,
)
from helpdesk_tui.services.verification.policy import (
    VerificationPolicy,
    check_policy,
    get_policy,
    set_policy,
)
from helpdesk_tui.services.verification.proofs import (
    ID_TYPES,
    dial_callback,
    record_callback,
    record_in_person,
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
    "CodeMail",
    "RESEND_SECONDS",
    "code_mail",
    "CODE_MINUTES",
    "CodeCheck",
    "CodeReading",
    "Comparison",
    "ID_TYPES",
    "MAX_ANSWER",
    "NewCode",
    "OPEN_MINUTES",
    "SCREENING_ITEMS",
    "VerificationEnded",
    "VerificationError",
    "VerificationPolicy",
    "VerificationView",
    "abandon_verification",
    "candidate_dates",
    "check_code",
    "check_policy",
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
    "dial_callback",
    "email_choices",
    "end_stale_verifications",
    "finish_verification",
    "get_policy",
    "get_verification",
    "judge_screening",
    "new_code",
    "open_alerts",
    "open_block",
    "phone_choices",
    "record_callback",
    "record_in_person",
    "require_pass",
    "send_code",
    "set_policy",
    "start_verification",
    "verification_summary",
]

"""The permission matrix's rows for the supervisors' decision lists (their own file:
permission_cases.py is at the 400-line limit). Merged into the matrix by
test_permission_matrix.py."""

from typing import Any

from helpdesk_tui.services.decisions import DecisionCounts
from tests.unit.permission_cases import EVERYONE, SUPERVISORS, Case
from tests.unit.permission_world import Ctx


def _decision_counts_only_for_supervisors(c: Ctx, counts: DecisionCounts) -> None:
    if c.actor.role == "supervisor":
        assert counts.mail_unimported >= 1, "a supervisor's counts missed a waiting email"
    else:
        assert counts.total == 0, "someone other than a supervisor got decision counts"


def _counted(c: Ctx) -> dict[str, Any]:
    c.unimported_mail()
    return {}


def decision_cases() -> dict[str, Case]:
    return {
        "decisions.decision_counts": Case(
            EVERYONE, _counted, check=_decision_counts_only_for_supervisors
        ),
        "decisions.decision_lists": Case(SUPERVISORS, {}),
        "decisions.retry_failed_mail": Case(SUPERVISORS, lambda c: {"outbox_id": c.failed_mail()}),
        "decisions.discard_failed_mail": Case(
            SUPERVISORS, lambda c: {"outbox_id": c.failed_mail(), "reason": "sent by letter"}
        ),
        "decisions.retry_unimported_mail": Case(
            SUPERVISORS, lambda c: {"failure_id": c.unimported_mail()}
        ),
        "decisions.dismiss_unimported_mail": Case(
            SUPERVISORS, lambda c: {"failure_id": c.unimported_mail(), "reason": "spam"}
        ),
    }

"""The supervisors' decision lists: what waits for a decision, counted for the header
and the dashboard, listed with the actions in place."""

from helpdesk_tui.services.decisions.actions import (
    discard_failed_mail,
    dismiss_unimported_mail,
    retry_failed_mail,
    retry_unimported_mail,
)
from helpdesk_tui.services.decisions.lists import (
    BlockedGuardian,
    BreachingTicket,
    DecisionCounts,
    DecisionLists,
    FailedMail,
    RestrictedLink,
    UnimportedMail,
    decision_counts,
    decision_lists,
)

__all__ = [
    "BlockedGuardian",
    "BreachingTicket",
    "DecisionCounts",
    "DecisionLists",
    "FailedMail",
    "RestrictedLink",
    "UnimportedMail",
    "decision_counts",
    "decision_lists",
    "discard_failed_mail",
    "dismiss_unimported_mail",
    "retry_failed_mail",
    "retry_unimported_mail",
]

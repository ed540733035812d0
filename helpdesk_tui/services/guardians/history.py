"""A guardian's audit history: what the helpdesk and the portal did, newest first."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import AuditEvent, Staff
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    staff: str
    action: str
    outcome: str
    verification: str
    reason: str
    detail: str

    @property
    def action_label(self) -> str:
        return AuditAction.label_of(self.action)

    @property
    def outcome_label(self) -> str:
        """What happened, in a word: passed, failed, blocked, cleared, denied, done."""
        return AuditOutcome.label_of(self.outcome)


def guardian_history(session: Session, guardian_id: int, *, limit: int = 50) -> list[AuditEntry]:
    rows = session.exec(
        select(AuditEvent, Staff.full_name)
        .join(Staff, col(Staff.id) == col(AuditEvent.staff_id), isouter=True)
        .where(col(AuditEvent.guardian_id) == guardian_id)
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
    ).all()
    return [
        AuditEntry(
            id=e.id or 0,
            at=e.at,
            staff=name or e.staff_username,
            action=e.action,
            outcome=e.outcome,
            verification=e.verification,
            reason=e.reason,
            detail=e.detail,
        )
        for e, name in rows
    ]

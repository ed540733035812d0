"""Custody restrictions: a supervisor clears a restricted relationship after review."""

from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import GuardianStudent, Student
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.vocabulary import AuditAction


def clear_restriction(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    student_id: int,
    reason: str,
    now: datetime | None = None,
) -> None:
    now = resolve_now(now)
    # The guardian first, before the check whose refusal writes an audit row for this
    # guardian and before the relationship row (services/kernel/locks.py).
    lock_guardian(session, guardian_id)
    require_supervisor(
        session,
        actor=actor,
        action=AuditAction.RESTRICTION_CLEARED,
        guardian_id=guardian_id,
        now=now,
    )
    reason = audit.clean_reason(reason, required=True)
    link = session.exec(
        select(GuardianStudent).where(
            col(GuardianStudent.guardian_id) == guardian_id,
            col(GuardianStudent.student_id) == student_id,
        )
    ).first()
    if link is None or not link.restricted:
        raise NotFound("That relationship is not restricted.")
    student = session.get(Student, student_id)
    link.restricted = False
    audit.record(
        session,
        actor=actor,
        action=AuditAction.RESTRICTION_CLEARED,
        guardian_id=guardian_id,
        reason=reason,
        detail=f"student #{student.student_number if student else student_id}",
        now=now,
    )

"""Who may see and act on which guardian. Enforced here, not only in the screens."""

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.data.tables import GuardianStudent, Staff, Student, core_table
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.vocabulary import AuditAction, Role

_links = core_table(GuardianStudent)
_students = core_table(Student)


def may_see_guardian(session: Session, *, actor: StaffMember, guardian_id: int) -> bool:
    """Agents and supervisors work district-wide; a clerk only with families that
    have a student at the clerk's own school."""
    if not actor.is_clerk:
        return True
    row = (
        session.connection()
        .execute(
            select(_links.c.guardian_id)
            .join(_students, _students.c.id == _links.c.student_id)
            .where(_links.c.guardian_id == guardian_id, _students.c.school_id == actor.school_id)
            .limit(1)
        )
        .first()
    )
    return row is not None


SUPERVISORS_ONLY = "Only a supervisor can do this; ask one to review it."
RIGHTS_CHANGED = (
    "Your account is no longer an active supervisor's (another supervisor changed it "
    "after you signed in): sign out, and ask a supervisor if this is a mistake."
)
_staff = core_table(Staff)


def require_supervisor(
    session: Session,
    *,
    actor: StaffMember,
    action: AuditAction,
    guardian_id: int | None = None,
    message: str = SUPERVISORS_ONLY,
    now: datetime | None = None,
) -> None:
    """Supervisors only; anyone else leaves a "denied" audit row and gets ``message``.
    The role is read again from the database, not trusted from the sign-in: a session
    opened before another supervisor disabled or demoted this one has no rights left."""
    if actor.role != Role.SUPERVISOR:
        raise audit.deny(
            session, actor=actor, action=action, guardian_id=guardian_id, message=message, now=now
        )
    now_held = (
        session.connection()
        .execute(select(_staff.c.active, _staff.c.role).where(_staff.c.id == actor.id))
        .first()
    )
    if now_held is None or not now_held.active or now_held.role != Role.SUPERVISOR:
        raise audit.deny(
            session,
            actor=actor,
            action=action,
            guardian_id=guardian_id,
            message=RIGHTS_CHANGED,
            now=now,
        )


NOT_YOUR_SCHOOL = "This family has no student at your school; refer them to the district helpdesk."


def require_visible_guardian(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    action: AuditAction,
    message: str = NOT_YOUR_SCHOOL,
    now: datetime | None = None,
) -> None:
    """``may_see_guardian`` for an action: a refusal leaves a "denied" audit row."""
    if not may_see_guardian(session, actor=actor, guardian_id=guardian_id):
        raise audit.deny(
            session, actor=actor, action=action, guardian_id=guardian_id, message=message, now=now
        )

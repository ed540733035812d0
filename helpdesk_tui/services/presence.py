"""Who else has this ticket or guardian open, kept in the shared database.

Each open screen sends a heartbeat every few seconds; a heartbeat older than
``STALE`` means that desk has moved on (or crashed), so nobody has to clean up.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Guardian, Presence, Staff, Ticket, core_table
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.permissions import may_see_guardian
from helpdesk_tui.vocabulary import AuditAction

HEARTBEAT = timedelta(seconds=15)
STALE = timedelta(seconds=45)


def target_for(kind: str, ident: int) -> str:
    return f"{kind}:{ident}"


def _require_visible_target(
    session: Session, actor: StaffMember, target: str, now: datetime
) -> None:
    """A clerk is present only on the records of families of their school."""
    kind, _, ident = target.partition(":")
    if not actor.is_clerk or not ident.isdigit():
        return
    if kind == "ticket":
        action = AuditAction.TICKET_VIEWED
        guardian_id = session.exec(
            select(Ticket.guardian_id).where(col(Ticket.id) == int(ident))
        ).first()
    else:
        action = AuditAction.GUARDIAN_VIEWED
        guardian_id = session.exec(
            select(Guardian.id).where(col(Guardian.id) == int(ident))
        ).first()
    if guardian_id is None or not may_see_guardian(session, actor=actor, guardian_id=guardian_id):
        raise audit.deny(
            session,
            actor=actor,
            action=action,
            guardian_id=guardian_id,
            message="This record is not one of your school's families.",
            now=now,
        )


def heartbeat(
    session: Session, *, actor: StaffMember, target: str, now: datetime | None = None
) -> list[str]:
    """Say "I am here" and hear who else is: the names of the other staff whose
    heartbeat on ``target`` is fresh. Only on a record the actor may see."""
    now = now or datetime.now(UTC)
    _require_visible_target(session, actor, target, now)
    table = core_table(Presence)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(staff_id=actor.id, target=target, heartbeat_at=now)
    session.connection().execute(
        statement.on_conflict_do_update(
            index_elements=["staff_id", "target"], set_={"heartbeat_at": now}
        )
    )
    names = session.exec(
        select(Staff.full_name)
        .join(Presence, col(Presence.staff_id) == col(Staff.id))
        .where(
            col(Presence.target) == target,
            col(Presence.staff_id) != actor.id,
            col(Presence.heartbeat_at) > now - STALE,
        )
        .order_by(col(Staff.full_name))
    ).all()
    return list(names)


def leave(session: Session, *, actor: StaffMember, target: str) -> None:
    table = core_table(Presence)
    session.connection().execute(
        delete(table).where(
            table.c.staff_id == actor.id,
            table.c.target == target,
        )
    )

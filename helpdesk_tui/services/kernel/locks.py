"""Lock order: every guardian-scoped write locks the guardian row first, so desks
working on one guardian queue instead of deadlocking."""

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Guardian


def lock_guardian(session: Session, guardian_id: int) -> None:
    """Serialize actions on one guardian. PostgreSQL: a row lock; SQLite's writer
    transactions (BEGIN IMMEDIATE) are already one at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(Guardian.id).where(col(Guardian.id) == guardian_id).with_for_update())

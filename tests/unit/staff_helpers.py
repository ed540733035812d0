"""Helpers for the staff sign-in, lockout and unlock tests."""

from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent, Staff
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import SignInFailed
from helpdesk_tui.services.staff import add_staff, authenticate

T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


def fresh_copy(request: pytest.FixtureRequest, backend: str) -> Database:
    """A copy of the demo district of its own (sign-in attempts change staff rows)."""
    return request.getfixturevalue("sqlite_seeded" if backend == "sqlite" else "pg_seeded")


def attempt(db: Database, password: str, at: datetime, username: str = "demo-agent") -> str:
    """'signed in', or the message a refused attempt shows."""
    try:
        authenticate(db, username=username, password=password, now=at)
    except SignInFailed as exc:
        return str(exc)
    return "signed in"


def lock_out(db: Database, username: str = "demo-agent", at: datetime = T0) -> None:
    """Five wrong passwords a minute apart: the account locks."""
    for i in range(5):
        attempt(db, f"wrong-{i}", at.replace(minute=i), username)


def staff_row(db: Database, username: str = "demo-agent") -> Staff:
    with db.read() as session:
        return session.exec(select(Staff).where(col(Staff.username) == username)).one()


def sign_in_rows(db: Database, username: str = "demo-agent") -> list[tuple[str, str, str]]:
    """(action, outcome, detail) of the staff audit rows naming ``username``."""
    with db.read() as session:
        rows = session.exec(
            select(AuditEvent)
            .where(
                col(AuditEvent.staff_username) == username,
                col(AuditEvent.action).startswith("staff_"),
            )
            .order_by(col(AuditEvent.id))
        ).all()
        return [(r.action, r.outcome, r.detail) for r in rows]


def second_supervisor(db: Database, boss: StaffMember) -> StaffMember:
    """boss2 (Dana Kim), a second supervisor added by ``boss``, signed in."""
    with db.write() as session:
        add_staff(
            session,
            actor=boss,
            username="boss2",
            full_name="Dana Kim",
            role="supervisor",
            password="Boss2#pass-2026",
        )
    return authenticate(db, username="boss2", password="Boss2#pass-2026")

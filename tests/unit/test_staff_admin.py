"""Staff accounts: the very first one on a database that never had any (say, just filled
by a roster import); supervisors listing accounts and unlocking a locked one."""

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent, Staff
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import DomainError, NotPermitted
from helpdesk_tui.services.staff import add_staff, authenticate, list_staff, unlock_staff
from tests.oneroster_helpers import export_copy, run
from tests.unit.staff_helpers import T0, attempt, fresh_copy, lock_out, staff_row


def add(db, actor=None, **kw):  # type: ignore[no-untyped-def]
    values = {
        "username": "boss",
        "full_name": "Bea Ortiz",
        "role": "supervisor",
        "password": "Super#2026x",
    } | kw
    with db.write() as session:
        return add_staff(session, actor=actor, **values)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest) -> Database:
    return fresh_copy(request, request.param)


def test_the_first_account_is_a_supervisor_who_adds_the_rest(db, tmp_path):
    run(db, export_copy(tmp_path))
    with pytest.raises(DomainError, match="first staff account must be a supervisor"):
        add(db, role="agent")
    assert add(db) == "Added Bea Ortiz (boss, supervisor)."
    with pytest.raises(NotPermitted, match="sign in as a supervisor"):
        add(db, username="ana", role="agent")
    boss = authenticate(db, username="BOSS", password="Super#2026x")
    with pytest.raises(DomainError, match="give its code"):
        add(db, boss, username="clerk1", role="clerk")
    assert "clerk" in add(
        db, boss, username="clerk1", full_name="Carmen  Ibáñez", role="clerk", school_code="201"
    )
    clerk = authenticate(db, username="clerk1", password="Super#2026x")
    assert clerk.school_name == "Escuela Primaria Peña" and clerk.full_name == "Carmen Ibáñez"
    with pytest.raises(DomainError, match="refused|supervisor"):
        add(db, clerk, username="sneaky", role="supervisor")
    with pytest.raises(DomainError, match="taken"):
        add(db, boss, username="Clerk1", role="agent")
    with pytest.raises(DomainError, match="symbol"):
        add(db, boss, username="weak", role="agent", password="password123")


def test_staff_who_are_all_inactive_do_not_reopen_the_first_account_rule(db, tmp_path):
    """Only a database that never had staff takes an account without a sign-in: when
    every account is inactive, adding one still needs a supervisor."""
    run(db, export_copy(tmp_path))
    add(db)
    with db.write() as session:
        session.exec(update(Staff).values(active=False))  # type: ignore[call-overload]
    with pytest.raises(NotPermitted, match="sign in as a supervisor"):
        add(db, username="intruder")
    with db.read() as session:
        assert session.exec(select(Staff.username)).all() == ["boss"]


# -- unlocking ------------------------------------------------------------------------
def test_a_supervisor_unlocks_a_locked_account_with_a_reason(fresh_db: Database) -> None:
    lock_out(fresh_db, "demo-clerk")
    assert staff_row(fresh_db, "demo-clerk").locked_at is not None
    boss = authenticate(fresh_db, username="demo-supervisor", password="demo-password")
    with pytest.raises(DomainError, match="Give a reason"), fresh_db.write() as session:
        unlock_staff(session, actor=boss, username="demo-clerk", reason="  ")
    with fresh_db.write() as session:
        said = unlock_staff(
            session, actor=boss, username=" Demo-Clerk ", reason="Called me from her desk"
        )
    assert said == "Unlocked demo-clerk: they can sign in again."
    row = staff_row(fresh_db, "demo-clerk")
    assert (row.locked_at, row.failed_sign_ins) == (None, 0)
    with fresh_db.read() as session:
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert (last.action, last.outcome, last.staff_username) == (
        "staff_unlocked",
        "cleared",
        "demo-supervisor",
    )
    assert (last.detail, last.reason) == ("demo-clerk", "Called me from her desk")
    assert attempt(fresh_db, "demo-password", T0.replace(hour=9), "demo-clerk") == "signed in"


def test_only_a_supervisor_unlocks_and_a_refusal_is_audited(fresh_db: Database) -> None:
    lock_out(fresh_db, "demo-clerk")
    agent = authenticate(fresh_db, username="demo-agent", password="demo-password")
    with pytest.raises(ActionDenied, match="Only a supervisor"), fresh_db.write() as session:
        unlock_staff(session, actor=agent, username="demo-clerk", reason="she asked")
    assert staff_row(fresh_db, "demo-clerk").locked_at is not None
    with fresh_db.read() as session:
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert (last.action, last.outcome, last.staff_username) == (
        "staff_unlocked",
        "denied",
        "demo-agent",
    )


def test_unlocking_says_what_is_wrong_with_the_name(fresh_db: Database) -> None:
    boss = authenticate(fresh_db, username="demo-supervisor", password="demo-password")
    for name, said in (("nobody", "No staff account is named nobody"), ("demo-agent", "is not")):
        with pytest.raises(DomainError, match=said), fresh_db.write() as session:
            unlock_staff(session, actor=boss, username=name, reason="x")


def test_supervisors_see_locked_accounts_in_the_staff_list(fresh_db: Database) -> None:
    lock_out(fresh_db, "demo-clerk")
    boss = authenticate(fresh_db, username="demo-supervisor", password="demo-password")
    with fresh_db.read() as session:
        accounts = {a.username: a for a in list_staff(session, actor=boss)}
    assert {"demo-agent", "demo-clerk", "demo-supervisor"} <= set(accounts)
    clerk = accounts["demo-clerk"]
    assert clerk.locked_at is not None and clerk.failed_sign_ins == 5
    assert clerk.status == f"LOCKED since {clerk.locked_at:%Y-%m-%d %H:%M} UTC"
    assert accounts["demo-agent"].status == "active"
    agent = authenticate(fresh_db, username="demo-agent", password="demo-password")
    with pytest.raises(ActionDenied, match="Only a supervisor"), fresh_db.write() as session:
        list_staff(session, actor=agent)

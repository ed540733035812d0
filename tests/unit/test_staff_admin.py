"""Staff accounts on a database that has none yet (say, just filled by a roster import)."""

import pytest

from helpdesk_tui.services.kernel.errors import DomainError, NotPermitted
from helpdesk_tui.services.staff import add_staff, authenticate
from tests.oneroster_helpers import export_copy, run


def add(db, actor=None, **kw):  # type: ignore[no-untyped-def]
    values = {
        "username": "boss",
        "full_name": "Bea Ortiz",
        "role": "supervisor",
        "password": "Super#2026x",
    } | kw
    with db.write() as session:
        return add_staff(session, actor=actor, **values)


def test_the_first_account_is_a_supervisor_who_adds_the_rest(db, tmp_path):
    run(db, export_copy(tmp_path))
    with pytest.raises(DomainError, match="first staff account must be a supervisor"):
        add(db, role="agent")
    assert add(db) == "Added Bea Ortiz (boss, supervisor)."
    with pytest.raises(NotPermitted, match="sign in as a supervisor"):
        add(db, username="ana", role="agent")
    with db.read() as session:
        boss = authenticate(session, username="BOSS", password="Super#2026x")
    with pytest.raises(DomainError, match="give its code"):
        add(db, boss, username="clerk1", role="clerk")
    assert "clerk" in add(
        db, boss, username="clerk1", full_name="Carmen  Ibáñez", role="clerk", school_code="201"
    )
    with db.read() as session:
        clerk = authenticate(session, username="clerk1", password="Super#2026x")
    assert clerk.school_name == "Escuela Primaria Peña" and clerk.full_name == "Carmen Ibáñez"
    with pytest.raises(DomainError, match="refused|supervisor"):
        add(db, clerk, username="sneaky", role="supervisor")
    with pytest.raises(DomainError, match="taken"):
        add(db, boss, username="Clerk1", role="agent")
    with pytest.raises(DomainError, match="symbol"):
        add(db, boss, username="weak", role="agent", password="password123")

"""Staff sign-in: right credentials give the actor; anything else one neutral message.
Guessing is slowed, then stopped: after 3 failures in a row each attempt must wait
2^(n-3) s after the last one, and the 5th failure locks the account until a supervisor
unlocks it. Every attempt leaves an audit row."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import update
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent, Staff
from helpdesk_tui.services.staff import SIGN_IN_FAILED, authenticate
from tests.unit.staff_helpers import T0, attempt, fresh_copy, sign_in_rows, staff_row


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest) -> Database:
    return fresh_copy(request, request.param)


@pytest.fixture
def argon2_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per argon2 verification (a password actually checked, or the dummy
    check an unknown name costs)."""
    checks: list[int] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str | bytes) -> bool:
        checks.append(1)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return checks


# -- the right credentials ------------------------------------------------------------
def test_demo_staff_sign_in_with_their_roles(seeded_db: Database) -> None:
    agent = authenticate(seeded_db, username="demo-agent", password="demo-password")
    clerk = authenticate(seeded_db, username=" Demo-Clerk ", password="demo-password")
    supervisor = authenticate(seeded_db, username="demo-supervisor", password="demo-password")
    assert (agent.role, clerk.role, supervisor.role) == ("agent", "clerk", "supervisor")
    assert clerk.school_id is not None and clerk.school_name.endswith("Elementary School")
    assert agent.school_id is None


def test_a_sign_in_is_audited_and_clears_earlier_failures(fresh_db: Database) -> None:
    assert attempt(fresh_db, "wrong-1", T0) == SIGN_IN_FAILED
    assert attempt(fresh_db, "wrong-2", T0 + timedelta(seconds=5)) == SIGN_IN_FAILED
    assert staff_row(fresh_db).failed_sign_ins == 2
    assert attempt(fresh_db, "demo-password", T0 + timedelta(seconds=10)) == "signed in"
    row = staff_row(fresh_db)
    assert row.failed_sign_ins == 0 and row.locked_at is None
    assert sign_in_rows(fresh_db) == [
        ("staff_sign_in_failed", "failed", "wrong password"),
        ("staff_sign_in_failed", "failed", "wrong password"),
        ("staff_signed_in", "done", ""),
    ]
    with fresh_db.read() as session:
        ids = session.exec(
            select(AuditEvent.staff_id).where(col(AuditEvent.staff_username) == "demo-agent")
        ).all()
    assert set(ids) == {row.id}


# -- wrong credentials ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("demo-agent", "wrong-password"),
        ("nobody", "demo-password"),
        ("demo-agent", ""),
        ("", "demo-password"),
        ("demo-agent", "x" * 10_000),
        ("demo-agent\x00", "wrong-password"),
    ],
    ids=["wrong", "unknown", "empty-password", "empty-name", "long-password", "nul"],
)
def test_wrong_credentials_get_one_message_that_names_neither_part(
    fresh_db: Database, username: str, password: str
) -> None:
    assert attempt(fresh_db, password, T0, username=username) == SIGN_IN_FAILED
    assert "supervisor" in SIGN_IN_FAILED, "says what to do once the account is locked"


def test_a_deactivated_staff_member_cannot_sign_in(fresh_db: Database) -> None:
    with fresh_db.write() as session:
        session.exec(update(Staff).where(col(Staff.username) == "demo-agent").values(active=False))  # type: ignore[call-overload]
    assert attempt(fresh_db, "demo-password", T0) == SIGN_IN_FAILED
    assert sign_in_rows(fresh_db) == [("staff_sign_in_failed", "failed", "inactive account")]


def test_a_hundred_wrong_passwords_lock_the_account_after_five(
    fresh_db: Database, argon2_checks: list[int]
) -> None:
    answers = [attempt(fresh_db, f"guess-{i}", T0 + timedelta(minutes=i)) for i in range(100)]
    assert set(answers) == {SIGN_IN_FAILED}
    assert len(argon2_checks) == 5, "once locked, no password is checked at all"
    row = staff_row(fresh_db)
    assert row.failed_sign_ins == 5
    assert row.locked_at == T0 + timedelta(minutes=4)
    assert row.last_failed_sign_in_at == T0 + timedelta(minutes=4)
    rows = sign_in_rows(fresh_db)
    assert len(rows) == 101
    assert rows[:4] == [("staff_sign_in_failed", "failed", "wrong password")] * 4
    assert rows[4:6] == [
        ("staff_sign_in_failed", "failed", "wrong password"),
        ("staff_locked", "blocked", "after 5 failed sign-ins in a row"),
    ]
    assert rows[6:] == [("staff_sign_in_failed", "failed", "account locked")] * 95


def test_the_right_password_does_not_open_a_locked_account(fresh_db: Database) -> None:
    for i in range(5):
        attempt(fresh_db, "nope", T0 + timedelta(minutes=i))
    assert attempt(fresh_db, "demo-password", T0 + timedelta(hours=3)) == SIGN_IN_FAILED
    assert staff_row(fresh_db).locked_at is not None
    assert sign_in_rows(fresh_db)[-1] == ("staff_sign_in_failed", "failed", "account locked")


def test_after_three_failures_each_attempt_waits_longer(
    fresh_db: Database, argon2_checks: list[int]
) -> None:
    at = T0
    for _ in range(3):
        assert attempt(fresh_db, "nope", at) == SIGN_IN_FAILED
        at += timedelta(seconds=0.5)  # no wait before the third failure
    last = at - timedelta(seconds=0.5)
    # Third failure: the next attempt waits 1 s, even with the right password.
    early = attempt(fresh_db, "demo-password", last + timedelta(seconds=0.4))
    assert early == "Too many wrong passwords in a row: wait 1 second, then try again."
    assert len(argon2_checks) == 3, "a refused early attempt checks no password"
    assert staff_row(fresh_db).failed_sign_ins == 3, "and does not count"
    assert attempt(fresh_db, "nope", last + timedelta(seconds=1)) == SIGN_IN_FAILED
    # Fourth failure: 2 s.
    fourth = last + timedelta(seconds=1)
    assert attempt(fresh_db, "nope", fourth + timedelta(seconds=0.1)) == (
        "Too many wrong passwords in a row: wait 2 seconds, then try again."
    )
    assert attempt(fresh_db, "nope", fourth + timedelta(seconds=1.5)) == (
        "Too many wrong passwords in a row: wait 1 second, then try again."
    )
    assert attempt(fresh_db, "nope", fourth + timedelta(seconds=2)) == SIGN_IN_FAILED
    row = staff_row(fresh_db)
    assert row.failed_sign_ins == 5 and row.locked_at is not None
    details = [detail for _, _, detail in sign_in_rows(fresh_db)]
    assert details.count("wrong password") == 5
    assert details.count("too soon after 3 failures (wait 1 s)") == 1
    assert details.count("too soon after 4 failures (wait 1 s)") == 1
    assert details.count("too soon after 4 failures (wait 2 s)") == 1


def test_unknown_names_are_audited_and_slowed_like_real_ones(
    fresh_db: Database, argon2_checks: list[int]
) -> None:
    """An unknown name costs the same argon2 check and gets the same answers at the
    same moments as a real one, so neither the words nor the waits reveal who exists."""
    at = T0
    for _ in range(3):
        assert attempt(fresh_db, "pw", at, username="Nobody") == SIGN_IN_FAILED
    assert attempt(fresh_db, "pw", at + timedelta(seconds=0.5), username="nobody") == (
        "Too many wrong passwords in a row: wait 1 second, then try again."
    )
    assert len(argon2_checks) == 3
    for i in range(2):
        attempt(fresh_db, "pw", at + timedelta(minutes=1 + i), username="nobody")
    assert attempt(fresh_db, "pw", at + timedelta(hours=1), username="nobody") == SIGN_IN_FAILED
    assert len(argon2_checks) == 5, "the 5th failure 'locks' an unknown name too"
    with fresh_db.read() as session:
        rows = session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "staff_sign_in_failed")
        ).all()
        assert {(r.staff_id, r.staff_username, r.outcome) for r in rows} == {
            (None, "nobody", "failed")
        }
        assert [r.detail for r in rows].count("unknown username") == 5


def test_an_unknown_name_is_stored_clean_and_short(fresh_db: Database) -> None:
    tried = "\x1b[2J\u202eEvil\x00Name" + "x" * 500
    assert attempt(fresh_db, "pw", T0, username=tried) == SIGN_IN_FAILED
    with fresh_db.read() as session:
        row = session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "staff_sign_in_failed")
        ).one()
    assert row.staff_id is None
    assert row.staff_username == ("[2jevilname" + "x" * 500)[:64]
    assert len(row.staff_username) == 64

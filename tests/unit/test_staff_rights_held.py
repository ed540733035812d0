"""Staff rights are what the database holds now, not what the sign-in saw: a supervisor
disabled or demoted at another desk changes nothing more from a session opened before
(every supervisor-only service); the last supervisor who can sign in stays one; and
reasons, school codes and usernames typed or pasted oddly are handled in words."""

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent, Staff
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.staff import (
    add_staff,
    authenticate,
    disable_staff,
    list_staff,
    set_staff_role,
    unlock_staff,
)
from tests.unit.staff_helpers import fresh_copy, lock_out, second_supervisor, staff_row

PASSWORD = "demo-password"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest) -> Database:
    return fresh_copy(request, request.param)


def _two_supervisors(db: Database) -> tuple[StaffMember, StaffMember]:
    boss = authenticate(db, username="demo-supervisor", password=PASSWORD)
    return boss, second_supervisor(db, boss)


def _denied_rows(db: Database, action: str) -> list[str]:
    with db.read() as session:
        rows = session.exec(
            select(AuditEvent).where(
                col(AuditEvent.action) == action, col(AuditEvent.outcome) == "denied"
            )
        ).all()
        return [r.staff_username or "" for r in rows]


def test_a_demoted_supervisors_open_session_cannot_add_a_new_supervisor(
    fresh_db: Database,
) -> None:
    """boss is demoted to agent by boss2; boss's session (opened before, F9 still
    reachable: the app's check uses the session's role) then adds a supervisor account
    whose password boss chose: a way back to full supervisor rights."""
    boss, boss2 = _two_supervisors(fresh_db)
    with fresh_db.write() as session:
        set_staff_role(session, actor=boss2, username="demo-supervisor", role="agent")
    with fresh_db.write() as session, pytest.raises(ActionDenied):
        add_staff(
            session,
            actor=boss,  # the StaffMember from before the demotion
            username="backdoor",
            full_name="Back Door",
            role="supervisor",
            password="Backdoor#2026",
        )
    with fresh_db.read() as session:
        made = session.exec(select(Staff).where(col(Staff.username) == "backdoor")).first()
    assert made is None, "a demoted supervisor created a supervisor account"
    assert _denied_rows(fresh_db, "staff_added") == ["demo-supervisor"]


def test_a_disabled_supervisors_open_session_cannot_unlock_an_account(
    fresh_db: Database,
) -> None:
    boss, boss2 = _two_supervisors(fresh_db)
    lock_out(fresh_db, "demo-agent")
    with fresh_db.write() as session:
        disable_staff(session, actor=boss2, username="demo-supervisor", reason="Left")
    with fresh_db.write() as session, pytest.raises(ActionDenied):
        unlock_staff(session, actor=boss, username="demo-agent", reason="friend")
    assert staff_row(fresh_db, "demo-agent").locked_at is not None, "still locked"


def test_a_disabled_supervisors_open_session_no_longer_lists_staff(fresh_db: Database) -> None:
    boss, boss2 = _two_supervisors(fresh_db)
    with fresh_db.write() as session:
        disable_staff(session, actor=boss2, username="demo-supervisor", reason="Left")
    with fresh_db.write() as session, pytest.raises(ActionDenied):
        list_staff(session, actor=boss)


def test_a_reason_with_a_nul_character_is_refused_in_words(fresh_db: Database) -> None:
    """A NUL pasted into the reason (F9 prompt or --reason): a DomainError a person
    can act on, on both databases, not a database error."""
    boss, _ = _two_supervisors(fresh_db)
    with fresh_db.write() as session, pytest.raises(DomainError):
        disable_staff(session, actor=boss, username="demo-agent", reason="Left\x00 the team")
    assert staff_row(fresh_db, "demo-agent").active is True


def test_a_reason_keeps_no_terminal_escape(fresh_db: Database) -> None:
    """An ESC sequence in the reason must not reach the audit trail as is (it is
    printed later by `helpdesk audit` and shown in the app)."""
    boss, _ = _two_supervisors(fresh_db)
    with fresh_db.write() as session:
        try:
            disable_staff(
                session, actor=boss, username="demo-agent", reason="Left\x1b[2J\x1b]0;x\x07 team"
            )
        except DomainError:
            return  # refused: also fine
    with fresh_db.read() as session:
        row = session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "staff_disabled")
        ).one()
    assert "\x1b" not in row.reason and "\x07" not in row.reason


def test_a_disabled_supervisors_open_session_cannot_loosen_the_desk_policy(
    fresh_db: Database,
) -> None:
    """The same stale check guards every supervisor-only service: a disabled
    supervisor's open session raises the lockout threshold to 20."""
    from helpdesk_tui.services.staff import desk_policy, set_desk_policy

    boss, boss2 = _two_supervisors(fresh_db)
    with fresh_db.read() as session:
        before = desk_policy(session).lockout_threshold
    with fresh_db.write() as session:
        disable_staff(session, actor=boss2, username="demo-supervisor", reason="Left")
    with fresh_db.write() as session, pytest.raises(ActionDenied):
        set_desk_policy(session, actor=boss, lockout_threshold=20)
    with fresh_db.read() as session:
        assert desk_policy(session).lockout_threshold == before


def test_an_unknown_school_code_is_not_echoed_with_terminal_controls(
    fresh_db: Database,
) -> None:
    """`helpdesk staff set-role x --role clerk --school $'\\e[2J'` prints the refusal
    on the terminal (and in the log) as typed: the screen is cleared."""
    boss, _ = _two_supervisors(fresh_db)
    with fresh_db.write() as session, pytest.raises(DomainError) as refused:
        set_staff_role(
            session, actor=boss, username="demo-agent", role="clerk", school_code="\x1b[2J9"
        )
    assert "\x1b" not in str(refused.value)


def test_the_last_supervisor_able_to_sign_in_cannot_demote_themselves(
    fresh_db: Database,
) -> None:
    """boss2 is locked (five wrong passwords); boss demotes themselves: allowed, since
    boss2 is 'active'. Now the only supervisor is locked and only a supervisor can
    unlock: the district is left without one who can sign in."""
    boss, _ = _two_supervisors(fresh_db)
    lock_out(fresh_db, "boss2")
    assert staff_row(fresh_db, "boss2").locked_at is not None
    with fresh_db.write() as session, pytest.raises(DomainError, match="last"):
        set_staff_role(session, actor=boss, username="demo-supervisor", role="agent")
    assert staff_row(fresh_db, "demo-supervisor").role == "supervisor"


def test_an_accented_username_is_found_however_the_accent_was_typed(
    fresh_db: Database,
) -> None:
    """`josé` (one code point for é, as most keyboards type it) is a valid username; the
    same name typed with a combining accent (e + U+0301, as some terminals and macOS
    paste it) looks identical on screen but finds no account."""
    boss, _ = _two_supervisors(fresh_db)
    with fresh_db.write() as session:
        add_staff(
            session,
            actor=boss,
            username="jos\u00e9",
            full_name="José Núñez",
            role="agent",
            password="Jose#pass-2026",
        )
    with fresh_db.write() as session:
        said = disable_staff(session, actor=boss, username="Jose\u0301", reason="Left")
    assert said == "Disabled jos\u00e9: they can no longer sign in."
    assert staff_row(fresh_db, "jos\u00e9").active is False

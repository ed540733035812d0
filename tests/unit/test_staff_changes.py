"""Staff administration by supervisors: disabling and enabling an account, changing a
role or a clerk's school, resetting a password (then the forced new password at the
next sign-in), the last active supervisor, and what the audit trail keeps of each."""

from datetime import datetime, timedelta

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.staff import (
    NEW_PASSWORD_NEEDED,
    SIGN_IN_FAILED,
    TEMPORARY_EXPIRED,
    PasswordChangeRequired,
    TemporaryPassword,
    authenticate,
    disable_staff,
    enable_staff,
    list_staff,
    new_temporary_password,
    reset_staff_password,
    set_own_password,
    set_staff_role,
)
from tests.unit.staff_helpers import (
    T0,
    attempt,
    fresh_copy,
    lock_out,
    second_supervisor,
    sign_in_rows,
    staff_row,
)

PASSWORD = "demo-password"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest) -> Database:
    return fresh_copy(request, request.param)


def who(db: Database, username: str) -> StaffMember:
    return authenticate(db, username=username, password=PASSWORD)


def admin_rows(db: Database, action: str) -> list[tuple[str, str, str, str, str]]:
    """(who acted, outcome, reason, detail) of every audit row of ``action``."""
    with db.read() as session:
        rows = session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == action).order_by(col(AuditEvent.id))
        ).all()
        return [(r.staff_username or "", r.outcome, r.reason, r.detail, r.action) for r in rows]


def test_a_disabled_agent_cannot_sign_in_until_enabled_again(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    with fresh_db.write() as session:
        said = disable_staff(session, actor=boss, username="Demo-Agent", reason="Left the team")
    assert said == "Disabled demo-agent: they can no longer sign in."
    assert staff_row(fresh_db).active is False
    assert attempt(fresh_db, PASSWORD, T0) == SIGN_IN_FAILED, "the right password is refused"
    assert admin_rows(fresh_db, "staff_disabled") == [
        (
            "demo-supervisor",
            "blocked",
            "Left the team",
            "demo-agent: was active, now disabled",
            "staff_disabled",
        )
    ]
    with fresh_db.write() as session, pytest.raises(DomainError, match="already disabled"):
        disable_staff(session, actor=boss, username="demo-agent", reason="again")
    with fresh_db.write() as session:
        enable_staff(session, actor=boss, username="demo-agent", reason="Back from leave")
    assert attempt(fresh_db, PASSWORD, T0 + timedelta(minutes=1)) == "signed in"
    assert admin_rows(fresh_db, "staff_enabled")[0][1:4] == (
        "cleared",
        "Back from leave",
        "demo-agent: was disabled, now active",
    )


def test_a_reason_is_required_and_unknown_names_are_named(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    with fresh_db.write() as session, pytest.raises(DomainError, match="Give a reason"):
        disable_staff(session, actor=boss, username="demo-agent", reason="  ")
    with fresh_db.write() as session, pytest.raises(DomainError, match="No staff account is named"):
        disable_staff(session, actor=boss, username="nobody-here", reason="x")
    assert staff_row(fresh_db).active is True
    assert admin_rows(fresh_db, "staff_disabled") == []


def test_nobody_disables_themselves_and_the_last_supervisor_stays(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    with fresh_db.write() as session, pytest.raises(DomainError, match="your own account"):
        disable_staff(session, actor=boss, username="demo-supervisor", reason="Leaving")
    with (
        fresh_db.write() as session,
        pytest.raises(DomainError, match="last supervisor who can sign in"),
    ):
        set_staff_role(session, actor=boss, username="demo-supervisor", role="agent")
    assert staff_row(fresh_db, "demo-supervisor").role == "supervisor"
    assert staff_row(fresh_db, "demo-supervisor").active is True

    boss2 = second_supervisor(fresh_db, boss)
    with fresh_db.write() as session:
        said = set_staff_role(session, actor=boss2, username="demo-supervisor", role="agent")
    assert said == "demo-supervisor is now an agent."
    # boss2 is now the last one: demoting them is refused, even by themselves.
    with (
        fresh_db.write() as session,
        pytest.raises(DomainError, match="last supervisor who can sign in"),
    ):
        set_staff_role(session, actor=boss2, username="boss2", role="agent")
    # The demoted supervisor's open session can change nothing more (audited).
    with fresh_db.write() as session, pytest.raises(ActionDenied, match="no longer"):
        disable_staff(session, actor=boss, username="boss2", reason="Taking over")
    assert staff_row(fresh_db, "boss2").active is True
    denied = admin_rows(fresh_db, "staff_disabled")
    assert [(r[0], r[1]) for r in denied] == [("demo-supervisor", "denied")]


def test_a_disabled_supervisor_no_longer_counts_as_active(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    boss2 = second_supervisor(fresh_db, boss)
    with fresh_db.write() as session:
        disable_staff(session, actor=boss, username="boss2", reason="Left")
    with (
        fresh_db.write() as session,
        pytest.raises(DomainError, match="last supervisor who can sign in"),
    ):
        set_staff_role(session, actor=boss, username="demo-supervisor", role="agent")
    with fresh_db.write() as session, pytest.raises(ActionDenied, match="no longer"):
        enable_staff(session, actor=boss2, username="boss2", reason="I am back")
    assert staff_row(fresh_db, "boss2").active is False


def test_roles_and_a_clerks_school(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    with fresh_db.write() as session, pytest.raises(DomainError, match="give its code"):
        set_staff_role(session, actor=boss, username="demo-agent", role="clerk")
    with fresh_db.write() as session, pytest.raises(DomainError, match="Only a school clerk"):
        set_staff_role(session, actor=boss, username="demo-agent", role="agent", school_code="101")
    with fresh_db.write() as session, pytest.raises(DomainError, match="No school has the code 9"):
        set_staff_role(session, actor=boss, username="demo-agent", role="clerk", school_code="9")
    with fresh_db.write() as session, pytest.raises(DomainError, match="already a school clerk"):
        set_staff_role(session, actor=boss, username="demo-clerk", role="clerk", school_code="101")
    with fresh_db.write() as session:
        moved = set_staff_role(
            session,
            actor=boss,
            username="demo-clerk",
            role="clerk",
            school_code="102",
            reason="Moved schools",
        )
        to_agent = set_staff_role(session, actor=boss, username="demo-agent", role="supervisor")
    assert moved == "demo-clerk is now a school clerk at Maplebrook Elementary School (102)."
    assert to_agent == "demo-agent is now a supervisor."
    clerk = who(fresh_db, "demo-clerk")
    assert clerk.school_name == "Maplebrook Elementary School"
    assert admin_rows(fresh_db, "staff_role_changed") == [
        (
            "demo-supervisor",
            "done",
            "Moved schools",
            "demo-clerk: was a school clerk at Ellsworth Elementary School (101), "
            "now a school clerk at Maplebrook Elementary School (102)",
            "staff_role_changed",
        ),
        (
            "demo-supervisor",
            "done",
            "",
            "demo-agent: was an agent, now a supervisor",
            "staff_role_changed",
        ),
    ]
    with fresh_db.write() as session:
        set_staff_role(session, actor=boss, username="demo-clerk", role="agent")
    assert staff_row(fresh_db, "demo-clerk").school_id is None


def test_a_reset_password_takes_nobody_in_until_a_new_one_is_chosen(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    lock_out(fresh_db, "demo-agent")  # forgot it: five wrong tries, locked
    temporary = TemporaryPassword("Temp-1234-abcd", _hash("Temp-1234-abcd"))
    with fresh_db.write() as session:
        said = reset_staff_password(
            session,
            actor=boss,
            username="demo-agent",
            reason="Called, ID checked",
            temporary=temporary,
        )
    assert said.startswith("Reset demo-agent's password.")
    row = staff_row(fresh_db)
    assert row.must_change_password and row.locked_at is None and row.failed_sign_ins == 0
    at = T0 + timedelta(hours=1)
    assert attempt(fresh_db, PASSWORD, at) == SIGN_IN_FAILED, "the old password stopped working"
    with pytest.raises(PasswordChangeRequired) as refused:
        authenticate(fresh_db, username="demo-agent", password="Temp-1234-abcd", now=at)
    assert str(refused.value) == NEW_PASSWORD_NEEDED
    assert "Sign in to the helpdesk app" in NEW_PASSWORD_NEEDED

    def choose(temp: str, new: str) -> str:
        try:
            set_own_password(
                fresh_db, username="demo-agent", temporary_password=temp, new_password=new, now=at
            )
        except DomainError as exc:
            return str(exc)
        return "signed in"

    assert choose("Temp-1234-abcd", "short1!") == "A password has at least 8 characters."
    assert (
        choose("Temp-1234-abcd", "Temp-1234-abcd")
        == "Choose a new password, not the temporary one."
    )
    assert choose("wrong-temp", "Fresh#pass-2026") == SIGN_IN_FAILED
    assert staff_row(fresh_db).must_change_password, "nothing changed yet"
    assert choose("Temp-1234-abcd", "Fresh#pass-2026") == "signed in"
    row = staff_row(fresh_db)
    assert not row.must_change_password and row.failed_sign_ins == 0
    assert attempt(fresh_db, "Fresh#pass-2026", at) == "signed in"
    assert attempt(fresh_db, "Temp-1234-abcd", at) == SIGN_IN_FAILED
    assert choose("Fresh#pass-2026", "Other#pass-2027") == (
        "Your password was not reset: sign in with it as usual."
    )
    assert sign_in_rows(fresh_db)[6:] == [  # after 5 failures and the lock
        ("staff_sign_in_failed", "failed", "wrong password"),  # the old password
        ("staff_sign_in_failed", "failed", "temporary password, a new one to be chosen first"),
        ("staff_sign_in_failed", "failed", "wrong password"),  # the wrong temporary one
        ("staff_password_changed", "done", "a new password in place of the temporary one"),
        ("staff_signed_in", "done", ""),
        ("staff_signed_in", "done", ""),
        ("staff_sign_in_failed", "failed", "wrong password"),  # the temporary one, after
        ("staff_sign_in_failed", "failed", "no reset to complete"),
    ]
    reset = admin_rows(fresh_db, "staff_password_reset")
    assert [r[:3] for r in reset] == [("demo-supervisor", "done", "Called, ID checked")]
    assert reset[0][3] == (
        "demo-agent: was own password, locked since 2026-11-03 08:04; now a temporary password"
    )


def test_a_temporary_password_is_random_and_never_printed_by_repr() -> None:
    first, second = new_temporary_password(), new_temporary_password()
    assert first.text != second.text
    assert len(first.text) == 14 and first.text.count("-") == 2
    assert first.text not in repr(first) and first.hash.startswith("$argon2")


def test_a_supervisor_does_not_reset_their_own_password(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    temporary = TemporaryPassword("Temp-1234-abcd", "not-used")
    with fresh_db.write() as session, pytest.raises(DomainError, match="your own password"):
        reset_staff_password(
            session, actor=boss, username="demo-supervisor", reason="x", temporary=temporary
        )
    assert not staff_row(fresh_db, "demo-supervisor").must_change_password


@pytest.mark.parametrize("username", ["demo-agent", "demo-clerk"])
def test_agents_and_clerks_are_refused_and_the_refusal_is_audited(
    fresh_db: Database, username: str
) -> None:
    actor = who(fresh_db, username)
    with fresh_db.write() as session, pytest.raises(ActionDenied, match="Only a supervisor"):
        disable_staff(session, actor=actor, username="demo-supervisor", reason="coup")
    with fresh_db.write() as session, pytest.raises(ActionDenied):
        set_staff_role(session, actor=actor, username=username, role="supervisor")
    assert staff_row(fresh_db, "demo-supervisor").active is True
    assert staff_row(fresh_db, username).role != "supervisor"
    assert [r[:2] for r in admin_rows(fresh_db, "staff_disabled")] == [(username, "denied")]
    assert [r[:2] for r in admin_rows(fresh_db, "staff_role_changed")] == [(username, "denied")]


def test_the_list_shows_each_last_sign_in(fresh_db: Database) -> None:
    attempt(fresh_db, PASSWORD, T0, "demo-clerk")
    attempt(fresh_db, PASSWORD, T0 + timedelta(days=1, minutes=5), "demo-clerk")
    attempt(fresh_db, "wrong", T0 + timedelta(days=2), "demo-clerk")  # a failure: not counted
    boss = who(fresh_db, "demo-supervisor")
    with fresh_db.write() as session:
        disable_staff(session, actor=boss, username="demo-agent", reason="Left")
        accounts = {a.username: a for a in list_staff(session, actor=boss)}
    clerk = accounts["demo-clerk"]
    assert clerk.last_signed_in_at == T0 + timedelta(days=1, minutes=5)
    assert clerk.last_sign_in == "2026-11-04 08:05 UTC"
    assert accounts["demo-agent"].status == "disabled"
    assert accounts["demo-supervisor"].last_signed_in_at is not None  # just now, by who()


def test_an_unused_temporary_password_expires_after_three_days(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    temporary = TemporaryPassword("Temp-9876-wxyz", _hash("Temp-9876-wxyz"))

    def reset(at: datetime) -> None:
        with fresh_db.write() as session:
            reset_staff_password(
                session,
                actor=boss,
                username="demo-agent",
                reason="Forgot",
                temporary=temporary,
                now=at,
            )

    def new_password(at: datetime) -> str:
        try:
            set_own_password(
                fresh_db,
                username="demo-agent",
                temporary_password="Temp-9876-wxyz",
                new_password="Fresh#pass-2026",
                now=at,
            )
        except DomainError as exc:
            return str(exc)
        return "signed in"

    reset(T0)  # a Tuesday morning
    late = T0 + timedelta(days=3, minutes=1)
    assert new_password(late) == TEMPORARY_EXPIRED
    with pytest.raises(DomainError, match="expired"):
        authenticate(fresh_db, username="demo-agent", password="Temp-9876-wxyz", now=late)
    assert staff_row(fresh_db).must_change_password  # still reset; nothing let in
    with fresh_db.write() as session:
        [agent] = [
            a for a in list_staff(session, actor=boss, now=late) if a.username == "demo-agent"
        ]
    assert agent.status == "active, temporary password expired (reset it again)"
    assert ("staff_sign_in_failed", "failed", "temporary password expired") in sign_in_rows(
        fresh_db
    )
    reset(late)  # a second reset gives three more days
    assert new_password(late + timedelta(days=2)) == "signed in"
    assert staff_row(fresh_db).temporary_password_expires_at is None


def _hash(text: str) -> str:
    from helpdesk_tui.data.passwords import hash_password

    return hash_password(text)

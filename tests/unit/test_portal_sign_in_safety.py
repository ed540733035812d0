"""The portal's sign-in gives nothing away and resists floods, on both databases:

- an unknown username, a wrong password, the wrong password that disables the login and
  a disabled login all get the same answer (the lockout notice still goes to the
  addresses on file);
- a source (an IP address, or a username tried) with too many recent failures is told
  to wait, and those turned-away attempts are logged but neither check the password
  nor count toward the lockout, so a flood cannot lock out many families;
- control characters (NUL above all, which PostgreSQL refuses) are a plain refusal.

Clocks are simulated through ``now=`` (two hours back, so no other test's window sees
these attempts), and every test uses addresses of its own.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import exists
from sqlmodel import col, select

from helpdesk_tui.data.demo.rows import DEMO_PORTAL_PASSWORD
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    AuditEvent,
    Guardian,
    LoginAttempt,
    PortalAccount,
    Verification,
)
from helpdesk_tui.services.guardians import get_guardian_detail
from helpdesk_tui.services.portal import (
    IP_THROTTLE,
    USERNAME_THROTTLE,
    PortalError,
    SignInRefused,
    SignInThrottled,
    forgot_password,
    forgot_username,
    reset_password,
    set_security_email,
    sign_in,
    verify_security_email,
)
from tests.conftest import first_row
from tests.recovery import audit_rows, count, outbox_for, pick_guardian, staff

WRONG = "Wrong#pass12"


def login(database: Database, username: str, password: str, ip: str, now: datetime):  # type: ignore[no-untyped-def]
    return sign_in(database, username=username, password=password, ip=ip, now=now)


def refusal(database: Database, username: str, password: str, ip: str, now: datetime):  # type: ignore[no-untyped-def]
    with pytest.raises(PortalError) as refused:
        login(database, username, password, ip, now)
    return refused.value


def account_of(database: Database, guardian_id: int) -> PortalAccount:
    return first_row(
        database, select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian_id)
    )


def start() -> datetime:
    return datetime.now(UTC) - timedelta(hours=2)


def untouched_logins(database: Database, n: int) -> list[int]:
    """``n`` guardians with an active login no test has touched, from the far end of the
    district (pick_guardian takes from the near end): a throttled or failed attempt
    leaves no audit row to mark them, so each test leaves its logins as it found them."""
    with database.read() as session:
        touched = exists().where(
            col(Verification.guardian_id) == col(Guardian.id)
        ) | exists().where(col(AuditEvent.guardian_id) == col(Guardian.id))
        tried_today = exists().where(  # by an earlier test (the demo's own log is older)
            col(LoginAttempt.account_id) == col(PortalAccount.id),
            col(LoginAttempt.attempted_at) > datetime.now(UTC) - timedelta(days=1),
        )
        ids = session.exec(
            select(Guardian.id)
            .join(PortalAccount, col(PortalAccount.guardian_id) == col(Guardian.id))
            .where(
                ~touched,
                ~tried_today,
                col(Guardian.active),
                col(PortalAccount.status) == "active",
                col(PortalAccount.failed_login_count) == 0,
            )
            .order_by(col(Guardian.id).desc())
            .limit(n)
        ).all()
    assert len(ids) == n
    return [i or 0 for i in ids]


def attempts_of(database: Database, account_id: int | None, since: datetime) -> list[LoginAttempt]:
    """The access log of one login from ``since`` on (the demo's own history is older)."""
    with database.read() as session:
        rows = session.exec(
            select(LoginAttempt)
            .where(
                col(LoginAttempt.account_id) == account_id,
                col(LoginAttempt.attempted_at) >= since,
            )
            .order_by(col(LoginAttempt.id))
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def verify_security_email_in(database: Database, link: str) -> str:
    with database.write() as session:
        return verify_security_email(session, link=link)


def set_active(database: Database, guardian_id: int, active: bool) -> None:
    with database.write() as session:
        row = session.get(Guardian, guardian_id)
        assert row is not None
        row.active = active


# -- the same answer whatever the reason -------------------------------------------------
def test_unknown_wrong_disabling_and_disabled_all_get_the_same_answer(action_db):
    [guardian_id] = untouched_logins(action_db, 1)
    guardian = first_row(action_db, select(Guardian).where(col(Guardian.id) == guardian_id))
    username = account_of(action_db, guardian.id).username
    t = start()
    answers = [refusal(action_db, "nobody-here-77", WRONG, "192.0.2.11", t)]
    for i in range(1, 6):  # the fifth disables the login
        answers.append(refusal(action_db, username, WRONG, "192.0.2.11", t + timedelta(minutes=i)))
    # The right password on the disabled login, then a wrong one.
    answers.append(
        refusal(action_db, username, DEMO_PORTAL_PASSWORD, "192.0.2.11", t + timedelta(minutes=7))
    )
    answers.append(refusal(action_db, username, WRONG, "192.0.2.11", t + timedelta(minutes=8)))

    assert len({(type(a), str(a)) for a in answers}) == 1, [str(a) for a in answers]
    account = account_of(action_db, guardian.id)
    assert account.status == "disabled"
    assert account.disabled_reason == "5 consecutive failed logins"
    # The owner still hears of it, at every address on file, and staff see why.
    notices = [m for m in outbox_for(action_db, guardian.id) if m.kind == "notice:account_locked"]
    assert guardian.email in {m.to_address for m in notices}
    assert [e.action for e in audit_rows(action_db, guardian.id)] == ["account_locked"]
    assert len(attempts_of(action_db, account.id, t)) == 7


def test_an_inactive_guardian_gets_the_same_answer_too(action_db):
    [guardian_id] = untouched_logins(action_db, 1)
    username = account_of(action_db, guardian_id).username
    t = start()
    wrong = refusal(action_db, "nobody-here-78", WRONG, "192.0.2.12", t)
    set_active(action_db, guardian_id, False)
    try:
        inactive = refusal(
            action_db, username, DEMO_PORTAL_PASSWORD, "192.0.2.12", t + timedelta(minutes=1)
        )
    finally:
        set_active(action_db, guardian_id, True)
    assert (type(inactive), str(inactive)) == (type(wrong), str(wrong))


# -- a per-source throttle ----------------------------------------------------------------
def test_an_address_with_too_many_failures_is_told_to_wait_and_nothing_is_checked(action_db):
    [guardian_id] = untouched_logins(action_db, 1)
    username = account_of(action_db, guardian_id).username
    ip, t = "192.0.2.21", start()
    for i in range(IP_THROTTLE.free_failures):  # different names: only the address adds up
        refusal(action_db, f"ghost{i}x", WRONG, ip, t)

    # Even the right password is turned away now, without being checked, and each try
    # while told to wait doubles the wait.
    waited = refusal(action_db, username, DEMO_PORTAL_PASSWORD, ip, t)
    assert isinstance(waited, SignInThrottled)
    assert "Wait 1 minute" in str(waited)
    assert waited.retry_after == timedelta(seconds=2)
    again = refusal(action_db, username, DEMO_PORTAL_PASSWORD, ip, t + timedelta(seconds=1))
    assert again.retry_after == timedelta(seconds=4)
    account = account_of(action_db, guardian_id)
    assert account.failed_login_count == 0 and account.status == "active"
    logged = attempts_of(action_db, account.id, t)
    # In the access log as failures, marked as turned away: staff can tell them apart.
    assert [(a.ip_address, a.success, a.throttled) for a in logged] == [
        (ip, False, True),
        (ip, False, True),
    ]
    with action_db.read() as session:
        shown = get_guardian_detail(
            session, actor=staff(action_db, "demo-agent"), guardian_id=guardian_id
        )
    assert [a.throttled for a in shown.access_log[:2]] == [True, True]

    # Once the wait is over, the right password signs in; another address never waited.
    assert login(action_db, username, DEMO_PORTAL_PASSWORD, ip, t + timedelta(seconds=5))
    assert login(action_db, username, DEMO_PORTAL_PASSWORD, "192.0.2.22", t)


def test_a_username_tried_from_many_addresses_is_slowed_without_being_locked(action_db):
    [guardian_id] = untouched_logins(action_db, 1)
    username = account_of(action_db, guardian_id).username
    t = start()
    free = USERNAME_THROTTLE.free_failures
    for i in range(free):  # in any case: the same username
        refusal(action_db, username.upper(), WRONG, f"198.51.100.{100 + i}", t)
    for i in range(10):  # a botnet keeps going, each try from a new address
        waited = refusal(action_db, username, WRONG, f"198.51.100.{150 + i}", t)
        assert isinstance(waited, SignInThrottled)
    account = account_of(action_db, guardian_id)
    assert account.failed_login_count == free and account.status == "active"
    assert audit_rows(action_db, guardian_id) == []  # no lockout, no notice
    assert not [m for m in outbox_for(action_db, guardian_id) if m.kind.startswith("notice:")]
    # An hour on, the owner signs in as usual.
    assert login(action_db, username, DEMO_PORTAL_PASSWORD, "192.0.2.23", t + timedelta(hours=1))


def test_one_address_cannot_lock_out_families_in_a_burst(action_db):
    ip, t = "192.0.2.31", start()
    targets = untouched_logins(action_db, 6)
    for guardian_id in targets:
        username = account_of(action_db, guardian_id).username
        for _ in range(5):  # the lockout threshold, for each family
            refusal(action_db, username, WRONG, ip, t)
    assert [account_of(action_db, g).status for g in targets] == ["active"] * 6
    checked = sum(account_of(action_db, g).failed_login_count for g in targets)
    assert checked <= IP_THROTTLE.free_failures  # the rest were turned away unchecked
    for guardian_id in targets:  # later, each owner signs in as usual
        username = account_of(action_db, guardian_id).username
        later = t + timedelta(hours=1)
        assert login(action_db, username, DEMO_PORTAL_PASSWORD, "192.0.2.32", later)


# -- control characters ---------------------------------------------------------------------
@pytest.mark.parametrize("name", ["ab\x00cd", "\x00", "mama\x1b[2J", "tab\there", "new\nline"])
def test_control_characters_in_a_username_are_a_plain_refusal(action_db, name):
    before = count(action_db, LoginAttempt)
    with pytest.raises(PortalError, match="letters and digits"):
        login(action_db, name, WRONG, "192.0.2.41", start())
    with pytest.raises(PortalError, match="letters and digits"):
        forgot_password(action_db, username=name, ip="192.0.2.41")
    with pytest.raises(PortalError, match="letters and digits"):
        set_security_email(
            action_db, username=name, password=WRONG, email="ok@example.org", ip="192.0.2.41"
        )
    assert count(action_db, LoginAttempt) == before


@pytest.mark.parametrize("email", ["a\x00b@example.org", "\x00", "x@exa\x00mple.org", "a\rb@c.org"])
def test_control_characters_in_an_email_are_a_plain_refusal(action_db, email):
    with pytest.raises(PortalError, match="not an email address"):
        forgot_username(action_db, email=email, ip="192.0.2.42")
    guardian = pick_guardian(action_db, account="active", verified_email=False)
    username = account_of(action_db, guardian.id).username
    with pytest.raises(PortalError, match="cannot be used"):
        set_security_email(
            action_db,
            username=username,
            password=DEMO_PORTAL_PASSWORD,
            email=email,
            ip="192.0.2.42",
        )


def test_a_lone_surrogate_in_a_password_or_a_link_is_a_plain_refusal(action_db):
    """What no encoding takes (a lone UTF-16 surrogate, from a broken form or client)."""
    [guardian_id] = untouched_logins(action_db, 1)
    username = account_of(action_db, guardian_id).username
    with pytest.raises(SignInRefused):
        login(action_db, username, "Bad\ud800pass1!", "192.0.2.43", start())
    with pytest.raises(PortalError, match="control characters"):
        reset_password(action_db, link="\ud800", new_password="Bad\ud800pass1!", ip="192.0.2.43")
    with pytest.raises(PortalError, match="expired or was already used"):
        reset_password(action_db, link="tok\ud800en", new_password="Good#pass12", ip="192.0.2.43")
    with pytest.raises(PortalError, match="expired or was already used"):
        verify_security_email_in(action_db, "https://portal.example.org/?verify=\ud800")
    assert login(action_db, username, DEMO_PORTAL_PASSWORD, "192.0.2.43", start())

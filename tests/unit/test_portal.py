"""The portal's side, on both databases: redeem a key, sign in with the access log and
the lockout, and the refusals a parent would see."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.demo.rows import DEMO_PORTAL_PASSWORD
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    ActivationKey,
    GuardianStudent,
    LoginAttempt,
    PortalAccount,
    SearchTerm,
)
from helpdesk_tui.services import recovery as accounts
from helpdesk_tui.services.portal import (
    KeyAlreadyUsed,
    PortalError,
    SignInRefused,
    UsernameTaken,
    redeem_key,
    sign_in,
)
from tests.conftest import first_row
from tests.recovery import (
    audit_rows,
    count,
    demo_key_of,
    outbox_for,
    pick_guardian,
    staff,
    verify,
)

PASSWORD = "Río-Verde-2026"


def redeem(database: Database, key: str, username: str, password: str = PASSWORD, **kw):  # type: ignore[no-untyped-def]
    return redeem_key(
        database, key_text=key, username=username, password=password, ip="203.0.113.7", **kw
    )


def login(database: Database, username: str, password: str, ip: str = "198.51.100.4", **kw):  # type: ignore[no-untyped-def]
    return sign_in(database, username=username, password=password, ip=ip, **kw)


def account_of(database: Database, guardian_id: int) -> PortalAccount:
    account = first_row(
        database, select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian_id)
    )
    assert account is not None
    return account


def test_a_key_read_out_with_spaces_in_lower_case_makes_one_login(action_db):
    guardian = pick_guardian(action_db, account="none", key_status="active")
    key = demo_key_of(action_db, guardian.id, "active")
    spoken = " ".join(key.strip("{}").replace("-", "").lower()[i : i + 4] for i in range(0, 32, 4))

    done = redeem(action_db, spoken, "Abuela77")

    assert done.username == "Abuela77" and done.replaced_login is None
    account = account_of(action_db, guardian.id)
    assert account.status == "active" and account.kind == "guardian"
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash
    redeemed = first_row(
        action_db, select(ActivationKey).where(col(ActivationKey.guardian_id) == guardian.id)
    )
    assert redeemed.status == "redeemed" and redeemed.redeemed_by_account_id == account.id
    assert [
        (e.staff_username, e.action, e.outcome) for e in audit_rows(action_db, guardian.id)
    ] == [("portal", "key_redeemed", "done")]
    notices = [m for m in outbox_for(action_db, guardian.id) if m.kind == "notice:key_redeemed"]
    assert notices and all("Abuela77" in m.body for m in notices)
    # The lookup box finds the guardian by the new username at once.
    assert count(action_db, SearchTerm, col(SearchTerm.term) == "abuela77") == 1


def test_key_already_used_and_username_taken_are_different_refusals(action_db):
    first = pick_guardian(action_db, account="none", key_status="active")
    key = demo_key_of(action_db, first.id, "active")
    redeem(action_db, key, "Tio2026")

    with pytest.raises(KeyAlreadyUsed, match="already been used to create a login"):
        redeem(action_db, key, "Tia2026")
    # The refusal is kept where the helpdesk will see it when the parent calls.
    assert audit_rows(action_db, first.id)[-1].outcome == "denied"
    assert "already used (login Tio2026)" in audit_rows(action_db, first.id)[-1].detail

    second = pick_guardian(action_db, account="none", key_status="active")
    second_key = demo_key_of(action_db, second.id, "active")
    with pytest.raises(UsernameTaken, match="TIO2026 is already taken"):
        redeem(action_db, second_key, "TIO2026")
    assert not issubclass(UsernameTaken, KeyAlreadyUsed)
    # Nothing changed for the second guardian: the key is still waiting for a login.
    still = first_row(
        action_db, select(ActivationKey.status).where(col(ActivationKey.guardian_id) == second.id)
    )
    assert still == "active"
    assert count(action_db, PortalAccount, col(PortalAccount.guardian_id) == second.id) == 0


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("123456", PASSWORD, "cannot be all digits"),
        ("José99", PASSWORD, "letters A-Z"),
        ("Mama2026", "short1!", "at least 8 characters"),
        ("Mama2026", "longenough1", "symbol"),
        ("Mama2026", "no-digits-here", "digit"),
    ],
)
def test_username_and_password_rules_refuse_before_anything_changes(
    action_db, username, password, message
):
    guardian = pick_guardian(action_db, account="none", key_status="active")
    key = demo_key_of(action_db, guardian.id, "active")
    with pytest.raises(PortalError, match=message):
        redeem(action_db, key, username, password)
    assert count(action_db, PortalAccount, col(PortalAccount.guardian_id) == guardian.id) == 0


def test_not_a_key_unknown_expired_and_revoked_keys_say_what_to_do(action_db):
    with pytest.raises(PortalError, match="not an activation key"):
        redeem(action_db, "my key is ABC", "Mama2026")
    with pytest.raises(PortalError, match="do not recognise"):
        redeem(action_db, "0" * 32, "Mama2026")
    expired = pick_guardian(action_db, account="none", key_status="expired")
    with pytest.raises(PortalError, match="expired"):
        redeem(action_db, demo_key_of(action_db, expired.id, "expired"), "Mama2026")
    revoked = pick_guardian(action_db, account="active", key_status="revoked")
    with pytest.raises(PortalError, match="replaced by a newer one"):
        redeem(action_db, demo_key_of(action_db, revoked.id, "revoked"), "Mama2026")


def set_links(database: Database, guardian_id: int, **flags: bool) -> None:
    with database.write() as session:
        for link in session.exec(
            select(GuardianStudent).where(col(GuardianStudent.guardian_id) == guardian_id)
        ):
            for name, value in flags.items():
                setattr(link, name, value)


def test_a_restricted_family_cannot_redeem_and_is_not_told_why(action_db):
    guardian = pick_guardian(action_db, account="none", key_status="active")
    set_links(action_db, guardian.id, restricted=True)
    with pytest.raises(PortalError) as refused:
        redeem(action_db, demo_key_of(action_db, guardian.id, "active"), "Papa2026")
    assert "custody" not in str(refused.value).lower()
    assert "RESTRICTED" in audit_rows(action_db, guardian.id)[-1].detail


def test_sign_in_logs_every_attempt_and_the_fifth_failure_disables(action_db):
    guardian = pick_guardian(action_db, account="none", key_status="active")
    redeem(action_db, demo_key_of(action_db, guardian.id, "active"), "Lockme1")
    # A minute between tries, as a person types (a script is slowed by the throttle).
    minute = iter(datetime.now(UTC) - timedelta(minutes=30 - i) for i in range(30))

    assert login(action_db, "LOCKME1", PASSWORD, now=next(minute)).username == "Lockme1"
    answers = set()
    for attempt in range(1, 5):
        with pytest.raises(SignInRefused, match="do not match") as refused:
            login(action_db, "lockme1", "wrong-password-1!", now=next(minute))
        answers.add(str(refused.value))
        assert account_of(action_db, guardian.id).failed_login_count == attempt
    with pytest.raises(SignInRefused) as fifth:  # this one disables the login
        login(action_db, "lockme1", "wrong-password-1!", ip="192.0.2.200", now=next(minute))
    with pytest.raises(SignInRefused) as disabled:
        login(action_db, "lockme1", PASSWORD, now=next(minute))
    # Nothing in the answer tells the one at the keyboard which it was.
    assert answers == {str(fifth.value)} == {str(disabled.value)}

    account = account_of(action_db, guardian.id)
    assert account.status == "disabled" and account.disabled_reason == "5 consecutive failed logins"
    attempts = count(action_db, LoginAttempt, col(LoginAttempt.account_id) == account.id)
    assert attempts == 7
    failures_from = first_row(
        action_db,
        select(LoginAttempt.ip_address)
        .where(col(LoginAttempt.account_id) == account.id)
        .order_by(col(LoginAttempt.id).desc()),
    )
    assert failures_from == "198.51.100.4"
    assert audit_rows(action_db, guardian.id)[-1].action == "account_locked"
    assert any(m.kind == "notice:account_locked" for m in outbox_for(action_db, guardian.id))


def test_a_success_resets_the_count_and_an_unknown_name_is_logged_alike(action_db):
    guardian = pick_guardian(action_db, account="active")
    account = account_of(action_db, guardian.id)
    with pytest.raises(SignInRefused) as wrong:
        login(action_db, account.username, "not-it-1!")
    assert account_of(action_db, guardian.id).failed_login_count == 1
    done = login(action_db, account.username, DEMO_PORTAL_PASSWORD)
    assert done.kind == "guardian"
    after = account_of(action_db, guardian.id)
    assert after.failed_login_count == 0 and after.last_login_at is not None

    with pytest.raises(SignInRefused) as unknown:
        login(action_db, "nobody-here-42", "whatever1!")
    assert str(unknown.value) == str(wrong.value)
    logged = first_row(
        action_db,
        select(LoginAttempt).where(col(LoginAttempt.username_tried) == "nobody-here-42"),
    )
    assert logged.account_id is None and logged.success is False


def test_a_bad_ip_address_is_refused_and_nothing_is_logged(action_db):
    before = count(action_db, LoginAttempt)
    with pytest.raises(PortalError, match="not an IP address"):
        login(action_db, "anyone1", "whatever1!", ip="not-an-ip")
    assert count(action_db, LoginAttempt) == before


def test_after_reset_account_the_new_key_replaces_the_closed_login(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db, account="active")
    old = account_of(action_db, guardian.id).username
    verify(action_db, agent, guardian)
    with action_db.write() as session:
        _, issued = accounts.reset_account(
            session, actor=agent, guardian_id=guardian.id, delivery="letter"
        )
    with pytest.raises(SignInRefused):
        login(action_db, old, DEMO_PORTAL_PASSWORD)

    done = redeem(action_db, issued.key, "Fresh2026")

    assert done.replaced_login == old
    assert login(action_db, "fresh2026", PASSWORD).username == "Fresh2026"
    with pytest.raises(SignInRefused):  # the old name is gone, not merely disabled
        login(action_db, old, DEMO_PORTAL_PASSWORD)
    assert count(action_db, PortalAccount, col(PortalAccount.guardian_id) == guardian.id) == 1


def test_a_deactivated_relationship_makes_the_key_unusable(action_db):
    guardian = pick_guardian(action_db, account="none", key_status="active")
    set_links(action_db, guardian.id, portal_access=False)
    with pytest.raises(PortalError, match="cannot be used at the moment"):
        redeem(action_db, demo_key_of(action_db, guardian.id, "active"), "Nope2026")
    assert "no portal rights" in audit_rows(action_db, guardian.id)[-1].detail


def test_an_expiry_passing_after_issue_is_enforced(action_db):
    guardian = pick_guardian(action_db, account="none", key_status="active")
    key_text = demo_key_of(action_db, guardian.id, "active")
    key = first_row(
        action_db,
        select(ActivationKey).where(
            col(ActivationKey.guardian_id) == guardian.id, col(ActivationKey.status) == "active"
        ),
    )
    with pytest.raises(PortalError, match="expired"):
        redeem(action_db, key_text, "Late2026", now=key.expires_at + timedelta(minutes=1))

"""Self-service recovery on both databases: the security email must be verified by its
link; "forgot" answers never tell whether an account exists; links work once and expire."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.demo.rows import DEMO_PORTAL_PASSWORD
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AccountToken, OutboxMessage, PortalAccount
from helpdesk_tui.services.portal import (
    FORGOT_ANSWER,
    RESET_LINKS_PER_HOUR,
    PortalError,
    SignInRefused,
    forgot_password,
    forgot_username,
    reset_password,
    set_security_email,
    sign_in,
    verify_security_email,
)
from tests.conftest import first_row
from tests.recovery import audit_rows, count, outbox_for, pick_guardian

IP = "203.0.113.50"
NEW_PASSWORD = "Nueva#Clave9"


def account_of(database: Database, guardian_id: int) -> PortalAccount:
    return first_row(
        database, select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian_id)
    )


def link_in(database: Database, guardian_id: int, kind: str) -> str:
    """The link of the newest queued message of ``kind`` (what the guardian would click)."""
    message = [m for m in outbox_for(database, guardian_id) if m.kind == kind][-1]
    assert message.secret and "[[secret]]" in message.body
    return message.secret


def test_a_security_email_works_only_after_its_link_is_opened(action_db):
    guardian = pick_guardian(action_db, account="active", verified_email=False)
    username = account_of(action_db, guardian.id).username
    masked = set_security_email(
        action_db,
        username=username,
        password=DEMO_PORTAL_PASSWORD,
        email="Mamá.Segura@Example.ORG",
        ip=IP,
    )
    assert masked == "M•••@example.org"
    account = account_of(action_db, guardian.id)
    assert account.security_email == "Mamá.Segura@example.org"
    assert not account.security_email_verified
    # Not verified yet: "forgot password" sends nothing.
    forgot_password(action_db, username=username, ip=IP)
    assert not [m for m in outbox_for(action_db, guardian.id) if m.kind == "link:reset"]

    link = link_in(action_db, guardian.id, "link:verify_email")
    with action_db.write() as session:
        verify_security_email(session, link=link)
    assert account_of(action_db, guardian.id).security_email_verified
    with pytest.raises(PortalError, match="already used"), action_db.write() as session:
        verify_security_email(session, link=link)
    assert [e.action for e in audit_rows(action_db, guardian.id)] == [
        "security_email_set",
        "security_email_verified",
    ]
    # Everyone on file heard of the change, the address being replaced included.
    notices = [m for m in outbox_for(action_db, guardian.id) if m.kind.startswith("notice:")]
    assert {m.to_address for m in notices} >= {guardian.email}


def test_setting_the_email_needs_the_password_and_a_wrong_one_counts(action_db):
    guardian = pick_guardian(action_db, account="active", verified_email=False)
    username = account_of(action_db, guardian.id).username
    with pytest.raises(SignInRefused):
        set_security_email(
            action_db, username=username, password="guess-1!", email="x@example.com", ip=IP
        )
    assert account_of(action_db, guardian.id).failed_login_count == 1
    with pytest.raises(PortalError, match="cannot be used"):
        set_security_email(
            action_db, username=username, password=DEMO_PORTAL_PASSWORD, email="x@", ip=IP
        )
    assert account_of(action_db, guardian.id).security_email is None


def test_forgot_password_answers_alike_and_sends_only_to_a_verified_email(action_db):
    verified = pick_guardian(action_db, account="active", verified_email=True)
    account = account_of(action_db, verified.id)
    answers = {
        forgot_password(action_db, username=account.username.upper(), ip=IP),
        forgot_password(action_db, username="no-such-login-9", ip=IP),
    }
    assert answers == {FORGOT_ANSWER}
    resets = [m for m in outbox_for(action_db, verified.id) if m.kind == "link:reset"]
    assert [m.to_address for m in resets] == [account.security_email]
    assert "?reset=" in resets[0].secret

    username = reset_password(action_db, link=resets[0].secret, new_password=NEW_PASSWORD, ip=IP)
    assert username == account.username
    assert sign_in(action_db, username=username, password=NEW_PASSWORD, ip=IP)
    with pytest.raises(SignInRefused):
        sign_in(action_db, username=username, password=DEMO_PORTAL_PASSWORD, ip=IP)
    with pytest.raises(PortalError, match="expired or was already used"):
        reset_password(action_db, link=resets[0].secret, new_password="Other#Pass1", ip=IP)
    assert any(m.kind == "notice:password_changed" for m in outbox_for(action_db, verified.id))
    assert audit_rows(action_db, verified.id)[-1].action == "password_reset_done"


def test_a_reset_link_expires_and_only_the_newest_one_works(action_db):
    guardian = pick_guardian(action_db, account="active", verified_email=True)
    username = account_of(action_db, guardian.id).username
    forgot_password(action_db, username=username, ip=IP)
    first = link_in(action_db, guardian.id, "link:reset")
    forgot_password(action_db, username=username, ip=IP)
    second = link_in(action_db, guardian.id, "link:reset")
    with pytest.raises(PortalError, match="only the newest link works"):
        reset_password(action_db, link=first, new_password=NEW_PASSWORD, ip=IP)
    later = datetime.now(UTC) + timedelta(hours=2, minutes=1)
    with pytest.raises(PortalError, match="expired"):
        reset_password(action_db, link=second, new_password=NEW_PASSWORD, ip=IP, now=later)
    # Only the token's digest is stored, never the token in the link.
    token = second.rsplit("=", 1)[1]
    stored = count(action_db, AccountToken, col(AccountToken.digest) == token)
    assert stored == 0


def test_reset_links_are_limited_per_hour(action_db):
    guardian = pick_guardian(action_db, account="active", verified_email=True)
    username = account_of(action_db, guardian.id).username
    for _ in range(RESET_LINKS_PER_HOUR + 2):
        assert forgot_password(action_db, username=username, ip=IP) == FORGOT_ANSWER
    sent = [m for m in outbox_for(action_db, guardian.id) if m.kind == "link:reset"]
    assert len(sent) == RESET_LINKS_PER_HOUR


def test_forgot_username_goes_only_to_a_verified_security_email(action_db):
    guardian = pick_guardian(action_db, account="active", verified_email=True)
    account = account_of(action_db, guardian.id)
    before = count(action_db, OutboxMessage)
    assert forgot_username(action_db, email="nobody@example.com", ip=IP) == FORGOT_ANSWER
    assert count(action_db, OutboxMessage) == before
    assert (
        forgot_username(action_db, email=f"  {account.security_email.upper()} ", ip=IP)
        == FORGOT_ANSWER
    )
    sent = [m for m in outbox_for(action_db, guardian.id) if m.kind == "username"]
    assert [(m.to_address, m.secret) for m in sent] == [(account.security_email, account.username)]
    assert account.username not in sent[0].body  # the name travels as the erasable secret

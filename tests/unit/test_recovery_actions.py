"""Sensitive actions on both databases: each refuses without a fresh pass by the same
staff member (leaving a "denied" audit row), and each does what it says, notifies all
addresses on file and writes one audit row."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.key_codec import key_digest
from helpdesk_tui.data.tables import ActivationKey, GuardianStudent, PortalAccount
from helpdesk_tui.services import recovery as accounts
from helpdesk_tui.services import recovery as keys
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.mail import addresses_on_file
from tests.recovery import audit_rows, count, outbox_for, pick_guardian, staff, verify

ACTIONS = {
    "reissue": lambda s, a, g: keys.reissue_activation_key(
        s, actor=a, guardian_id=g, delivery="letter", reason="test"
    ),
    "unlock": lambda s, a, g: accounts.unlock_account(s, actor=a, guardian_id=g),
    "disable": lambda s, a, g: accounts.disable_account(s, actor=a, guardian_id=g, reason="test"),
    "send_username": lambda s, a, g: accounts.send_username(s, actor=a, guardian_id=g),
    "reset_link": lambda s, a, g: accounts.send_password_reset(s, actor=a, guardian_id=g),
    "resend_verification": lambda s, a, g: accounts.resend_email_verification(
        s, actor=a, guardian_id=g
    ),
    "change_username": lambda s, a, g: accounts.change_username(
        s, actor=a, guardian_id=g, new_username="Someone123"
    ),
    "reset_account": lambda s, a, g: accounts.reset_account(
        s, actor=a, guardian_id=g, delivery="letter"
    ),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_sensitive_action_refuses_without_a_pass_and_audits_the_refusal(action_db, action):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db, account=None)
    gid = guardian.id
    with pytest.raises(ActionDenied, match="Verify the caller first"), action_db.write() as s:
        ACTIONS[action](s, agent, gid)
    rows = audit_rows(action_db, gid)
    assert [(r.outcome, r.staff_username) for r in rows] == [("denied", "demo-agent")]
    assert outbox_for(action_db, gid) == []


def test_a_pass_belongs_to_one_staff_member_and_expires(action_db):
    agent, supervisor = staff(action_db, "demo-agent"), staff(action_db, "demo-supervisor")
    guardian = pick_guardian(action_db)
    passed = verify(action_db, agent, guardian)
    assert passed.outcome == "passed"
    with pytest.raises(ActionDenied), action_db.write() as s:
        keys.reissue_activation_key(s, actor=supervisor, guardian_id=guardian.id, delivery="letter")
    later = datetime.now(UTC) + timedelta(minutes=16)
    with pytest.raises(ActionDenied), action_db.write() as s:
        keys.reissue_activation_key(
            s, actor=agent, guardian_id=guardian.id, delivery="letter", now=later
        )
    outcomes = [(r.action, r.outcome) for r in audit_rows(action_db, guardian.id)]
    assert outcomes == [
        ("verification", "passed"),
        ("key_reissued", "denied"),
        ("key_reissued", "denied"),
    ]


def test_reissue_by_email_revokes_the_old_key_and_notifies_every_address(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    verify(action_db, agent, guardian)
    with action_db.write() as s:
        first = keys.reissue_activation_key(
            s, actor=agent, guardian_id=guardian.id, delivery="email", email_to=guardian.email
        )
    with action_db.write() as s:
        second = keys.reissue_activation_key(
            s, actor=agent, guardian_id=guardian.id, delivery="letter"
        )
    assert second.revoked_previous == 1 and first.key != second.key
    with action_db.read() as s:
        on_file = addresses_on_file(s, guardian)
        states = dict(
            s.exec(
                select(ActivationKey.digest, ActivationKey.status).where(
                    col(ActivationKey.guardian_id) == guardian.id
                )
            ).all()
        )
    assert states[key_digest(first.key)] == "revoked"
    assert states[key_digest(second.key)] == "active"
    assert list(states.values()).count("active") == 1
    mail = outbox_for(action_db, guardian.id)
    key_mail = [m for m in mail if m.kind == "activation_key"]
    assert len(key_mail) == 1 and key_mail[0].to_address == guardian.email
    assert key_mail[0].secret == first.key and first.key not in key_mail[0].body
    notices = [m.to_address for m in mail if m.kind == "notice:key_reissued"]
    assert sorted(notices) == sorted(on_file * 2)
    rows = [r for r in audit_rows(action_db, guardian.id) if r.action == "key_reissued"]
    assert [r.outcome for r in rows] == ["done", "done"]
    assert first.key not in rows[0].detail and first.last4 in rows[0].detail
    assert "callback" in rows[0].verification


def test_reissue_refuses_an_address_the_caller_dictates(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    verify(action_db, agent, guardian)
    with pytest.raises(ActionDenied, match="already on file"), action_db.write() as s:
        keys.reissue_activation_key(
            s, actor=agent, guardian_id=guardian.id, delivery="email", email_to="thief@example.org"
        )
    assert audit_rows(action_db, guardian.id)[-1].outcome == "denied"
    assert [m for m in outbox_for(action_db, guardian.id)] == []
    assert (
        count(
            action_db,
            ActivationKey,
            col(ActivationKey.issued_by_staff_id) == agent.id,
            col(ActivationKey.guardian_id) == guardian.id,
        )
        == 0
    )


def test_reissue_with_an_active_login_warns_then_needs_a_reason(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db, account="active")
    verify(action_db, agent, guardian)
    with (
        pytest.raises(keys.AccountExists, match="already has an active login"),
        action_db.write() as s,
    ):
        keys.reissue_activation_key(s, actor=agent, guardian_id=guardian.id, delivery="letter")
    with action_db.write() as s:
        issued = keys.reissue_activation_key(
            s, actor=agent, guardian_id=guardian.id, delivery="letter", reason="parent insists"
        )
    assert issued.delivery == "letter"
    done = [r for r in audit_rows(action_db, guardian.id) if r.action == "key_reissued"]
    assert [(r.outcome, r.reason) for r in done] == [("done", "parent insists")]


def test_restricted_relationship_is_a_hard_stop_until_a_supervisor_clears_it(action_db):
    from helpdesk_tui.services.guardians import clear_restriction

    agent, supervisor = staff(action_db, "demo-agent"), staff(action_db, "demo-supervisor")
    guardian = pick_guardian(action_db, account=None, restricted=True)
    verify(action_db, agent, guardian)
    with pytest.raises(ActionDenied, match="RESTRICTED"), action_db.write() as s:
        keys.reissue_activation_key(
            s, actor=agent, guardian_id=guardian.id, delivery="letter", reason="x"
        )
    with action_db.read() as s:
        links = s.exec(
            select(GuardianStudent).where(
                col(GuardianStudent.guardian_id) == guardian.id, col(GuardianStudent.restricted)
            )
        ).all()
    with pytest.raises(ActionDenied, match="Only a supervisor"), action_db.write() as s:
        clear_restriction(
            s, actor=agent, guardian_id=guardian.id, student_id=links[0].student_id, reason="x"
        )
    for link in links:
        with action_db.write() as s:
            clear_restriction(
                s,
                actor=supervisor,
                guardian_id=guardian.id,
                student_id=link.student_id,
                reason="court order reviewed",
            )
    with action_db.write() as s:
        keys.reissue_activation_key(
            s, actor=agent, guardian_id=guardian.id, delivery="letter", reason="after review"
        )
    actions = [(r.action, r.outcome) for r in audit_rows(action_db, guardian.id)]
    assert actions[1:3] == [("key_reissued", "denied"), ("restriction_cleared", "denied")]
    assert actions[-1] == ("key_reissued", "done")


def test_unlock_resets_the_failed_count_and_disable_needs_a_reason(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db, account="disabled")
    verify(action_db, agent, guardian)
    with action_db.write() as s:
        result = accounts.unlock_account(s, actor=agent, guardian_id=guardian.id)
    assert "Unlocked" in result.message and result.notices >= 1
    with action_db.read() as s:
        account = s.exec(
            select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian.id)
        ).one()
        assert (account.status, account.failed_login_count, account.disabled_at) == (
            "active",
            0,
            None,
        )
    with pytest.raises(DomainError, match="Give a reason"), action_db.write() as s:
        accounts.disable_account(s, actor=agent, guardian_id=guardian.id, reason="   ")
    with action_db.write() as s:
        accounts.disable_account(
            s, actor=agent, guardian_id=guardian.id, reason="created with another parent's key"
        )
    with action_db.read() as s:
        account = s.exec(
            select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian.id)
        ).one()
        assert account.status == "disabled" and "another parent's key" in (
            account.disabled_reason or ""
        )
    done = [(r.action, r.outcome) for r in audit_rows(action_db, guardian.id)]
    assert done == [
        ("verification", "passed"),
        ("account_unlocked", "done"),
        ("account_disabled", "done"),
    ]


def test_username_and_reset_link_go_only_to_a_verified_security_email(action_db):
    agent = staff(action_db, "demo-agent")
    unverified = pick_guardian(action_db, account="active", verified_email=False)
    verify(action_db, agent, unverified)
    with pytest.raises(DomainError, match="no verified security email"), action_db.write() as s:
        accounts.send_username(s, actor=agent, guardian_id=unverified.id)
    verified = pick_guardian(action_db, account="active", verified_email=True)
    verify(action_db, agent, verified)
    with action_db.write() as s:
        accounts.send_username(s, actor=agent, guardian_id=verified.id)
    with action_db.write() as s:
        accounts.send_password_reset(s, actor=agent, guardian_id=verified.id)
    with action_db.read() as s:
        account = s.exec(
            select(PortalAccount).where(col(PortalAccount.guardian_id) == verified.id)
        ).one()
    mail = outbox_for(action_db, verified.id)
    direct = [m for m in mail if not m.kind.startswith("notice")]
    assert [(m.kind, m.to_address) for m in direct] == [
        ("username", account.security_email),
        ("link:reset", account.security_email),
    ]
    assert direct[0].secret == account.username
    assert direct[1].secret and "?reset=" in direct[1].secret


def test_change_username_refuses_a_taken_name_without_naming_its_holder(action_db):
    agent = staff(action_db, "demo-agent")
    first = pick_guardian(action_db, account="active")
    verify(action_db, agent, first)
    second = pick_guardian(action_db, account="active")
    with action_db.read() as s:
        taken = s.exec(
            select(PortalAccount.username).where(col(PortalAccount.guardian_id) == second.id)
        ).one()
    with pytest.raises(ActionDenied) as refused, action_db.write() as s:
        accounts.change_username(s, actor=agent, guardian_id=first.id, new_username=taken.upper())
    assert "taken" in str(refused.value) and taken.casefold() not in str(refused.value).casefold()
    with pytest.raises(DomainError, match="all digits"), action_db.write() as s:
        accounts.change_username(s, actor=agent, guardian_id=first.id, new_username="123456")
    with action_db.write() as s:
        accounts.change_username(s, actor=agent, guardian_id=first.id, new_username="NewName2026")
    with action_db.read() as s:
        account = s.exec(
            select(PortalAccount).where(col(PortalAccount.guardian_id) == first.id)
        ).one()
    assert (account.username, account.username_key) == ("NewName2026", "newname2026")


def test_reset_account_closes_the_login_and_issues_a_key(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db, account="active", verified_email=False)
    verify(action_db, agent, guardian)
    with action_db.write() as s:
        result, issued = accounts.reset_account(
            s, actor=agent, guardian_id=guardian.id, delivery="email", email_to=guardian.email
        )
    with action_db.read() as s:
        account = s.exec(
            select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian.id)
        ).one()
        key = s.exec(
            select(ActivationKey).where(col(ActivationKey.digest) == key_digest(issued.key))
        ).one()
    assert account.status == "disabled" and key.status == "active"
    assert issued.last4 in result.message
    assert [r.action for r in audit_rows(action_db, guardian.id)][-1] == "account_reset"


def test_clerks_act_only_in_person_and_only_at_their_school(action_db):
    clerk = staff(action_db, "demo-clerk")
    from helpdesk_tui.services import verification as v

    elsewhere = pick_guardian(action_db, school_id=5)
    with pytest.raises(ActionDenied, match="no student at your school"), action_db.write() as s:
        v.start_verification(s, actor=clerk, guardian_id=elsewhere.id, method="in_person")
    local = pick_guardian(action_db, school_id=clerk.school_id)
    with pytest.raises(ActionDenied, match="in person only"), action_db.write() as s:
        v.start_verification(s, actor=clerk, guardian_id=local.id, method="phone")
    verify(action_db, clerk, local)
    with action_db.write() as s:
        issued = keys.reissue_activation_key(
            s, actor=clerk, guardian_id=local.id, delivery="letter"
        )
    assert issued.mailing_address[0] == f"{local.first_name} {local.last_name}"
    rows = audit_rows(action_db, local.id)
    assert "photo ID" in rows[-1].verification or "photo_id" in rows[-1].verification

"""The whole story on both databases: the district's roster is imported, an agent
verifies a caller and reissues her key, she redeems it on the portal, five bad sign-ins
disable the login, the agent sees it and unlocks it, and she signs in."""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk_tui.services import recovery as accounts
from helpdesk_tui.services import recovery as keys
from helpdesk_tui.services.guardians import get_guardian_detail
from helpdesk_tui.services.portal import SignInRefused, redeem_key, sign_in
from helpdesk_tui.services.staff import add_staff, authenticate
from tests.oneroster_helpers import export_copy, guardian, run
from tests.recovery import outbox_for, verify

PASSWORD = "Siobhán#2026"


def test_import_reissue_redeem_lockout_unlock_sign_in(db, tmp_path):
    assert run(db, export_copy(tmp_path, "1.2")).applied
    # The first account needs no sign-in; that supervisor then adds the agent.
    actor = None
    for username, name, role in (("boss", "Bea Ortiz", "supervisor"), ("ana", "Ana Ruiz", "agent")):
        with db.write() as session:
            add_staff(
                session,
                actor=actor,
                username=username,
                full_name=name,
                role=role,
                password="Staff#2026x",
            )
        actor = authenticate(db, username=username, password="Staff#2026x")
    agent = actor
    siobhan = guardian(db, "g3")

    # The call: verified, and a new key by email to an address on file.
    verify(db, agent, siobhan)
    with db.write() as session:
        issued = keys.reissue_activation_key(
            session,
            actor=agent,
            guardian_id=siobhan.id,
            delivery="email",
            email_to="siobhan.obrien@example.com",
        )
    # She reads it off the email into the portal, in lower case with spaces.
    typed = " ".join(issued.key.strip("{}").lower().split("-"))
    redeem_key(db, key_text=typed, username="Siobhan2026", password=PASSWORD, ip="198.51.100.23")
    # Five guesses a minute apart (the portal slows down faster ones); the fifth disables
    # the login, with the same answer as the others.
    tries = [datetime.now(UTC) - timedelta(minutes=30 - i) for i in range(5)]
    for when, guess in zip(tries, ["siobhan2026"] * 4 + ["Siobhan2026"], strict=True):
        with pytest.raises(SignInRefused):
            sign_in(db, username="siobhan2026", password=guess, ip="198.51.100.23", now=when)

    # She calls back: the agent's screen shows the lockout and where it came from.
    with db.read() as session:
        seen = get_guardian_detail(session, actor=agent, guardian_id=siobhan.id)
    assert seen.portal_status == "disabled: 5 consecutive failed logins"
    assert [a.success for a in seen.access_log] == [False] * 5
    assert seen.access_log[0].ip_address == "198.51.100.23"
    assert [(e.staff, e.action) for e in seen.audit[:2]] == [
        ("portal", "account_locked"),
        ("portal", "key_redeemed"),
    ]
    assert seen.keys[0].status == "redeemed" and seen.keys[0].redeemed_by_username == "Siobhan2026"
    with db.write() as session:
        accounts.unlock_account(session, actor=agent, guardian_id=siobhan.id)
    signed = sign_in(db, username="Siobhan2026", password=PASSWORD, ip="198.51.100.23")
    assert signed.username == "Siobhan2026"

    with db.read() as session:
        after = get_guardian_detail(session, actor=agent, guardian_id=siobhan.id)
    assert after.portal_status == "active" and after.account.failed_login_count == 0
    assert after.access_log[0].success
    kinds = [m.kind for m in outbox_for(db, siobhan.id)]
    assert kinds.count("activation_key") == 1
    for notice in ("key_reissued", "key_redeemed", "account_locked", "account_unlocked"):
        assert f"notice:{notice}" in kinds

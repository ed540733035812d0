"""The verification policy lives in the district settings; supervisors change it
from the command line and verification follows it."""

from sqlmodel import col

from helpdesk_tui.data.tables import AuditEvent
from helpdesk_tui.services import verification as v
from helpdesk_tui.services.verification import answers, proofs
from tests.recovery import count, pick_guardian, staff
from tests.unit.test_cli import _run

SUPERVISOR = {"HELPDESK_STAFF": "demo-supervisor", "HELPDESK_STAFF_PASSWORD": "demo-password"}
AGENT = {"HELPDESK_STAFF": "demo-agent", "HELPDESK_STAFF_PASSWORD": "demo-password"}


def test_supervisor_sets_the_policy_and_verification_follows_it(action_db):
    before = count(action_db, AuditEvent, col(AuditEvent.action) == "policy_changed")
    refused = _run(action_db, "policy", "set", "--proofs", "callback", env=AGENT)
    assert refused.exit_code == 1 and "Only a supervisor" in refused.output
    bad = _run(action_db, "policy", "set", "--proofs", "fingerprint", env=SUPERVISOR)
    assert bad.exit_code == 1 and "email_code, callback, photo_id" in bad.output
    done = _run(
        action_db,
        "policy",
        "set",
        "--proofs",
        "callback",
        "--screening-required",
        "1",
        env=SUPERVISOR,
    )
    assert done.exit_code == 0, done.output
    assert "proofs accepted: callback" in _run(action_db, "policy").output
    try:
        agent = staff(action_db, "demo-agent")
        guardian = pick_guardian(action_db)
        fresh = v.new_code()
        with action_db.write() as s:
            started = v.start_verification(s, actor=agent, guardian_id=guardian.id, method="phone")
            try:
                v.send_code(
                    s, actor=agent, verification_id=started.id, to=guardian.email, code=fresh
                )
            except v.VerificationError as exc:
                assert "not an accepted proof" in str(exc)
            else:
                raise AssertionError("an emailed code was accepted against the policy")
            answers.check_screening(
                s, actor=agent, verification_id=started.id, item="zip", answer=guardian.postal_code
            )
            proofs.record_callback(
                s,
                actor=agent,
                verification_id=started.id,
                phone=guardian.mobile_phone or guardian.home_phone,
            )
            assert (
                v.finish_verification(s, actor=agent, verification_id=started.id).outcome
                == "passed"
            )
    finally:
        restored = _run(
            action_db,
            "policy",
            "set",
            "--proofs",
            "email_code,callback,photo_id",
            "--screening-required",
            "2",
            env=SUPERVISOR,
        )
        assert restored.exit_code == 0
    # Two changes by the supervisor and one refusal of the agent are audited.
    assert count(action_db, AuditEvent, col(AuditEvent.action) == "policy_changed") == before + 3

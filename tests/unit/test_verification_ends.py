"""However a verification ends (finished, abandoned with Esc, replaced by a new one,
left open until it expires), a wrong screening answer or a failed proof makes it a
failure that counts towards the block, and every end leaves one audit row that says
what happened. Both databases."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import Verification
from helpdesk_tui.services import verification as v
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.verification import answers, proofs
from tests.recovery import audit_rows, birth_date_of, pick_guardian, staff


def start(db, actor, guardian, *, method="phone", now=None):  # type: ignore[no-untyped-def]
    with db.write() as s:
        return v.start_verification(s, actor=actor, guardian_id=guardian.id, method=method, now=now)


def answer(db, actor, started, item, text, now=None):  # type: ignore[no-untyped-def]
    with db.write() as s:
        return answers.check_screening(
            s, actor=actor, verification_id=started.id, item=item, answer=text, now=now
        )


def stored(db, verification_id):  # type: ignore[no-untyped-def]
    with db.read() as s:
        row = s.get(Verification, verification_id)
        s.expunge(row)
        return row


def verification_rows(db, guardian_id):  # type: ignore[no-untyped-def]
    return [
        (r.outcome, r.detail, r.verification_id)
        for r in audit_rows(db, guardian_id)
        if r.action == "verification"
    ]


def test_a_wrong_answer_then_esc_is_a_failure_and_is_audited(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    started = start(action_db, agent, guardian)
    assert answer(action_db, agent, started, "zip", "00000").result == "no match"
    with action_db.write() as s:
        v.abandon_verification(s, actor=agent, verification_id=started.id)
    assert stored(action_db, started.id).outcome == "failed"
    [(outcome, detail, vid)] = verification_rows(action_db, guardian.id)
    assert (outcome, vid) == ("failed", started.id)
    assert "abandoned" in detail and "ZIP" in detail


def test_three_wrong_answers_abandoned_block_the_guardian(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    for _ in range(3):
        started = start(action_db, agent, guardian)
        answer(action_db, agent, started, "zip", "00000")
        with action_db.write() as s:
            v.abandon_verification(s, actor=agent, verification_id=started.id)
    with pytest.raises(ActionDenied, match="blocked"):
        start(action_db, agent, guardian)
    outcomes = [(r.action, r.outcome) for r in audit_rows(action_db, guardian.id)]
    assert outcomes == [
        ("verification", "failed"),
        ("verification", "failed"),
        ("verification", "failed"),
        ("verification_blocked", "blocked"),
        ("verification", "denied"),
    ]
    with action_db.read() as s:
        assert guardian.id in [a.guardian_id for a in v.open_alerts(s)]


def test_a_clean_abandon_is_audited_and_does_not_count(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    for _ in range(3):
        started = start(action_db, agent, guardian)
        answer(action_db, agent, started, "zip", guardian.postal_code)
        with action_db.write() as s:
            v.abandon_verification(s, actor=agent, verification_id=started.id)
        assert stored(action_db, started.id).outcome == "abandoned"
    assert [(o, d) for o, d, _ in verification_rows(action_db, guardian.id)] == [
        ("done", "abandoned")
    ] * 3
    assert start(action_db, agent, guardian).outcome == "open"  # not blocked


def test_starting_again_ends_the_open_one_with_its_wrong_answer_as_a_failure(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    first = start(action_db, agent, guardian)
    answer(action_db, agent, first, "birth_date", "01/01/1900")
    second = start(action_db, agent, guardian, method="written")
    assert stored(action_db, first.id).outcome == "failed"
    assert stored(action_db, second.id).outcome == "open"
    [(outcome, detail, vid)] = verification_rows(action_db, guardian.id)
    assert (outcome, vid) == ("failed", first.id) and "replaced" in detail


def test_a_verification_left_open_expires_and_its_wrong_answer_counts(action_db):
    agent, supervisor = staff(action_db, "demo-agent"), staff(action_db, "demo-supervisor")
    guardian = pick_guardian(action_db)
    long_ago = datetime.now(UTC) - timedelta(minutes=v.OPEN_MINUTES + 5)
    left = start(action_db, agent, guardian, now=long_ago)
    answer(action_db, agent, left, "zip", "00000", now=long_ago)
    # The agent's app closed with the checklist open. Another desk starts on the guardian.
    start(action_db, supervisor, guardian)
    assert stored(action_db, left.id).outcome == "failed"
    [(outcome, detail, vid)] = verification_rows(action_db, guardian.id)
    assert (outcome, vid) == ("failed", left.id) and "expired" in detail
    # Nothing more can be recorded on an expired verification.
    clean = start(action_db, agent, pick_guardian(action_db), now=long_ago)
    with pytest.raises(v.VerificationError, match="start a new one"):
        answer(action_db, agent, clean, "zip", "12345")
    assert stored(action_db, clean.id).outcome == "abandoned"


def test_the_background_sweep_ends_verifications_left_open(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    long_ago = datetime.now(UTC) - timedelta(minutes=v.OPEN_MINUTES + 5)
    left = start(action_db, agent, guardian, now=long_ago)
    answer(action_db, agent, left, "zip", "00000", now=long_ago)
    fresh = start(action_db, agent, pick_guardian(action_db))
    with action_db.write() as s:
        assert v.end_stale_verifications(s) >= 1
    assert stored(action_db, left.id).outcome == "failed"
    assert stored(action_db, fresh.id).outcome == "open"
    assert [(r.staff_username, r.outcome) for r in audit_rows(action_db, guardian.id)] == [
        ("demo-agent", "failed")
    ]


def test_a_wrong_answer_stays_wrong_and_fails_even_a_verification_with_proof(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    started = start(action_db, agent, guardian)
    answer(action_db, agent, started, "zip", "00000")
    with pytest.raises(v.VerificationError, match="did not match"):
        answer(action_db, agent, started, "zip", guardian.postal_code)
    answer(action_db, agent, started, "birth_date", birth_date_of(action_db, guardian.id))
    phone = guardian.mobile_phone or guardian.home_phone or guardian.work_phone
    answer(action_db, agent, started, "household_phone", phone)
    with action_db.write() as s:
        view = proofs.record_callback(s, actor=agent, verification_id=started.id, phone=phone)
    assert view.matches == 2 and view.failures and not view.ready
    with action_db.write() as s:
        done = v.finish_verification(s, actor=agent, verification_id=started.id)
    assert done.outcome == "failed"
    [(outcome, detail, _)] = verification_rows(action_db, guardian.id)
    assert outcome == "failed" and "ZIP" in detail


def test_passed_and_failed_finishes_say_so_in_the_outcome(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    not_enough = start(action_db, agent, guardian)
    with action_db.write() as s:
        assert v.finish_verification(s, actor=agent, verification_id=not_enough.id).outcome == (
            "failed"
        )
    good = start(action_db, agent, guardian)
    answer(action_db, agent, good, "zip", guardian.postal_code)
    answer(action_db, agent, good, "birth_date", birth_date_of(action_db, guardian.id))
    phone = guardian.mobile_phone or guardian.home_phone or guardian.work_phone
    with action_db.write() as s:
        proofs.record_callback(s, actor=agent, verification_id=good.id, phone=phone)
        assert v.finish_verification(s, actor=agent, verification_id=good.id).outcome == "passed"
    assert [o for o, _, _ in verification_rows(action_db, guardian.id)] == ["failed", "passed"]


def test_a_refused_photo_id_abandoned_is_a_failure(action_db):
    clerk = staff(action_db, "demo-clerk")
    guardian = pick_guardian(action_db, school_id=clerk.school_id)
    started = start(action_db, clerk, guardian, method="in_person")
    with action_db.write() as s:
        proofs.record_in_person(
            s,
            actor=clerk,
            verification_id=started.id,
            id_type="passport",
            id_matched=False,
            form_signed=True,
        )
    with action_db.write() as s:
        v.abandon_verification(s, actor=clerk, verification_id=started.id)
    assert stored(action_db, started.id).outcome == "failed"
    [(outcome, detail, _)] = [
        r for r in verification_rows(action_db, guardian.id) if r[2] == started.id
    ]
    assert outcome == "failed" and "photo ID" in detail


def test_a_supervisor_clearing_a_block_is_audited_as_cleared(action_db):
    agent, supervisor = staff(action_db, "demo-agent"), staff(action_db, "demo-supervisor")
    guardian = pick_guardian(action_db)
    for _ in range(3):
        started = start(action_db, agent, guardian)
        with action_db.write() as s:
            v.finish_verification(s, actor=agent, verification_id=started.id)
    with action_db.write() as s:
        v.clear_block(s, actor=supervisor, guardian_id=guardian.id, reason="parent came in")
    last = audit_rows(action_db, guardian.id)[-1]
    assert (last.action, last.outcome, last.reason) == (
        "verification_block_cleared",
        "cleared",
        "parent came in",
    )
    with action_db.read() as s:
        blocks = s.exec(
            select(Verification).where(
                col(Verification.guardian_id) == guardian.id,
                col(Verification.outcome) == "failed",
            )
        ).all()
    assert len(blocks) == 3


def test_in_person_waives_the_screening_only_for_the_photo_id(action_db) -> None:  # type: ignore[no-untyped-def]
    """Choosing "in person" must not skip the district's screening answers with a
    remote proof (review of issue 12: an agent passed on a callback alone)."""
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    with action_db.write() as s:
        vid = v.start_verification(s, actor=agent, guardian_id=guardian.id, method="in_person").id
    phone = guardian.mobile_phone or guardian.home_phone or guardian.work_phone
    with action_db.write() as s:
        view = proofs.record_callback(s, actor=agent, verification_id=vid, phone=phone)
    assert not view.ready and view.screening_required == 2
    with action_db.write() as s:
        done = v.finish_verification(s, actor=agent, verification_id=vid)
    assert done.outcome != "passed"
    # The photo ID compared at the counter is the whole check in person.
    with action_db.write() as s:
        vid = v.start_verification(s, actor=agent, guardian_id=guardian.id, method="in_person").id
    with action_db.write() as s:
        view = proofs.record_in_person(
            s,
            actor=agent,
            verification_id=vid,
            id_type="passport",
            id_matched=True,
            form_signed=True,
        )
    assert view.ready and view.screening_required == 0

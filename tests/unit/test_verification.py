"""Verifying a caller on both databases: emailed codes, screening results kept
without the answers, and blocks after repeated failures."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import (
    Verification,
    VerificationBlock,
    VerificationCode,
)
from helpdesk_tui.services import recovery as keys
from helpdesk_tui.services import verification as v
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.verification import answers, clear_block, open_alerts, proofs
from tests.recovery import audit_rows, birth_date_of, outbox_for, pick_guardian, staff


def start(db, actor, guardian, method="phone", now=None):
    with db.write() as session:
        return v.start_verification(
            session, actor=actor, guardian_id=guardian.id, method=method, now=now
        )


def send(db, actor, started, to, now=None):  # type: ignore[no-untyped-def]
    code = v.new_code()
    with db.write() as session:
        return v.send_code(
            session, actor=actor, verification_id=started.id, to=to, code=code, now=now
        )


def minutes_on(minutes: int) -> datetime:
    """A new code only a minute after the last one: later sends happen later."""
    return datetime.now(UTC) + timedelta(minutes=minutes)


def confirm(db, actor, started, code, now=None):  # type: ignore[no-untyped-def]
    """As the verify screen does it: compare in a read, record the try in a write."""
    with db.read() as session:
        reading = v.check_code(session, actor=actor, verification_id=started.id, code=code, now=now)
    with db.write() as session:
        return v.confirm_code(
            session, actor=actor, verification_id=started.id, reading=reading, now=now
        )


def code_in_outbox(db, guardian_id: int) -> str:
    [message] = [m for m in outbox_for(db, guardian_id) if m.kind == "verification_code"][-1:]
    assert message.secret and message.secret not in message.body
    return message.secret


def test_emailed_code_read_back_with_spaces_passes_and_only_results_are_kept(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    started = start(action_db, agent, guardian)
    answer_zip, answer_born = guardian.postal_code, birth_date_of(action_db, guardian.id)
    with action_db.write() as s:
        assert (
            answers.check_screening(
                s, actor=agent, verification_id=started.id, item="zip", answer=answer_zip
            ).result
            == "match"
        )
        assert (
            answers.check_screening(
                s, actor=agent, verification_id=started.id, item="birth_date", answer=answer_born
            ).result
            == "match"
        )
    fresh = v.new_code()  # argon2: before the write transaction, never inside it
    with (
        pytest.raises(ActionDenied, match="only to an email already on file"),
        action_db.write() as s,
    ):
        v.send_code(
            s, actor=agent, verification_id=started.id, to="caller@evil.example", code=fresh
        )
    with action_db.write() as s:
        masked = v.send_code(
            s, actor=agent, verification_id=started.id, to=guardian.email.upper(), code=fresh
        )
    assert "•" in masked and guardian.email.split("@")[0] not in masked
    code = code_in_outbox(action_db, guardian.id)
    assert confirm(action_db, agent, started, f"{code[:3]} {code[3:]}").confirmed
    with action_db.write() as s:
        done = v.finish_verification(s, actor=agent, verification_id=started.id)
    assert done.outcome == "passed" and "email_code" in done.proofs
    with action_db.read() as s:
        stored = s.get(Verification, started.id)
        codes = s.exec(
            select(VerificationCode).where(col(VerificationCode.verification_id) == started.id)
        ).all()
    assert json.loads(stored.screening) == {"birth_date": "match", "zip": "match"}
    assert answer_zip not in stored.screening + stored.proofs
    assert code not in codes[0].code_hash and codes[0].code_hash.startswith("$argon2")
    row = audit_rows(action_db, guardian.id)[-1]
    assert (row.action, row.outcome, row.detail) == ("verification", "passed", "passed")
    assert "screening 2/2 matched" in row.verification and answer_zip not in row.verification


def test_code_expires_after_ten_minutes_and_allows_five_tries(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    started = start(action_db, agent, guardian)
    send(action_db, agent, started, guardian.email)
    code = code_in_outbox(action_db, guardian.id)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    messages = [confirm(action_db, agent, started, wrong).message for _ in range(6)]
    assert messages[0] == "That code does not match. 4 tries left."
    assert messages[4].endswith("no tries are left; send a new code.")
    assert messages[5] == "All 5 tries are used; send a new code."
    assert not confirm(action_db, agent, started, code).confirmed  # even the right one now
    # the address by its place in the record, two minutes on
    send(action_db, agent, started, "email", now=minutes_on(2))
    fresh = code_in_outbox(action_db, guardian.id)
    later = minutes_on(13)
    late = confirm(action_db, agent, started, fresh, now=later)
    assert not late.confirmed and "expired" in late.message
    # Wrong codes and no right one: a failed proof, so the verification fails.
    with action_db.write() as s:
        ended = v.abandon_verification(s, actor=agent, verification_id=started.id)
    assert ended.outcome == "failed" and "a wrong code was read back" in ended.failures


def test_a_wrong_code_followed_by_the_right_one_is_a_slip_not_a_failure(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    started = start(action_db, agent, guardian)
    send(action_db, agent, started, "email")
    code = code_in_outbox(action_db, guardian.id)
    assert not confirm(action_db, agent, started, f"{(int(code) + 7) % 1_000_000:06d}").confirmed
    # a newer code: an older reading is no good
    send(action_db, agent, started, "email", now=minutes_on(1))
    with action_db.read() as s:
        stale = v.check_code(s, actor=agent, verification_id=started.id, code=code)
    send(action_db, agent, started, "email", now=minutes_on(2))
    with action_db.write() as s:
        again = v.confirm_code(s, actor=agent, verification_id=started.id, reading=stale)
    assert not again.confirmed and "newer code" in again.message
    newest = code_in_outbox(action_db, guardian.id)
    assert confirm(action_db, agent, started, newest).confirmed
    with action_db.read() as s:
        assert v.get_verification(s, actor=agent, verification_id=started.id).failures == ()


def test_screening_alone_is_not_proof(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    started = start(action_db, agent, guardian)
    with action_db.write() as s:
        answers.check_screening(
            s, actor=agent, verification_id=started.id, item="zip", answer=guardian.postal_code
        )
        answers.check_screening(
            s,
            actor=agent,
            verification_id=started.id,
            item="birth_date",
            answer=birth_date_of(action_db, guardian.id),
        )
    with action_db.write() as s:
        assert v.finish_verification(s, actor=agent, verification_id=started.id).outcome == "failed"


def test_three_failures_in_a_day_block_until_a_supervisor_clears_it(action_db):
    agent, supervisor = staff(action_db, "demo-agent"), staff(action_db, "demo-supervisor")
    guardian = pick_guardian(action_db)
    for _ in range(3):
        started = start(action_db, agent, guardian)
        with action_db.write() as s:
            answers.check_screening(
                s, actor=agent, verification_id=started.id, item="zip", answer="00000"
            )
            v.finish_verification(s, actor=agent, verification_id=started.id)
    with pytest.raises(ActionDenied, match="blocked"):
        start(action_db, agent, guardian)
    with action_db.read() as s:
        alerts = open_alerts(s)
    assert guardian.id in [a.guardian_id for a in alerts]
    with pytest.raises(ActionDenied, match="Only a supervisor"), action_db.write() as s:
        clear_block(s, actor=agent, guardian_id=guardian.id, reason="called back")
    with action_db.write() as s:
        clear_block(s, actor=supervisor, guardian_id=guardian.id, reason="spoke to the parent")
    assert start(action_db, agent, guardian).outcome == "open"
    actions = [(r.action, r.outcome) for r in audit_rows(action_db, guardian.id)]
    assert ("verification_blocked", "blocked") in actions
    assert actions[:3] == [("verification", "failed")] * 3
    assert actions[-3:] == [
        ("verification", "denied"),
        ("verification_block_cleared", "denied"),
        ("verification_block_cleared", "cleared"),
    ]
    with action_db.read() as s:
        block = s.exec(
            select(VerificationBlock).where(col(VerificationBlock.guardian_id) == guardian.id)
        ).one()
    assert block.failures == 3 and block.cleared_by_staff_id == supervisor.id


def test_failures_older_than_a_day_do_not_count(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    long_ago = datetime.now(UTC) - timedelta(hours=30)
    for i in range(3):
        at = long_ago if i < 2 else None
        started = start(action_db, agent, guardian, now=at)
        with action_db.write() as s:
            v.finish_verification(s, actor=agent, verification_id=started.id, now=at)
    assert start(action_db, agent, guardian).outcome == "open"


def test_judged_items_reveal_the_record_only_after_an_answer(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    started = start(action_db, agent, guardian)
    with (
        action_db.write() as s,
        pytest.raises(v.VerificationError, match="Type what the caller says"),
    ):
        answers.check_screening(
            s, actor=agent, verification_id=started.id, item="address", answer="  "
        )
    with action_db.write() as s:
        result = answers.check_screening(
            s, actor=agent, verification_id=started.id, item="address", answer="near the park"
        )
        assert result.result == "judge" and guardian.address_line in (result.reveal or "")
        view = answers.judge_screening(
            s, actor=agent, verification_id=started.id, item="address", matched=True
        )
    assert view.screening == {"address": "match"}


def test_a_mismatched_photo_id_fails_the_in_person_check(action_db):
    clerk = staff(action_db, "demo-clerk")
    guardian = pick_guardian(action_db, school_id=clerk.school_id)
    # (a household member's action may have mailed this guardian already)
    before = len(outbox_for(action_db, guardian.id))
    started = start(action_db, clerk, guardian, method="in_person")
    with action_db.write() as s:
        answers.check_screening(
            s, actor=clerk, verification_id=started.id, item="zip", answer=guardian.postal_code
        )
        answers.check_screening(
            s,
            actor=clerk,
            verification_id=started.id,
            item="birth_date",
            answer=birth_date_of(action_db, guardian.id),
        )
        proofs.record_in_person(
            s,
            actor=clerk,
            verification_id=started.id,
            id_type="passport",
            id_matched=False,
            form_signed=True,
        )
        assert v.finish_verification(s, actor=clerk, verification_id=started.id).outcome == "failed"
    with pytest.raises(ActionDenied), action_db.write() as s:
        keys.reissue_activation_key(s, actor=clerk, guardian_id=guardian.id, delivery="letter")
    assert len(outbox_for(action_db, guardian.id)) == before  # nothing sent

"""Where the emailed code is (the caller waits on the line for it), and no second code
while the first may still be on its way."""

from datetime import timedelta

import pytest

from helpdesk_tui.services import verification as v
from helpdesk_tui.services.mail import EmlFolderTransport, deliver_due
from helpdesk_tui.services.verification import VerificationError
from tests.recovery import outbox_for, pick_guardian, staff
from tests.unit.test_verification_ends import start


def _send(db, agent, started, now):  # type: ignore[no-untyped-def]
    with db.write() as s:
        return v.send_code(
            s, actor=agent, verification_id=started.id, to="email", code=v.new_code(), now=now
        )


def _state(db, agent, started, now):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return v.code_mail(s, actor=agent, verification_id=started.id, now=now)


def test_the_code_email_is_followed_from_queued_to_sent(action_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    started = start(action_db, agent, guardian)
    assert _state(action_db, agent, started, None) is None  # nothing sent yet
    masked = _send(action_db, agent, started, None)
    waiting = _state(action_db, agent, started, None)
    assert waiting.status == "pending" and waiting.sent_to == masked
    assert waiting.describe() == f"Code email to {masked} is on its way…"
    deliver_due(action_db, EmlFolderTransport(tmp_path), sender="help@example.org")
    sent = _state(action_db, agent, started, None)
    assert sent.status == "sent" and sent.sent_at is not None
    assert sent.describe().startswith(f"Code email to {masked} sent at ")
    [mail] = [m for m in outbox_for(action_db, guardian.id) if m.kind == "verification_code"]
    assert mail.status == "sent"


def test_a_second_code_waits_a_minute(action_db) -> None:  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    started = start(action_db, agent, guardian)
    first = _send(action_db, agent, started, None)
    state = _state(action_db, agent, started, None)
    with pytest.raises(VerificationError, match=r"give it \d+ s more"):
        _send(action_db, agent, started, state.resend_from - timedelta(seconds=5))
    codes = [m for m in outbox_for(action_db, guardian.id) if m.kind == "verification_code"]
    assert len(codes) == 1  # nothing queued by the refusal
    assert _send(action_db, agent, started, state.resend_from) == first
    assert not state.may_resend(state.resend_from - timedelta(seconds=1))
    assert state.may_resend(state.resend_from)

"""Canned answers follow what the ticket's timeline shows was done: an answer that says
"we changed your username" is offered first once the username was changed, and is
marked not done (the composer warns) before."""

from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome
from tests.recovery import pick_guardian, staff


def _username_ticket(db, agent, guardian) -> int:  # type: ignore[no-untyped-def]
    with db.write() as s:
        return t.create_ticket(
            s,
            actor=agent,
            channel="email",
            category="username_change",
            subject="Please change my username",
            body="I want a new username.",
            guardian_id=guardian.id,
        ).id


def _canned(db, agent, ticket_id: int) -> list[t.CannedText]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return t.canned_for(s, actor=agent, ticket_id=ticket_id, lang="en")


def test_an_answer_claiming_work_is_not_done_until_the_timeline_shows_it(action_db) -> None:  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db, account="active")
    ticket_id = _username_ticket(action_db, agent, guardian)
    before = {c.key: c for c in _canned(action_db, agent, ticket_id)}
    assert before["username_change"].done is False
    assert before["username_change"].claims == "username changed"
    assert before["*"].done and before["closing"].done  # they claim nothing
    # The agent changes the username (as the account-help dialog records it).
    with action_db.write() as s:
        audit.record(
            s,
            actor=agent,
            action=AuditAction.USERNAME_CHANGED,
            guardian_id=guardian.id,
            detail="old1 → new1",
        )
    after = _canned(action_db, agent, ticket_id)
    assert after[0].key == "username_change" and after[0].done


def test_what_was_done_brings_its_own_answer_whatever_the_category(action_db) -> None:  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db, account="disabled")
    ticket_id = _username_ticket(action_db, agent, guardian)
    with action_db.write() as s:  # an unlock that was refused does not count
        audit.record(
            s,
            actor=agent,
            action=AuditAction.ACCOUNT_UNLOCKED,
            guardian_id=guardian.id,
            outcome=AuditOutcome.DENIED,
        )
    assert _canned(action_db, agent, ticket_id)[0].key == "username_change"
    with action_db.write() as s:
        audit.record(s, actor=agent, action=AuditAction.ACCOUNT_UNLOCKED, guardian_id=guardian.id)
    first = _canned(action_db, agent, ticket_id)[0]
    assert (first.key, first.done) == ("account_disabled", True)

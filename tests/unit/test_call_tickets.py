"""The ticket a call leaves behind belongs to whoever took the call: assigned to them,
answered (the call is the first response), in their Mine view, never in Unassigned for
someone else to claim; and T pressed again during the call comes back to it."""

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import col, select

from helpdesk_tui.data.tables import Ticket
from helpdesk_tui.services import tickets as t
from helpdesk_tui.vocabulary import QueueView
from tests.recovery import pick_guardian, staff


def _view(db, actor, view: QueueView) -> list[int]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        page = t.queue_page(s, actor=actor, queue_filter=t.QueueFilter(view=view), limit=500)
    return [r.id for r in page.rows]


def _tickets_of(db, guardian_id: int) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.exec(
            select(func.count()).select_from(Ticket).where(col(Ticket.guardian_id) == guardian_id)
        ).one()


def test_a_call_ticket_is_the_agents_own_and_already_answered(action_db) -> None:  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    now = datetime.now(UTC)
    with action_db.write() as s:
        call = t.open_call_ticket(s, actor=agent, guardian_id=guardian.id, now=now)
    assert not call.reused
    ref = call.ticket
    assert (ref.assignee_id, ref.status, ref.first_response_at) == (agent.id, "open", now)
    assert ref.id in _view(action_db, agent, QueueView.MINE)
    assert ref.id not in _view(action_db, agent, QueueView.UNASSIGNED)
    with action_db.read() as s:
        detail = t.get_ticket_detail(s, actor=agent, ticket_id=ref.id)
    assert detail.channel == "phone"
    assert [e.kind for e in detail.events][:3] == ["created", "claimed", "first_response"]


def test_t_pressed_again_during_the_call_comes_back_to_the_same_ticket(action_db) -> None:  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    before = _tickets_of(action_db, guardian.id)  # the demo's own, if any
    with action_db.write() as s:
        first = t.open_call_ticket(s, actor=agent, guardian_id=guardian.id)
    with action_db.write() as s:
        again = t.open_call_ticket(s, actor=agent, guardian_id=guardian.id)
    assert again.reused and again.ticket.id == first.ticket.id
    assert _tickets_of(action_db, guardian.id) == before + 1
    # Once resolved, the guardian's next call is a new ticket.
    with action_db.write() as s:
        t.resolve(s, actor=agent, ticket_id=first.ticket.id, note="Key reissued.")
    with action_db.write() as s:
        later = t.open_call_ticket(s, actor=agent, guardian_id=guardian.id)
    assert not later.reused and later.ticket.id != first.ticket.id
    assert _tickets_of(action_db, guardian.id) == before + 2


def test_a_counter_visit_is_the_clerks_own(action_db) -> None:  # type: ignore[no-untyped-def]
    clerk, agent = staff(action_db, "demo-clerk"), staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db, school_id=clerk.school_id)
    with action_db.write() as s:
        visit = t.open_call_ticket(s, actor=clerk, guardian_id=guardian.id).ticket
    assert visit.assignee_id == clerk.id and visit.first_response_at is not None
    # Another staff member's call for the same family is their own ticket.
    with action_db.write() as s:
        call = t.open_call_ticket(s, actor=agent, guardian_id=guardian.id)
    assert not call.reused and call.ticket.id != visit.id
    with action_db.read() as s:
        assert t.get_ticket_detail(s, actor=clerk, ticket_id=visit.id).channel == "walk_in"


def test_what_the_guardian_asked_is_signed_with_their_name(action_db) -> None:  # type: ignore[no-untyped-def]
    """The conversation read "From the guardian · guardian ·"."""
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    with action_db.write() as s:
        ref = t.create_ticket(
            s,
            actor=agent,
            channel="phone",
            category="lost_key",
            subject="Lost the letter",
            body="I lost the letter with my key.",
            guardian_id=guardian.id,
        )
    with action_db.read() as s:
        [asked] = t.get_ticket_detail(s, actor=agent, ticket_id=ref.id).messages
    assert asked.author == f"{guardian.first_name} {guardian.last_name}"


def test_calls_today_counts_the_actors_own_calls_since_midnight(action_db) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    agent = staff(action_db, "demo-agent")
    with action_db.read() as s:
        before = t.calls_today(s, actor=agent)
    now = datetime.now(UTC)
    with action_db.write() as s:
        t.open_call_ticket(s, actor=agent, guardian_id=pick_guardian(action_db).id, now=now)
    with action_db.write() as s:  # two days ago: not today
        t.open_call_ticket(
            s, actor=agent, guardian_id=pick_guardian(action_db).id, now=now - timedelta(days=2)
        )
    supervisor, other = staff(action_db, "demo-supervisor"), pick_guardian(action_db)
    with action_db.write() as s:  # someone else's call
        t.open_call_ticket(s, actor=supervisor, guardian_id=other.id)
    with action_db.read() as s:
        assert t.calls_today(s, actor=agent) == before + 1


def test_s_writes_nothing_until_the_note_is_confirmed_and_old_calls_are_not_reused(
    action_db,
) -> None:  # type: ignore[no-untyped-def]
    """Review of issue 12: S opened (and committed) a ticket before its prompt, and
    resolved whatever phone ticket of the guardian was open, however old."""
    from datetime import timedelta

    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    now = datetime.now(UTC)
    with action_db.write() as s:  # last week's call, left open
        old = t.open_call_ticket(
            s, actor=agent, guardian_id=guardian.id, now=now - timedelta(days=7)
        )
    before = _tickets_of(action_db, guardian.id)
    with action_db.read() as s:
        note = t.call_note(s, actor=agent, guardian_id=guardian.id)
    assert note.startswith("Resolved (phone, ") and _tickets_of(action_db, guardian.id) == before
    with action_db.write() as s:
        ref = t.resolve_call(s, actor=agent, guardian_id=guardian.id, note=note)
    assert ref.id != old.ticket.id and ref.status == "resolved"
    assert _tickets_of(action_db, guardian.id) == before + 1
    with action_db.read() as s:
        assert s.get(Ticket, old.ticket.id).status == "open"  # last week's is left alone

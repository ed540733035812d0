"""Tickets on both databases: clocks in business time, pending pauses them, replies
go through the outbox, a stale reply is refused, every change is on the timeline."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import OutboxMessage, Ticket, TicketEvent
from helpdesk_tui.services import tickets as t
from tests.recovery import pick_guardian, staff

CHICAGO = ZoneInfo("America/Chicago")
FRIDAY_EVENING = datetime(2026, 11, 20, 17, 45, tzinfo=CHICAGO)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


def new_ticket(db, actor, guardian, now=FRIDAY_EVENING, **kw):
    with db.write() as s:
        ticket = t.create_ticket(
            s,
            actor=actor,
            channel="email",
            category="lost_key",
            subject="Lost my key",
            body="Hola, perdí mi clave.",
            guardian_id=guardian.id,
            now=now,
            **kw,
        )
        return ticket


def test_a_ticket_from_friday_evening_is_due_monday(action_db):
    agent = staff(action_db, "demo-agent")
    ticket = new_ticket(action_db, agent, pick_guardian(action_db))
    assert t.ticket_label(ticket.number).startswith("HD-") and ticket.status == "new"
    # Clock starts Monday 7:30; 8 business hours of first response: Monday 15:30.
    assert ticket.first_response_due_at == local(2026, 11, 23, 15, 30)
    assert ticket.due_at == ticket.first_response_due_at
    # Resolution (24 business hours) crosses Thanksgiving: Wednesday 15:30.
    assert ticket.resolution_due_at == local(2026, 11, 25, 15, 30)


def test_reply_stops_the_first_response_clock_and_goes_through_the_outbox(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    ticket = new_ticket(action_db, agent, guardian)
    with action_db.write() as s:
        t.reply(
            s,
            actor=agent,
            ticket_id=ticket.id,
            subject="",
            body="We sent a new key.",
            seen_replies=0,
            now=local(2026, 11, 23, 9, 0),
        )
    with action_db.read() as s:
        after = s.get(Ticket, ticket.id)
        mail = s.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.kind) == "ticket_reply",
                col(OutboxMessage.guardian_id) == guardian.id,
            )
        ).all()
    assert after.status == "open" and after.first_response_at == local(2026, 11, 23, 9, 0)
    assert after.due_at == after.resolution_due_at
    assert [m.to_address for m in mail] == [guardian.email]
    assert mail[0].subject == f"[{t.ticket_label(ticket.number)}] Lost my key"
    with pytest.raises(t.StaleReply, match="answered by someone else"), action_db.write() as s:
        t.reply(s, actor=agent, ticket_id=ticket.id, subject="", body="Me too", seen_replies=0)


def test_pending_pauses_both_clocks(action_db):
    agent = staff(action_db, "demo-agent")
    ticket = new_ticket(action_db, agent, pick_guardian(action_db), now=local(2026, 11, 30, 8, 0))
    due_before = ticket.resolution_due_at
    with action_db.write() as s:
        t.set_pending(s, actor=agent, ticket_id=ticket.id, now=local(2026, 11, 30, 10, 0))
    with action_db.write() as s:  # the guardian answers two business days later
        t.reopen(s, actor=None, ticket_id=ticket.id, now=local(2026, 12, 2, 10, 0))
        after = s.get(Ticket, ticket.id)
        assert after.paused_seconds == 16 * 3600
        assert due_before == local(2026, 12, 3, 8, 0)  # Thursday
        assert after.resolution_due_at == local(2026, 12, 7, 8, 0)  # two business days on: Monday
        assert after.status == "open" and after.due_at == after.first_response_due_at


@pytest.mark.parametrize("ending", ["resolved by staff", "closed by itself"])
def test_time_spent_pending_never_counts_against_the_resolution_target(action_db, ending):
    """Pending from Monday 9:00 to the next Monday 9:00 (five business days): however
    the ticket ends from there, those days are paused, and its resolution due time
    moves by them (it was counted as late)."""
    agent = staff(action_db, "demo-agent")
    ticket = new_ticket(action_db, agent, pick_guardian(action_db), now=local(2026, 11, 30, 8, 0))
    with action_db.write() as s:
        t.set_pending(s, actor=agent, ticket_id=ticket.id, now=local(2026, 11, 30, 9, 0))
    end = local(2026, 12, 7, 9, 0)
    with action_db.write() as s:
        if ending == "resolved by staff":
            t.resolve(s, actor=agent, ticket_id=ticket.id, note="Done by phone.", now=end)
        else:
            assert ticket.label in t.close_stale_pending(s, now=end)
    with action_db.read() as s:
        after = s.get(Ticket, ticket.id)
    assert after.paused_seconds == 5 * 8 * 3600
    assert after.pending_since is None and after.due_at is None
    assert after.resolution_due_at == local(2026, 12, 10, 8, 0)  # Thursday + 5 business days
    assert after.resolution_due_at > end  # so it counts as met, not breached


def test_claim_assign_release_and_resolve_are_on_the_timeline(action_db):
    agent, supervisor = staff(action_db, "demo-agent"), staff(action_db, "demo-supervisor")
    ticket = new_ticket(action_db, agent, pick_guardian(action_db))
    with action_db.write() as s:
        t.claim(s, actor=agent, ticket_id=ticket.id)
        t.assign(s, actor=supervisor, ticket_id=ticket.id, staff_id=supervisor.id)
        t.assign(s, actor=supervisor, ticket_id=ticket.id, staff_id=None)
        t.resolve(s, actor=agent, ticket_id=ticket.id, note="Key reissued by phone.")
    with action_db.read() as s:
        kinds = s.exec(
            select(TicketEvent.kind)
            .where(col(TicketEvent.ticket_id) == ticket.id)
            .order_by(col(TicketEvent.id))
        ).all()
        after = s.get(Ticket, ticket.id)
    assert kinds == ["created", "claimed", "claimed", "released", "resolved"]
    assert after.status == "resolved" and after.due_at is None and after.assignee_id is None


def test_bad_input_says_what_to_do(action_db):
    agent = staff(action_db, "demo-agent")
    with pytest.raises(t.TicketError, match="Link a guardian"), action_db.write() as s:
        t.create_ticket(s, actor=agent, channel="phone", category="other", subject="Call")
    with pytest.raises(t.TicketError, match="keep it under 20,000"), action_db.write() as s:
        t.create_ticket(
            s,
            actor=agent,
            channel="web",
            category="other",
            subject="Blob",
            body="x" * 25_000,
            caller_name="Unknown",
        )
    with pytest.raises(t.TicketError, match="from the lists"), action_db.write() as s:
        t.create_ticket(
            s, actor=agent, channel="fax", category="other", subject="x", caller_name="A"
        )


def test_merge_moves_messages_and_refuses_odd_requests(action_db):
    from helpdesk_tui.services.tickets import canned_for, get_ticket_detail, merge_tickets

    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    keep = new_ticket(action_db, agent, guardian)
    duplicate = new_ticket(action_db, agent, guardian)
    with pytest.raises(t.TicketError, match="into itself"), action_db.write() as s:
        merge_tickets(s, actor=agent, duplicate_id=keep.id, into_id=keep.id)
    with action_db.write() as s:
        merge_tickets(s, actor=agent, duplicate_id=duplicate.id, into_id=keep.id)
    with action_db.read() as s:
        kept = get_ticket_detail(s, actor=agent, ticket_id=keep.id)
        gone = get_ticket_detail(s, actor=agent, ticket_id=duplicate.id)
        english = canned_for(s, actor=agent, ticket_id=keep.id, lang="en")
    assert [m.kind for m in kept.messages] == ["incoming", "incoming"]
    assert gone.status == "closed" and gone.merged_into == keep.label and gone.messages == ()
    assert [e.kind for e in kept.events][-1] == "merged"
    assert (
        english[0].body.startswith(f"Dear {guardian.first_name}") and keep.label in english[0].body
    )
    with pytest.raises(t.TicketError, match="is closed"), action_db.write() as s:
        merge_tickets(s, actor=agent, duplicate_id=duplicate.id, into_id=keep.id)


def test_pending_without_an_answer_for_five_business_days_closes_itself(action_db):
    agent = staff(action_db, "demo-agent")
    ticket = new_ticket(action_db, agent, pick_guardian(action_db), now=local(2026, 11, 30, 8, 0))
    with action_db.write() as s:
        t.set_pending(s, actor=agent, ticket_id=ticket.id, now=local(2026, 11, 30, 9, 0))
    with action_db.write() as s:  # four business days later: still waiting
        assert ticket.label not in t.close_stale_pending(s, now=local(2026, 12, 4, 9, 0))
    with action_db.write() as s:  # the fifth business day has passed
        assert ticket.label in t.close_stale_pending(s, now=local(2026, 12, 7, 9, 0))
        after = s.get(Ticket, ticket.id)
        assert after.status == "closed"


def test_close_stale_command_reports_what_it_closed(action_db):
    from tests.unit.test_cli import _run

    result = _run(action_db, "tickets", "close-stale", "--days", "60")
    assert result.exit_code == 0 and result.output.startswith("Closed ")


def test_supervisors_set_closures_busy_periods_and_targets_from_the_command_line(action_db):
    from tests.unit.test_cli import _run

    supervisor = {"HELPDESK_STAFF": "demo-supervisor", "HELPDESK_STAFF_PASSWORD": "demo-password"}
    agent_env = {"HELPDESK_STAFF": "demo-agent", "HELPDESK_STAFF_PASSWORD": "demo-password"}
    refused = _run(action_db, "calendar", "close", "2027-03-03", "Snow day", env=agent_env)
    assert refused.exit_code == 1 and "Only a supervisor" in refused.output
    assert (
        _run(
            action_db, "calendar", "close", "2027-03-03", "Staff institute day", env=supervisor
        ).exit_code
        == 0
    )
    target = _run(action_db, "calendar", "target", "no_account", "low", "60", "600", env=supervisor)
    assert target.exit_code == 0, target.output
    bad = _run(action_db, "calendar", "busy", "Opening", "2027-08-20", "2027-08-10", env=supervisor)
    assert bad.exit_code == 1 and "end on or after" in bad.output
    agent = staff(action_db, "demo-agent")
    with action_db.write() as s:
        ticket = t.create_ticket(
            s,
            actor=agent,
            channel="web",
            category="no_account",
            priority="low",
            subject="How do I sign up?",
            caller_name="A parent",
            now=local(2027, 3, 2, 15, 0),
        )
    # 30 minutes on Tuesday, Wednesday is closed, the other 30 on Thursday morning.
    assert ticket.first_response_due_at == local(2027, 3, 4, 8, 0)


def test_every_category_has_its_own_canned_answer_in_both_languages():
    from helpdesk_tui.services.texts import LIBRARY, replies_for
    from helpdesk_tui.vocabulary import Category

    for lang in ("en", "es"):
        for category in Category:
            first = replies_for(category, lang)[0]
            assert first.key == (category if category != "other" else "*")
            assert "{ticket}" in first.body
        assert set(LIBRARY["en"]) == set(LIBRARY[lang])

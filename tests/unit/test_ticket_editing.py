"""Correcting a ticket (category, priority, family), a phone ticket for a caller the
lookup did not find, and a timeline that shows what anyone did for the family during
the ticket."""

from datetime import timedelta

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import AuditEvent, Ticket, VerificationBlock
from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.verification import clear_block
from helpdesk_tui.vocabulary import AuditAction
from tests.recovery import pick_guardian, staff
from tests.unit.test_tickets import FRIDAY_EVENING, local, new_ticket


def _ticket(db, ticket_id: int) -> Ticket:  # type: ignore[no-untyped-def]
    with db.read() as s:
        row = s.get(Ticket, ticket_id)
        assert row is not None
        return row


def test_priority_and_category_changes_move_the_due_times_and_are_on_the_timeline(action_db):  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    ref = new_ticket(action_db, agent, pick_guardian(action_db))
    before = _ticket(action_db, ref.id)
    assert before.due_at == local(2026, 11, 23, 15, 30).astimezone(before.due_at.tzinfo)
    with action_db.write() as s:
        t.change_ticket(
            s,
            actor=agent,
            ticket_id=ref.id,
            category="key_already_used",
            priority="urgent",
            now=FRIDAY_EVENING + timedelta(minutes=5),
        )
    after = _ticket(action_db, ref.id)
    assert (after.category, after.priority) == ("key_already_used", "urgent")
    # Urgent: a first response within 2 business hours of Monday's opening at 7:30.
    assert after.due_at == local(2026, 11, 23, 9, 30).astimezone(after.due_at.tzinfo)
    with action_db.read() as s:
        detail = t.get_ticket_detail(s, actor=agent, ticket_id=ref.id)
    changed = [e for e in detail.events if e.kind == "changed"]
    assert [e.detail for e in changed] == [
        "category: lost key → key already used; priority: normal → urgent"
    ]
    assert changed[0].staff not in ("", "system")  # the person who changed it
    with action_db.write() as s, pytest.raises(t.TicketError, match="already has"):
        t.change_ticket(s, actor=agent, ticket_id=ref.id, priority="urgent")
    with action_db.write() as s, pytest.raises(t.TicketError, match="from the list"):
        t.change_ticket(s, actor=agent, ticket_id=ref.id, category="lost key")


def test_a_call_ticket_subject_follows_its_new_category(action_db):  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    with action_db.write() as s:
        call = t.open_call_ticket(s, actor=agent, guardian_id=guardian.id)
    with action_db.write() as s:
        t.change_ticket(s, actor=agent, ticket_id=call.ticket.id, category="username_change")
    assert _ticket(action_db, call.ticket.id).subject == "Phone call: username change"


def test_a_caller_not_found_gets_a_ticket_that_is_linked_to_the_family_later(action_db):  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    with action_db.write() as s:
        ref = t.open_caller_ticket(s, actor=agent, caller="Ana\x07 Núñez", phone="555 0100")
    row = _ticket(action_db, ref.id)
    assert (row.guardian_id, row.caller_name, row.caller_phone) == (None, "Ana Núñez", "555 0100")
    assert (row.assignee_id, row.status) == (agent.id, "open")
    assert row.first_response_at is not None
    guardian = pick_guardian(action_db)
    with action_db.write() as s:
        t.link_guardian(s, actor=agent, ticket_id=ref.id, guardian_id=guardian.id)
    row = _ticket(action_db, ref.id)
    assert row.guardian_id == guardian.id and row.school_id is not None
    assert row.caller_name == "Ana Núñez"  # what the caller gave stays
    with action_db.read() as s:
        detail = t.get_ticket_detail(s, actor=agent, ticket_id=ref.id)
        trail = s.exec(
            select(AuditEvent).where(
                col(AuditEvent.guardian_id) == guardian.id,
                col(AuditEvent.action) == AuditAction.TICKET_CHANGED,
            )
        ).all()
    linked = [e for e in detail.events if e.kind == "linked"]
    assert linked[0].detail == f"to {guardian.first_name} {guardian.last_name} (was Ana Núñez)"
    assert len(trail) == 1 and detail.label in trail[0].detail
    # Now the family's clerk sees it; the clerk of another school still does not.
    with action_db.write() as s, pytest.raises(t.TicketError, match="already for this family"):
        t.link_guardian(s, actor=agent, ticket_id=ref.id, guardian_id=guardian.id)


def test_nothing_given_about_the_caller_is_refused_and_clerks_do_not_open_such_tickets(action_db):  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    with action_db.write() as s, pytest.raises(t.TicketError, match="name or phone"):
        t.open_caller_ticket(s, actor=agent, caller="  \x00 ", phone="")
    with action_db.write() as s, pytest.raises(t.TicketError, match="under 120"):
        t.open_caller_ticket(s, actor=agent, caller="x" * 10_000)
    clerk = staff(action_db, "demo-clerk")
    with pytest.raises(ActionDenied, match="district helpdesk"), action_db.write() as s:
        t.open_caller_ticket(s, actor=clerk, caller="Ana")


def test_the_timeline_shows_a_supervisor_clearing_a_block_during_the_call(action_db):  # type: ignore[no-untyped-def]
    """The agent verified (blocked), a supervisor cleared the block, then the agent
    opened the ticket: both belong to the call, whoever did them."""
    agent = staff(action_db, "demo-agent")
    supervisor = staff(action_db, "demo-supervisor")
    guardian = pick_guardian(action_db)
    with action_db.write() as s:
        s.add(VerificationBlock(guardian_id=guardian.id, blocked_at=FRIDAY_EVENING, failures=3))
    with action_db.write() as s:
        clear_block(
            s,
            actor=supervisor,
            guardian_id=guardian.id,
            reason="Parent called back from the number on file",
            now=FRIDAY_EVENING + timedelta(minutes=2),
        )
    ref = new_ticket(action_db, agent, guardian, now=FRIDAY_EVENING + timedelta(minutes=10))
    with action_db.read() as s:
        detail = t.get_ticket_detail(s, actor=agent, ticket_id=ref.id)
    cleared = [e for e in detail.events if e.kind == AuditAction.VERIFICATION_BLOCK_CLEARED]
    assert len(cleared) == 1
    assert cleared[0].staff != detail.assignee and "called back" in cleared[0].detail


def test_the_closing_note_names_only_what_this_call_did(action_db):  # type: ignore[no-untyped-def]
    """An abandoned verification is not "caller verified", and another desk's action in
    the hour before the call is on the timeline but not credited to it (review)."""
    from helpdesk_tui.services import verification as v
    from helpdesk_tui.services.kernel import audit

    agent, supervisor = staff(action_db, "demo-agent"), staff(action_db, "demo-supervisor")
    guardian = pick_guardian(action_db)
    start = FRIDAY_EVENING + timedelta(minutes=30)
    with action_db.write() as s:  # another desk, twenty minutes before the call
        audit.record(
            s,
            actor=supervisor,
            action=AuditAction.KEY_REISSUED,
            guardian_id=guardian.id,
            now=start - timedelta(minutes=20),
        )
    with action_db.write() as s:
        call = t.open_call_ticket(s, actor=agent, guardian_id=guardian.id, now=start)
    with action_db.write() as s:
        vid = v.start_verification(s, actor=agent, guardian_id=guardian.id, method="phone").id
    with action_db.write() as s:
        v.abandon_verification(s, actor=agent, verification_id=vid)
    with action_db.read() as s:
        detail = t.get_ticket_detail(s, actor=agent, ticket_id=call.ticket.id)
    kinds = {e.kind for e in detail.events}
    assert {"key_reissued", "verification"} <= kinds  # both on the timeline
    assert t.closing_note(detail).endswith(": question answered.")


def test_a_ticket_moved_to_another_family_is_in_both_audit_trails(action_db):  # type: ignore[no-untyped-def]
    agent = staff(action_db, "demo-agent")
    first, second = pick_guardian(action_db), None
    ref = new_ticket(action_db, agent, first)
    second = pick_guardian(action_db)
    with action_db.write() as s:
        t.link_guardian(s, actor=agent, ticket_id=ref.id, guardian_id=second.id)

    def trail(gid: int) -> list[str]:
        with action_db.read() as s:
            rows = s.exec(
                select(AuditEvent).where(
                    col(AuditEvent.guardian_id) == gid,
                    col(AuditEvent.action) == AuditAction.TICKET_CHANGED,
                )
            ).all()
            return [r.detail for r in rows]

    assert trail(first.id) == [f"{ref.label} moved to another family"]
    assert trail(second.id) == [f"{ref.label} linked to this family, was another family"]


@pytest.mark.parametrize(
    ("said", "parts"),
    [
        ("Ana Núñez 630 555 0142", ("Ana Núñez", "630 555 0142")),
        ("Ana Núñez, (630) 555-0142", ("Ana Núñez", "(630) 555-0142")),
        ("+52 55 1234 5678", ("", "+52 55 1234 5678")),
        ("Grade 5 parent", ("Grade 5 parent", "")),
        ("  Ana  ", ("Ana", "")),
    ],
)
def test_a_callers_name_and_number_typed_on_one_line(said: str, parts: tuple[str, str]) -> None:
    assert t.caller_and_phone(said) == parts

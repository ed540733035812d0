"""A clerk's scope over tickets (issue 11), on both databases: a clerk works the
tickets of families with a student at their school, from opening one to merging;
every other ticket service refuses them with a "denied" audit row and changes nothing.
A ticket with no family linked is district helpdesk work, which clerks do not see."""

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from helpdesk_tui.data.tables import AuditEvent, Guardian, OutboxMessage, Ticket, TicketMessage
from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.permissions import may_see_guardian
from helpdesk_tui.vocabulary import AuditAction
from tests.recovery import pick_guardian, staff
from tests.unit.test_tickets import new_ticket


def _other_school_guardian(database, clerk):
    """A guardian with no student at the clerk's school (a family of another school)."""
    with database.read() as s:
        found = next(
            g
            for g in s.exec(select(Guardian).order_by(col(Guardian.id).desc())).all()
            if not may_see_guardian(s, actor=clerk, guardian_id=g.id)
        )
        s.expunge(found)
        return found


def _denied_rows(database, actor, action):
    with database.read() as s:
        return s.exec(
            select(AuditEvent).where(
                col(AuditEvent.staff_id) == actor.id,
                col(AuditEvent.action) == action,
                col(AuditEvent.outcome) == "denied",
            )
        ).all()


def _refused(database, actor, action, call):
    """``call`` is refused with ActionDenied and leaves one more "denied" row."""
    before = len(_denied_rows(database, actor, action))
    with pytest.raises(ActionDenied) as refused, database.write() as s:
        call(s)
    assert len(_denied_rows(database, actor, action)) == before + 1
    return str(refused.value)


def _mail_count(database, guardian_id):
    with database.read() as s:
        return s.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(col(OutboxMessage.guardian_id) == guardian_id)
        ).one()


def _ticket_state(database, ticket_id):
    with database.read() as s:
        ticket = s.get(Ticket, ticket_id)
        messages = s.exec(
            select(TicketMessage.id).where(col(TicketMessage.ticket_id) == ticket_id)
        ).all()
        return (ticket.status, ticket.assignee_id, ticket.reply_count, len(messages))


def test_a_clerk_reads_only_tickets_of_families_at_their_school(action_db):
    """get_ticket_detail took the actor and never looked at it: a clerk could read any
    family's ticket (its conversation, and the guardian's portal events on its timeline)."""
    agent, clerk = staff(action_db, "demo-agent"), staff(action_db, "demo-clerk")
    theirs = new_ticket(action_db, agent, pick_guardian(action_db, school_id=clerk.school_id))
    elsewhere = new_ticket(action_db, agent, _other_school_guardian(action_db, clerk))
    with action_db.read() as s:
        assert t.get_ticket_detail(s, actor=clerk, ticket_id=theirs.id).id == theirs.id
        assert t.get_ticket_detail(s, actor=agent, ticket_id=elsewhere.id).id == elsewhere.id
    message = _refused(
        action_db,
        clerk,
        AuditAction.TICKET_VIEWED,
        lambda s: t.get_ticket_detail(s, actor=clerk, ticket_id=elsewhere.id),
    )
    # What the refusal says names the ticket, never the family or what happened to them.
    assert message == (
        f"{elsewhere.label} is for a family with no student at your school; "
        "refer them to the district helpdesk."
    )


def test_a_clerk_cannot_act_on_a_ticket_of_another_schools_family(action_db):
    """Issue 11: a clerk could note, claim, assign, reply to (emailing the family),
    change the status of and merge any family's ticket. Each is now refused with a
    "denied" audit row, and nothing about the ticket changes."""
    agent, clerk = staff(action_db, "demo-agent"), staff(action_db, "demo-clerk")
    family = _other_school_guardian(action_db, clerk)
    theirs = new_ticket(action_db, agent, family)
    ours = new_ticket(action_db, agent, pick_guardian(action_db, school_id=clerk.school_id))
    before = _ticket_state(action_db, theirs.id)
    mail_before = _mail_count(action_db, family.id)
    tid = theirs.id
    calls = {
        AuditAction.TICKET_NOTE_ADDED: lambda s: t.add_note(
            s, actor=clerk, ticket_id=tid, body="x"
        ),
        AuditAction.TICKET_ASSIGNED: lambda s: t.claim(s, actor=clerk, ticket_id=tid),
        AuditAction.TICKET_REPLIED: lambda s: t.reply(
            s, actor=clerk, ticket_id=tid, subject="", body="Hello", seen_replies=0
        ),
        AuditAction.TICKET_STATUS_CHANGED: lambda s: t.set_pending(s, actor=clerk, ticket_id=tid),
        AuditAction.TICKET_MERGED: lambda s: t.merge_tickets(
            s, actor=clerk, duplicate_id=ours.id, into_id=tid
        ),
        AuditAction.TICKET_VIEWED: lambda s: t.get_ticket_detail(s, actor=clerk, ticket_id=tid),
    }
    for action, call in calls.items():
        assert "no student at your school" in _refused(action_db, clerk, action, call)
    more = [
        (
            AuditAction.TICKET_ASSIGNED,
            lambda s: t.assign(s, actor=clerk, ticket_id=tid, staff_id=None),
        ),
        (AuditAction.TICKET_STATUS_CHANGED, lambda s: t.reopen(s, actor=clerk, ticket_id=tid)),
        (AuditAction.TICKET_STATUS_CHANGED, lambda s: t.resolve(s, actor=clerk, ticket_id=tid)),
        (
            AuditAction.TICKET_MERGED,
            lambda s: t.merge_tickets(s, actor=clerk, duplicate_id=tid, into_id=ours.id),
        ),
    ]
    for action, call in more:
        _refused(action_db, clerk, action, call)
    assert _ticket_state(action_db, theirs.id) == before
    assert _ticket_state(action_db, ours.id)[0] == "new"  # the merge moved nothing
    assert _mail_count(action_db, family.id) == mail_before  # nothing emailed to them
    rows = _denied_rows(action_db, clerk, AuditAction.TICKET_REPLIED)
    assert rows[-1].guardian_id == family.id and theirs.label in rows[-1].detail


def test_a_clerk_cannot_open_a_ticket_for_another_schools_family(action_db):
    """Issue 11: a ticket a clerk creates shows the family's portal events; creating
    one for a family of another school is refused, and so is a ticket with no family
    linked (district helpdesk work, which clerks do not see)."""
    clerk = staff(action_db, "demo-clerk")
    family = _other_school_guardian(action_db, clerk)
    with action_db.read() as s:
        tickets_before = s.exec(select(func.count()).select_from(Ticket)).one()
    _refused(
        action_db,
        clerk,
        AuditAction.TICKET_CREATED,
        lambda s: t.open_call_ticket(s, actor=clerk, guardian_id=family.id),
    )
    _refused(
        action_db,
        clerk,
        AuditAction.TICKET_CREATED,
        lambda s: t.create_ticket(
            s,
            actor=clerk,
            channel="walk_in",
            category="other",
            subject="At the counter",
            guardian_id=family.id,
        ),
    )
    message = _refused(
        action_db,
        clerk,
        AuditAction.TICKET_CREATED,
        lambda s: t.create_ticket(
            s, actor=clerk, channel="walk_in", category="other", subject="x", caller_name="A"
        ),
    )
    assert "district helpdesk" in message
    with action_db.read() as s:
        assert s.exec(select(func.count()).select_from(Ticket)).one() == tickets_before


def test_a_clerk_works_their_own_schools_tickets_from_start_to_finish(action_db):
    agent, clerk = staff(action_db, "demo-agent"), staff(action_db, "demo-clerk")
    family = pick_guardian(action_db, school_id=clerk.school_id)
    with action_db.write() as s:
        visit = t.open_call_ticket(s, actor=clerk, guardian_id=family.id).ticket
    other = new_ticket(action_db, agent, family)
    with action_db.write() as s:
        t.add_note(s, actor=clerk, ticket_id=visit.id, body="Photo ID checked.")
        t.claim(s, actor=clerk, ticket_id=visit.id)
        t.reply(s, actor=clerk, ticket_id=visit.id, subject="", body="Done.", seen_replies=0)
        t.set_pending(s, actor=clerk, ticket_id=visit.id)
        t.reopen(s, actor=clerk, ticket_id=visit.id)
        t.merge_tickets(s, actor=clerk, duplicate_id=other.id, into_id=visit.id)
        t.resolve(s, actor=clerk, ticket_id=visit.id, note="Key printed.")
    with action_db.read() as s:
        detail = t.get_ticket_detail(s, actor=clerk, ticket_id=visit.id)
    assert detail.status == "resolved" and detail.channel == "walk_in"
    assert [m.kind for m in detail.messages].count("reply") == 1
    assert _mail_count(action_db, family.id) == 1  # the reply


def test_a_ticket_cannot_be_given_to_a_clerk_who_cannot_see_it(action_db):
    """Assigned to a clerk of another school, it would sit in their "Mine" count with
    no way to open it."""
    agent, clerk = staff(action_db, "demo-agent"), staff(action_db, "demo-clerk")
    ticket = new_ticket(action_db, agent, _other_school_guardian(action_db, clerk))
    with pytest.raises(t.TicketError, match="cannot see"), action_db.write() as s:
        t.assign(s, actor=agent, ticket_id=ticket.id, staff_id=clerk.id)
    assert _ticket_state(action_db, ticket.id)[1] is None


def test_a_ticket_refused_on_the_screens_read_path_keeps_its_denied_row(action_db):
    """The ticket screen loads a ticket in a read transaction (Database.run(write=False));
    a refusal there must keep its "denied" row like any other. Needs Database.read() to
    commit on CommitThenRaise as Database.write() does (data/engine.py)."""
    agent, clerk = staff(action_db, "demo-agent"), staff(action_db, "demo-clerk")
    ticket = new_ticket(action_db, agent, _other_school_guardian(action_db, clerk))
    before = len(_denied_rows(action_db, clerk, AuditAction.TICKET_VIEWED))
    with pytest.raises(ActionDenied):
        action_db.run(
            lambda s: t.get_ticket_detail(s, actor=clerk, ticket_id=ticket.id), write=False
        )
    assert len(_denied_rows(action_db, clerk, AuditAction.TICKET_VIEWED)) == before + 1

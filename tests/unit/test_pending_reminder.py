"""The reminder a family gets one business day before a ticket waiting on them closes
by itself, on both databases: at 4 business days (weekends and holidays not counted),
once per pending spell, in the family's language, through the outbox to the right
address, on the ticket for staff to read; the close still comes at 5 days."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists
from sqlmodel import col, select

from helpdesk_tui.data.tables import (
    AuditEvent,
    Guardian,
    OutboxMessage,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from helpdesk_tui.services import tickets as t
from tests.recovery import staff

CHICAGO = ZoneInfo("America/Chicago")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


def family(db, lang: str) -> Guardian:
    """A guardian with an email, writing in ``lang``, with no ticket yet (from the end
    of the list: other tests pick from the start)."""
    with db.read() as s:
        guardian = s.exec(
            select(Guardian)
            .where(
                col(Guardian.preferred_language) == lang,
                col(Guardian.email).is_not(None),
                ~exists().where(col(Ticket.guardian_id) == col(Guardian.id)),
                ~exists().where(col(AuditEvent.guardian_id) == col(Guardian.id)),
            )
            .order_by(col(Guardian.id).desc())
            .limit(1)
        ).one()
        s.expunge(guardian)
        return guardian


def pending_ticket(db, *, pending_at: datetime, guardian: Guardian | None = None, **caller):
    agent = staff(db, "demo-agent")
    with db.write() as s:
        ticket = t.create_ticket(
            s,
            actor=agent,
            channel="email",
            category="lost_key",
            subject="Lost my key",
            body=caller.pop("body", "I lost my key."),
            guardian_id=guardian.id if guardian else None,
            now=pending_at.replace(hour=8, minute=0),
            **caller,
        )
    with db.write() as s:
        t.set_pending(s, actor=agent, ticket_id=ticket.id, now=pending_at)
    return ticket


def remind(db, now: datetime) -> list[str]:
    with db.write() as s:
        return t.remind_stale_pending(s, now=now)


def reminders_of(db, ticket) -> tuple[list[OutboxMessage], list[TicketMessage], list[str]]:
    """The reminder emails queued, the ticket's messages by "helpdesk", and its
    reminder timeline lines."""
    with db.read() as s:
        replies = s.exec(
            select(TicketMessage).where(
                col(TicketMessage.ticket_id) == ticket.id,
                col(TicketMessage.kind) == "reply",
            )
        ).all()
        ids = [m.outbox_message_id for m in replies]
        mail = s.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))).all()
        events = s.exec(
            select(TicketEvent.kind)
            .where(
                col(TicketEvent.ticket_id) == ticket.id,
                col(TicketEvent.kind).in_(("reminded", "reminder_not_sent")),
            )
            .order_by(col(TicketEvent.id))
        ).all()
        for row in (*mail, *replies):
            s.expunge(row)
    return list(mail), list(replies), list(events)


def test_the_reminder_goes_at_four_business_days_once_then_the_ticket_closes_at_five(
    action_db,
):
    guardian = family(action_db, "en")
    # Pending Monday 9:00: four business days is Friday 9:00, five is Monday 9:00.
    ticket = pending_ticket(action_db, pending_at=local(2026, 11, 30, 9, 0), guardian=guardian)
    assert ticket.label not in remind(action_db, local(2026, 12, 4, 8, 12))  # 3.9 days
    assert reminders_of(action_db, ticket) == ([], [], [])
    assert ticket.label in remind(action_db, local(2026, 12, 4, 9, 0))
    assert ticket.label not in remind(action_db, local(2026, 12, 4, 13, 0))  # only once
    mail, replies, events = reminders_of(action_db, ticket)
    assert [m.to_address for m in mail] == [guardian.email]
    assert mail[0].kind == "ticket_reminder" and mail[0].status == "pending"
    assert mail[0].subject == f"[{ticket.label}] Reminder: we are waiting for your answer"
    assert f"Dear {guardian.first_name} {guardian.last_name}," in mail[0].body
    assert "close it on Monday, December 7" in mail[0].body
    assert [(r.author_name, r.body) for r in replies] == [("helpdesk", mail[0].body)]
    assert events == ["reminded"]
    with action_db.read() as s:
        detail = t.get_ticket_detail(s, actor=staff(action_db, "demo-agent"), ticket_id=ticket.id)
        still = s.get(Ticket, ticket.id)
    line = next(e for e in detail.events if e.kind == "reminded")
    assert line.what == "reminder sent" and "Monday, December 7" in line.detail
    assert guardian.email not in line.detail  # contact details stay off the timeline
    # Still pending, its clocks still stopped, and an agent's draft is not made stale.
    assert still.status == "pending" and still.due_at is None and still.reply_count == 0
    with action_db.write() as s:  # the fifth business day: closed, and no late reminder
        assert ticket.label not in t.remind_stale_pending(s, now=local(2026, 12, 7, 9, 0))
        assert ticket.label in t.close_stale_pending(s, now=local(2026, 12, 7, 9, 0))
    with action_db.read() as s:
        assert s.get(Ticket, ticket.id).status == "closed"
    assert len(reminders_of(action_db, ticket)[0]) == 1


def test_weekends_and_holidays_do_not_count(action_db):
    # Pending Monday 23 November 9:00; Thursday 26 is Thanksgiving, then a weekend:
    # the fourth business day ends Monday 30 November 9:00, the fifth Tuesday.
    ticket = pending_ticket(
        action_db, pending_at=local(2026, 11, 23, 9, 0), guardian=family(action_db, "en")
    )
    assert ticket.label not in remind(action_db, local(2026, 11, 29, 12, 0))  # 6 days, 3 open
    assert ticket.label in remind(action_db, local(2026, 11, 30, 9, 0))
    assert "close it on Tuesday, December 1" in reminders_of(action_db, ticket)[0][0].body


def test_a_guardian_who_answered_gets_no_reminder_and_a_new_spell_gets_its_own(action_db):
    agent = staff(action_db, "demo-agent")
    ticket = pending_ticket(
        action_db, pending_at=local(2026, 11, 30, 9, 0), guardian=family(action_db, "en")
    )
    assert ticket.label in remind(action_db, local(2026, 12, 4, 9, 0))
    with action_db.write() as s:  # the guardian's answer came in: open again
        t.reopen(s, actor=None, ticket_id=ticket.id, now=local(2026, 12, 4, 10, 0))
    assert ticket.label not in remind(action_db, local(2026, 12, 7, 10, 0))
    with action_db.write() as s:  # staff answered and wait on the guardian again
        t.set_pending(s, actor=agent, ticket_id=ticket.id, now=local(2026, 12, 7, 10, 0))
    assert ticket.label not in remind(action_db, local(2026, 12, 10, 10, 0))  # 3 days
    assert ticket.label in remind(action_db, local(2026, 12, 11, 10, 0))  # 4 days
    assert reminders_of(action_db, ticket)[2] == ["reminded", "reminded"]


def test_a_spanish_speaking_family_gets_it_in_spanish(action_db):
    guardian = family(action_db, "es")
    ticket = pending_ticket(action_db, pending_at=local(2026, 11, 30, 9, 0), guardian=guardian)
    assert ticket.label in remind(action_db, local(2026, 12, 4, 9, 0))
    mail, replies, _ = reminders_of(action_db, ticket)
    assert [m.to_address for m in mail] == [guardian.email]
    assert mail[0].subject == f"[{ticket.label}] Recordatorio: esperamos su respuesta"
    assert mail[0].body.startswith(f"Estimado/a {guardian.first_name} {guardian.last_name}:")
    assert "la cerraremos el lunes 7 de diciembre" in mail[0].body
    assert replies[0].body == mail[0].body


def test_an_unknown_sender_is_reminded_at_their_address_in_their_language(action_db):
    ticket = pending_ticket(
        action_db,
        pending_at=local(2026, 11, 30, 9, 0),
        caller_email="familia.reyes@example.org",
        body="Hola, perdí la clave de activación del portal. ¿Me pueden mandar otra?",
    )
    with action_db.write() as s:  # the email it came in as, so the reminder threads
        s.add(
            TicketMessage(
                ticket_id=ticket.id,
                kind="incoming",
                author_name="familia.reyes@example.org",
                body="¿Hay novedades?",
                created_at=local(2026, 11, 30, 8, 30),
                email_message_id="<reyes-1@example.org>",
            )
        )
    assert ticket.label in remind(action_db, local(2026, 12, 4, 9, 0))
    mail, _, _ = reminders_of(action_db, ticket)
    assert [m.to_address for m in mail] == ["familia.reyes@example.org"]
    assert mail[0].in_reply_to == "<reyes-1@example.org>"
    assert mail[0].body.startswith("Estimado/a padre, madre o tutor:")


def test_no_email_address_means_no_reminder_and_the_timeline_says_so(action_db):
    ticket = pending_ticket(
        action_db, pending_at=local(2026, 11, 30, 9, 0), caller_phone="555-0142"
    )
    assert ticket.label not in remind(action_db, local(2026, 12, 4, 9, 0))
    assert ticket.label not in remind(action_db, local(2026, 12, 4, 10, 0))
    mail, replies, events = reminders_of(action_db, ticket)
    assert (mail, replies, events) == ([], [], ["reminder_not_sent"])  # said once
    with action_db.read() as s:
        detail = t.get_ticket_detail(s, actor=staff(action_db, "demo-agent"), ticket_id=ticket.id)
    line = next(e for e in detail.events if e.kind == "reminder_not_sent")
    assert line.what == "reminder not sent"
    assert line.detail.startswith("no email address on file: call the family")

"""Tickets left waiting on the guardian: a reminder email one business day before they
close, then the close itself (both run by the background job and by
`helpdesk tickets close-stale`).

A pending spell starts when a ticket is set pending (``pending_since``) and ends when
it opens again (the guardian answered, or staff reopened it). Each spell gets one
reminder, recorded on the timeline ("reminder sent", or "reminder not sent" when there
is no address to write to) and, when sent, as a reply on the ticket so staff see what
the family received. The ticket row is locked first, so two desks running the job at
once send one reminder, not two.
"""

from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Guardian, Ticket, TicketEvent, TicketMessage
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.mail import queue
from helpdesk_tui.services.sla import load_calendar, set_clocks
from helpdesk_tui.services.texts import language_of, pending_reminder, spoken_date
from helpdesk_tui.services.tickets.category_rules import guess_language
from helpdesk_tui.services.tickets.lifecycle import end_pending_spell
from helpdesk_tui.services.tickets.records import add_event, lock_ticket, ticket_label
from helpdesk_tui.vocabulary import Language, MessageKind, TicketEventKind, TicketStatus

STALE_PENDING_DAYS = 5
REMINDER_KIND = "ticket_reminder"  # the outbox message's kind
_REMINDER_EVENTS = (TicketEventKind.REMINDED, TicketEventKind.REMINDER_NOT_SENT)


def _pending_for(session: Session, *, seconds: float, now: datetime) -> list[tuple[int, datetime]]:
    """(id, pending since) of tickets pending for at least ``seconds`` of wall time (a
    business second is never shorter), in id order: the order every desk locks them."""
    return [
        (ticket_id, since)
        for ticket_id, since in session.exec(
            select(Ticket.id, Ticket.pending_since)
            .where(
                col(Ticket.status) == TicketStatus.PENDING,
                col(Ticket.pending_since) <= now - timedelta(seconds=seconds),
            )
            .order_by(col(Ticket.id))
        ).all()
        if ticket_id is not None and since is not None
    ]


def remind_stale_pending(
    session: Session, *, days: int = STALE_PENDING_DAYS, now: datetime | None = None
) -> list[str]:
    """Email the guardian of each ticket that has waited on them for ``days - 1``
    business days (and not yet ``days``, when it closes): once per pending spell, in
    their language, through the outbox, with the ticket's number in the subject so an
    answer threads in. Returns the labels of the tickets reminded. ``days`` is the
    auto-close age, as for ``close_stale_pending``; below 2 there is no day to warn in."""
    now = resolve_now(now)
    if days < 2:
        return []
    calendar = load_calendar(session, now=now)
    remind_after, close_after = (days - 1) * calendar.day_seconds, days * calendar.day_seconds
    district: DistrictInfo | None = None
    reminded = []
    for ticket_id, since in _pending_for(session, seconds=remind_after, now=now):
        if not remind_after <= calendar.business_seconds(since, now) < close_after:
            continue
        ticket = lock_ticket(session, ticket_id)
        if ticket.status != TicketStatus.PENDING or ticket.pending_since != since:
            continue  # answered or changed since the list was read
        if _reminded_this_spell(session, ticket_id, since):
            continue
        district = district or get_district(session)
        closes_on = calendar.add(since, close_after).astimezone(calendar.zone).date()
        if _send_reminder(session, ticket, district, closes_on=closes_on, now=now):
            reminded.append(ticket_label(ticket.number))
    return reminded


def _reminded_this_spell(session: Session, ticket_id: int, since: datetime) -> bool:
    return (
        session.exec(
            select(TicketEvent.id).where(
                col(TicketEvent.ticket_id) == ticket_id,
                col(TicketEvent.kind).in_(_REMINDER_EVENTS),
                col(TicketEvent.at) >= since,
            )
        ).first()
        is not None
    )


def _send_reminder(
    session: Session, ticket: Ticket, district: DistrictInfo, *, closes_on: date, now: datetime
) -> bool:
    """Queue the reminder and put it on the ticket; False (and a timeline line saying
    so) when there is no email address to send it to."""
    guardian = session.get(Guardian, ticket.guardian_id) if ticket.guardian_id else None
    to = (guardian.email or guardian.alt_email) if guardian else ticket.caller_email
    if guardian is not None:
        lang = language_of(guardian.preferred_language)
        name: str | None = f"{guardian.first_name} {guardian.last_name}"
    else:
        lang, name = _language_of_requester(session, ticket), ticket.caller_name
    when = spoken_date("en", closes_on)
    if not to or "@" not in to:
        add_event(
            session,
            ticket,
            None,
            TicketEventKind.REMINDER_NOT_SENT,
            f"no email address on file: call the family before it closes on {when}",
            now,
        )
        return False
    letter = pending_reminder(
        lang,
        name=name,
        ticket=ticket_label(ticket.number),
        subject=ticket.subject,
        closes_on=closes_on,
        district=district.name,
        phone=district.helpdesk_phone,
    )
    message = queue(
        session,
        kind=REMINDER_KIND,
        to=to,
        letter=letter,
        now=now,
        guardian_id=ticket.guardian_id,
        in_reply_to=_last_email_id(session, ticket.id or 0),
    )
    session.flush()
    session.add(
        TicketMessage(
            ticket_id=ticket.id or 0,
            kind=MessageKind.REPLY,
            author_name="helpdesk",
            body=letter.body,
            created_at=now,
            outbox_message_id=message.id,
        )
    )
    # Not a reply_count bump: an agent's draft is not stale because of a reminder.
    ticket.updated_at = now
    add_event(
        session,
        ticket,
        None,
        TicketEventKind.REMINDED,
        f"by email, in {lang.label}; it closes on {when} without an answer",
        now,
    )
    return True


def _last_email_id(session: Session, ticket_id: int) -> str | None:
    """The Message-ID of the newest email on the ticket, so the reminder threads."""
    return session.exec(
        select(TicketMessage.email_message_id)
        .where(
            col(TicketMessage.ticket_id) == ticket_id,
            col(TicketMessage.email_message_id).is_not(None),
        )
        .order_by(col(TicketMessage.id).desc())
        .limit(1)
    ).first()


def _language_of_requester(session: Session, ticket: Ticket) -> Language:
    """A sender with no family record: the language of what they wrote to us."""
    first = session.exec(
        select(TicketMessage.body)
        .where(
            col(TicketMessage.ticket_id) == ticket.id,
            col(TicketMessage.kind) == MessageKind.INCOMING,
        )
        .order_by(col(TicketMessage.id))
        .limit(1)
    ).first()
    return guess_language(f"{ticket.subject}\n{first or ''}")


def close_stale_pending(
    session: Session, *, days: int = STALE_PENDING_DAYS, now: datetime | None = None
) -> list[str]:
    """Close tickets that have waited on the guardian for ``days`` business days with
    no answer, each with a note saying so; returns their labels."""
    now = resolve_now(now)
    calendar = load_calendar(session, now=now)
    limit = days * calendar.day_seconds
    closed = []
    for ticket_id, since in _pending_for(session, seconds=limit, now=now):
        if calendar.business_seconds(since, now) < limit:
            continue
        ticket = lock_ticket(session, ticket_id)
        if ticket.status != TicketStatus.PENDING or ticket.pending_since != since:
            continue  # answered, or closed by another desk, since the list was read
        session.add(
            TicketMessage(
                ticket_id=ticket.id or 0,
                kind=MessageKind.NOTE,
                author_name="helpdesk",
                body=f"Closed automatically: no answer from the guardian in {days} business days.",
                created_at=now,
            )
        )
        end_pending_spell(ticket, calendar, now)
        ticket.status, ticket.closed_at, ticket.updated_at = TicketStatus.CLOSED, now, now
        set_clocks(session, ticket, now, calendar)
        add_event(
            session,
            ticket,
            None,
            TicketEventKind.CLOSED,
            f"no reply in {days} business days",
            now,
        )
        closed.append(ticket_label(ticket.number))
    return closed

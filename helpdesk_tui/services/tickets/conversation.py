"""The ticket's conversation: internal notes, and replies to the guardian through the
outbox (the first one stops the first-response clock)."""

from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Guardian, TicketMessage
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.mail import queue
from helpdesk_tui.services.sla import set_clocks
from helpdesk_tui.services.texts import Letter
from helpdesk_tui.services.tickets.records import (
    MAX_BODY,
    StaleReply,
    TicketError,
    TicketRef,
    add_event,
    checked_text,
    lock_open_ticket,
    ticket_label,
    ticket_ref,
)
from helpdesk_tui.vocabulary import AuditAction, MessageKind, TicketEventKind, TicketStatus


def add_note(
    session: Session, *, actor: StaffMember, ticket_id: int, body: str, now: datetime | None = None
) -> TicketRef:
    """An internal note: staff only, never sent."""
    now = resolve_now(now)
    body = checked_text(body, what="note", limit=MAX_BODY, required=True)
    ticket = lock_open_ticket(
        session, ticket_id, actor=actor, action=AuditAction.TICKET_NOTE_ADDED, now=now
    )
    session.add(
        TicketMessage(
            ticket_id=ticket.id or 0,
            kind=MessageKind.NOTE,
            author_staff_id=actor.id,
            author_name=actor.full_name,
            body=body,
            created_at=now,
        )
    )
    ticket.updated_at = now
    return ticket_ref(session, ticket)


def reply(
    session: Session,
    *,
    actor: StaffMember,
    ticket_id: int,
    subject: str,
    body: str,
    seen_replies: int,
    now: datetime | None = None,
) -> TicketRef:
    """Email the guardian (through the outbox) and stop the first-response clock.
    ``seen_replies`` is the reply count the writer saw: if someone answered since,
    StaleReply says so and nothing is sent."""
    now = resolve_now(now)
    body = checked_text(body, what="reply", limit=MAX_BODY, required=True)
    ticket = lock_open_ticket(
        session, ticket_id, actor=actor, action=AuditAction.TICKET_REPLIED, now=now
    )
    if ticket.reply_count != seen_replies:
        raise StaleReply(
            f"{ticket_label(ticket.number)} was answered by someone else while you wrote. "
            "Read the new reply first; send yours only if it still adds something."
        )
    guardian = session.get(Guardian, ticket.guardian_id) if ticket.guardian_id else None
    to = (guardian.email if guardian else None) or ticket.caller_email
    if not to:
        raise TicketError("There is no email address to reply to; call the guardian instead.")
    answering = session.exec(
        select(TicketMessage.email_message_id)
        .where(
            col(TicketMessage.ticket_id) == ticket.id,
            col(TicketMessage.email_message_id).is_not(None),
        )
        .order_by(col(TicketMessage.id).desc())
        .limit(1)
    ).first()
    message = queue(
        session,
        in_reply_to=answering,
        kind="ticket_reply",
        to=to,
        letter=Letter(f"[{ticket_label(ticket.number)}] {subject.strip() or ticket.subject}", body),
        now=now,
        guardian_id=ticket.guardian_id,
    )
    session.flush()
    session.add(
        TicketMessage(
            ticket_id=ticket.id or 0,
            kind=MessageKind.REPLY,
            author_staff_id=actor.id,
            author_name=actor.full_name,
            body=body,
            created_at=now,
            outbox_message_id=message.id,
        )
    )
    ticket.reply_count += 1
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        add_event(session, ticket, actor, TicketEventKind.FIRST_RESPONSE, "", now)
    if ticket.status == TicketStatus.NEW:
        ticket.status = TicketStatus.OPEN
    ticket.updated_at = now
    set_clocks(session, ticket, now)
    return ticket_ref(session, ticket)

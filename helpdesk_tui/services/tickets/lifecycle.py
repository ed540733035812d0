"""Tickets: create, claim, assign, release, reply, note, wait on the guardian, resolve.

Every change writes a timeline event in the same transaction. Due times are kept on
the ticket (``due_at`` is the clock now running) so queue views are index scans; they
are recomputed when a ticket leaves "pending", with the paused business time added.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import (
    Guardian,
    GuardianStudent,
    Staff,
    Student,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from helpdesk_tui.data.tables.tickets import CATEGORIES, CHANNELS, PRIORITIES
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError, NotFound
from helpdesk_tui.services.mail import queue
from helpdesk_tui.services.sla import load_calendar, set_clocks
from helpdesk_tui.services.texts import Letter

FIRST_NUMBER = 1001
MAX_SUBJECT = 200
MAX_BODY = 20_000
_PG_NUMBER_LOCK = 7_200_302


CATEGORY_LABELS = {
    "key_request": "key request",
    "lost_key": "lost key",
    "key_already_used": "key already used",
    "login_name_taken": "login name taken",
    "forgot_login": "forgot username/password",
    "account_disabled": "account disabled",
    "security_email": "security email",
    "username_change": "username change",
    "no_account": "no account yet",
    "other": "other",
}


class TicketError(DomainError):
    pass


class StaleReply(TicketError):
    """Someone answered this ticket after the reply was started."""


def ticket_label(number: int) -> str:
    return f"HD-{number}"


@dataclass(frozen=True, slots=True)
class TicketRef:
    """What an action returns about the ticket it changed (never the live row)."""

    id: int
    number: int
    status: str
    assignee_id: int | None
    created_at: datetime
    first_response_at: datetime | None
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    due_at: datetime | None
    paused_seconds: float

    @property
    def label(self) -> str:
        return ticket_label(self.number)


def ticket_ref(session: Session, ticket: Ticket) -> TicketRef:
    session.flush()
    return TicketRef(
        id=ticket.id or 0,
        number=ticket.number,
        status=ticket.status,
        assignee_id=ticket.assignee_id,
        created_at=ticket.created_at,
        first_response_at=ticket.first_response_at,
        first_response_due_at=ticket.first_response_due_at,
        resolution_due_at=ticket.resolution_due_at,
        due_at=ticket.due_at,
        paused_seconds=ticket.paused_seconds,
    )


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def add_event(
    session: Session,
    ticket: Ticket,
    actor: StaffMember | None,
    kind: str,
    detail: str,
    now: datetime,
) -> None:
    session.add(
        TicketEvent(
            ticket_id=ticket.id or 0,
            at=now,
            staff_id=actor.id if actor else None,
            kind=kind,
            detail=detail[:500],
        )
    )


def _text(value: str, *, what: str, limit: int, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise TicketError(f"Write the {what}.")
    if len(text) > limit:
        raise TicketError(f"The {what} is {len(text):,} characters; keep it under {limit:,}.")
    return text


def _next_number(session: Session) -> int:
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_NUMBER_LOCK})")
    highest = session.exec(select(func.max(Ticket.number))).one()
    return (highest or FIRST_NUMBER - 1) + 1


def _school_of(session: Session, guardian_id: int) -> int | None:
    return session.exec(
        select(Student.school_id)
        .join(GuardianStudent, col(GuardianStudent.student_id) == col(Student.id))
        .where(col(GuardianStudent.guardian_id) == guardian_id)
        .order_by(col(Student.grade).desc())
        .limit(1)
    ).first()


def create_ticket(
    session: Session,
    *,
    actor: StaffMember | None,
    channel: str,
    category: str,
    subject: str,
    body: str = "",
    guardian_id: int | None = None,
    caller_name: str | None = None,
    caller_phone: str | None = None,
    caller_email: str | None = None,
    priority: str = "normal",
    now: datetime | None = None,
) -> TicketRef:
    """A new ticket, its first message (what the guardian asked) and its clocks."""
    now = _now(now)
    if channel not in CHANNELS or category not in CATEGORIES or priority not in PRIORITIES:
        raise TicketError("Choose a channel, a category and a priority from the lists.")
    subject = _text(subject, what="subject", limit=MAX_SUBJECT, required=True)
    body = _text(body, what="message", limit=MAX_BODY, required=False)
    if guardian_id is not None and session.get(Guardian, guardian_id) is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database.")
    if guardian_id is None and not (caller_name or caller_phone or caller_email):
        raise TicketError("Link a guardian, or note the caller's name, phone or email.")
    ticket = Ticket(
        number=_next_number(session),
        channel=channel,
        category=category,
        priority=priority,
        status="new",
        subject=subject,
        guardian_id=guardian_id,
        caller_name=caller_name,
        caller_phone=caller_phone,
        caller_email=caller_email,
        school_id=_school_of(session, guardian_id) if guardian_id else None,
        created_by_id=actor.id if actor else None,
        created_at=now,
        updated_at=now,
    )
    set_clocks(session, ticket, now)
    session.add(ticket)
    session.flush()
    if body:
        session.add(
            TicketMessage(
                ticket_id=ticket.id or 0,
                kind="incoming",
                author_name=caller_name or "guardian",
                body=body,
                created_at=now,
            )
        )
    add_event(session, ticket, actor, "created", f"{channel}, {category}", now)
    return ticket_ref(session, ticket)


def _ticket(session: Session, ticket_id: int) -> Ticket:
    query = select(Ticket).where(col(Ticket.id) == ticket_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    ticket = session.exec(query).first()
    if ticket is None:
        raise NotFound(f"Ticket #{ticket_id} does not exist.")
    return ticket


def ticket_id_for(session: Session, number: int) -> int:
    """The id of ticket HD-``number``."""
    found = session.exec(select(Ticket.id).where(col(Ticket.number) == number)).first()
    if found is None:
        raise NotFound(f"There is no ticket {ticket_label(number)}.")
    return found


def lock_open_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = _ticket(session, ticket_id)
    if ticket.status == "closed":
        raise TicketError(f"{ticket_label(ticket.number)} is closed.")
    return ticket


def claim(
    session: Session, *, actor: StaffMember, ticket_id: int, now: datetime | None = None
) -> TicketRef:
    return assign(session, actor=actor, ticket_id=ticket_id, staff_id=actor.id, now=now)


def assign(
    session: Session,
    *,
    actor: StaffMember,
    ticket_id: int,
    staff_id: int | None,
    now: datetime | None = None,
) -> TicketRef:
    """Give the ticket to a staff member, or release it (``staff_id`` None)."""
    now = _now(now)
    ticket = lock_open_ticket(session, ticket_id)
    name = "nobody"
    if staff_id is not None:
        staff = session.get(Staff, staff_id)
        if staff is None or not staff.active:
            raise NotFound("That staff member does not exist or is inactive.")
        name = staff.full_name
    ticket.assignee_id = staff_id
    ticket.updated_at = now
    kind = "released" if staff_id is None else "claimed" if staff_id == actor.id else "assigned"
    add_event(session, ticket, actor, kind, f"to {name}", now)
    return ticket_ref(session, ticket)


def add_note(
    session: Session, *, actor: StaffMember, ticket_id: int, body: str, now: datetime | None = None
) -> TicketRef:
    """An internal note: staff only, never sent."""
    now = _now(now)
    body = _text(body, what="note", limit=MAX_BODY, required=True)
    ticket = lock_open_ticket(session, ticket_id)
    session.add(
        TicketMessage(
            ticket_id=ticket.id or 0,
            kind="note",
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
    now = _now(now)
    body = _text(body, what="reply", limit=MAX_BODY, required=True)
    ticket = lock_open_ticket(session, ticket_id)
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
            kind="reply",
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
        add_event(session, ticket, actor, "first_response", "", now)
    if ticket.status == "new":
        ticket.status = "open"
    ticket.updated_at = now
    set_clocks(session, ticket, now)
    return ticket_ref(session, ticket)


def set_pending(
    session: Session, *, actor: StaffMember, ticket_id: int, now: datetime | None = None
) -> TicketRef:
    """Waiting on the guardian: both clocks stop until the ticket is open again."""
    now = _now(now)
    ticket = lock_open_ticket(session, ticket_id)
    if ticket.status in ("pending", "resolved"):
        raise TicketError(f"{ticket_label(ticket.number)} is already {ticket.status}.")
    ticket.status, ticket.pending_since, ticket.due_at, ticket.updated_at = (
        "pending",
        now,
        None,
        now,
    )
    add_event(session, ticket, actor, "pending", "waiting on the guardian; clocks stopped", now)
    return ticket_ref(session, ticket)


def reopen(
    session: Session, *, actor: StaffMember | None, ticket_id: int, now: datetime | None = None
) -> TicketRef:
    """Back to open (the guardian answered, or staff reopened it); the time spent
    pending is added to the clocks."""
    now = _now(now)
    ticket = lock_open_ticket(session, ticket_id)
    calendar = load_calendar(session, now=now)
    if ticket.status == "pending" and ticket.pending_since is not None:
        ticket.paused_seconds += max(calendar.business_seconds(ticket.pending_since, now), 0.0)
    ticket.status, ticket.pending_since, ticket.resolved_at, ticket.updated_at = (
        "open",
        None,
        None,
        now,
    )
    set_clocks(session, ticket, now, calendar)
    add_event(session, ticket, actor, "reopened", "", now)
    return ticket_ref(session, ticket)


def resolve(
    session: Session,
    *,
    actor: StaffMember,
    ticket_id: int,
    note: str = "",
    now: datetime | None = None,
) -> TicketRef:
    now = _now(now)
    ticket = lock_open_ticket(session, ticket_id)
    if note.strip():
        add_note(session, actor=actor, ticket_id=ticket_id, body=note, now=now)
    ticket.status, ticket.resolved_at, ticket.pending_since, ticket.due_at = (
        "resolved",
        now,
        None,
        None,
    )
    ticket.updated_at = now
    add_event(session, ticket, actor, "resolved", note.strip()[:200], now)
    return ticket_ref(session, ticket)


STALE_PENDING_DAYS = 5


def close_stale_pending(
    session: Session, *, days: int = STALE_PENDING_DAYS, now: datetime | None = None
) -> list[str]:
    """Close tickets that have waited on the guardian for ``days`` business days with
    no answer, each with a note saying so; returns their labels."""
    now = _now(now)
    calendar = load_calendar(session, now=now)
    limit = days * calendar.day_seconds
    closed = []
    for ticket in session.exec(select(Ticket).where(col(Ticket.status) == "pending")).all():
        if ticket.pending_since and calendar.business_seconds(ticket.pending_since, now) >= limit:
            session.add(
                TicketMessage(
                    ticket_id=ticket.id or 0,
                    kind="note",
                    author_name="helpdesk",
                    body=f"Closed automatically: no answer from the guardian in {days} business days.",
                    created_at=now,
                )
            )
            ticket.status, ticket.closed_at, ticket.updated_at, ticket.pending_since = (
                "closed",
                now,
                now,
                None,
            )
            add_event(session, ticket, None, "closed", f"no reply in {days} business days", now)
            closed.append(ticket_label(ticket.number))
    return closed

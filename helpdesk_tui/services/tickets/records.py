"""What every ticket service shares: the ticket's label, the read model an action
returns, the timeline entry each change writes, locking a ticket to change it, and who
may see a ticket (every service that reads or changes one checks it first)."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Ticket, TicketEvent
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError, NotFound
from helpdesk_tui.services.kernel.permissions import may_see_guardian
from helpdesk_tui.vocabulary import AuditAction, TicketEventKind, TicketStatus

MAX_SUBJECT = 200
MAX_BODY = 20_000


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
    status: TicketStatus
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
        status=TicketStatus(ticket.status),
        assignee_id=ticket.assignee_id,
        created_at=ticket.created_at,
        first_response_at=ticket.first_response_at,
        first_response_due_at=ticket.first_response_due_at,
        resolution_due_at=ticket.resolution_due_at,
        due_at=ticket.due_at,
        paused_seconds=ticket.paused_seconds,
    )


def add_event(
    session: Session,
    ticket: Ticket,
    actor: StaffMember | None,
    kind: TicketEventKind,
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


def checked_text(value: str, *, what: str, limit: int, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise TicketError(f"Write the {what}.")
    if len(text) > limit:
        raise TicketError(f"The {what} is {len(text):,} characters; keep it under {limit:,}.")
    return text


def lock_ticket(session: Session, ticket_id: int) -> Ticket:
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


def lock_open_ticket(
    session: Session,
    ticket_id: int,
    *,
    actor: StaffMember | None,
    action: AuditAction,
    now: datetime | None = None,
) -> Ticket:
    """The ticket, locked, for a change by ``actor`` (None: the system, e.g. mail in):
    refused (a "denied" audit row) when the actor may not see it, then refused when it
    is closed."""
    ticket = lock_ticket(session, ticket_id)
    if actor is not None:
        require_visible_ticket(session, actor=actor, ticket=ticket, action=action, now=now)
    if ticket.status == TicketStatus.CLOSED:
        raise TicketError(f"{ticket_label(ticket.number)} is closed.")
    return ticket


def may_see_ticket(session: Session, *, actor: StaffMember, ticket: Ticket) -> bool:
    """Agents and supervisors see every ticket. A clerk sees the tickets they would see
    from the family's record: a family with a student at the clerk's school (the rule
    of ``may_see_guardian``; the school stored on the ticket does not widen it). A
    ticket with no family linked (an email from an unknown address, a caller not yet
    found) is district helpdesk work: clerks do not see it."""
    if not actor.is_clerk:
        return True
    return ticket.guardian_id is not None and may_see_guardian(
        session, actor=actor, guardian_id=ticket.guardian_id
    )


def require_visible_ticket(
    session: Session,
    *,
    actor: StaffMember,
    ticket: Ticket,
    action: AuditAction,
    now: datetime | None = None,
) -> None:
    """``may_see_ticket`` for an action: a refusal leaves a "denied" audit row (on the
    ticket's family, so it shows on the family's record and tickets)."""
    if may_see_ticket(session, actor=actor, ticket=ticket):
        return
    label = ticket_label(ticket.number)
    message = (
        f"{label} is for a family with no student at your school; "
        "refer them to the district helpdesk."
        if ticket.guardian_id is not None
        else f"{label} has no family linked, so it is district helpdesk work; "
        "pass it to the district helpdesk."
    )
    raise audit.deny(
        session,
        actor=actor,
        action=action,
        guardian_id=ticket.guardian_id,
        message=message,
        now=now,
    )

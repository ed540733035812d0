"""Correcting a ticket after it was opened: its category and priority (the service
targets follow), and the family it is for (a caller found after the call, an email from
an address not on file). Each change is a line on the ticket's timeline saying what it
was before; linking a family is also in the audit trail, on that family."""

from datetime import datetime

from sqlmodel import Session

from helpdesk_tui.data.tables import Guardian, Ticket
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.kernel.locks import lock_guardians
from helpdesk_tui.services.kernel.permissions import require_visible_guardian
from helpdesk_tui.services.sla import set_clocks
from helpdesk_tui.services.tickets.lifecycle import school_of
from helpdesk_tui.services.tickets.records import (
    TicketError,
    TicketRef,
    add_event,
    lock_open_ticket,
    ticket_label,
    ticket_ref,
)
from helpdesk_tui.vocabulary import AuditAction, Category, Priority, TicketEventKind

_CHANGED = AuditAction.TICKET_CHANGED


def change_ticket(
    session: Session,
    *,
    actor: StaffMember,
    ticket_id: int,
    category: str | None = None,
    priority: str | None = None,
    now: datetime | None = None,
) -> TicketRef:
    """Set the category and/or priority (None: keep). The due times are computed again
    from the new targets, counted from when the ticket came in; a subject the desk wrote
    from the old category ("Phone call: lost key") follows the new one."""
    now = resolve_now(now)
    ticket = lock_open_ticket(session, ticket_id, actor=actor, action=_CHANGED, now=now)
    if category is not None and not Category.has(category):
        raise TicketError("Choose a category from the list.")
    if priority is not None and not Priority.has(priority):
        raise TicketError("Choose a priority from the list.")
    changes = []
    if category is not None and category != ticket.category:
        old = Category(ticket.category)
        for lead in ("Phone call", "Counter visit"):
            if ticket.subject == f"{lead}: {old.label}":
                ticket.subject = f"{lead}: {Category(category).label}"
        changes.append(f"category: {old.label} → {Category(category).label}")
        ticket.category = category
    if priority is not None and priority != ticket.priority:
        changes.append(f"priority: {Priority(ticket.priority).label} → {Priority(priority).label}")
        ticket.priority = priority
    if not changes:
        raise TicketError(f"{ticket_label(ticket.number)} already has that category and priority.")
    set_clocks(session, ticket, now)
    ticket.updated_at = now
    add_event(session, ticket, actor, TicketEventKind.CHANGED, "; ".join(changes), now)
    return ticket_ref(session, ticket)


def link_guardian(
    session: Session,
    *,
    actor: StaffMember,
    ticket_id: int,
    guardian_id: int,
    now: datetime | None = None,
) -> TicketRef:
    """The ticket is for this family: its record, school and portal history show on the
    ticket from now on. Only a family the actor may see, on a ticket they may see; what
    the caller gave (name, phone, email) stays on the ticket."""
    now = resolve_now(now)
    # Both families first, in id order (kernel/locks.py): the ticket leaves one record
    # and joins the other, and each says so in its audit trail.
    seen = session.get(Ticket, ticket_id)
    was = seen.guardian_id if seen is not None else None
    lock_guardians(session, [guardian_id, *([was] if was is not None else [])])
    guardian = session.get(Guardian, guardian_id)
    if guardian is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database.")
    require_visible_guardian(
        session, actor=actor, guardian_id=guardian_id, action=_CHANGED, now=now
    )
    ticket = lock_open_ticket(session, ticket_id, actor=actor, action=_CHANGED, now=now)
    if ticket.guardian_id != was:
        raise TicketError(f"{ticket_label(ticket.number)} changed meanwhile; open it again.")
    if ticket.guardian_id == guardian_id:
        raise TicketError(f"{ticket_label(ticket.number)} is already for this family.")
    name = f"{guardian.first_name} {guardian.last_name}"
    before = _family_name(session, ticket)
    ticket.guardian_id = guardian_id
    ticket.school_id = school_of(session, guardian_id)
    ticket.updated_at = now
    label = ticket_label(ticket.number)
    came_as = "another family" if was is not None else before
    detail = f"to {name}" + (f" (was {before})" if before else "")
    add_event(session, ticket, actor, TicketEventKind.LINKED, detail, now)
    for family, said in (
        # A family's record names no other family; a caller not found, by what they gave.
        (guardian_id, f"{label} linked to this family" + (f", was {came_as}" if came_as else "")),
        (was, f"{label} moved to another family"),  # not whose: not theirs to read
    ):
        if family is not None:
            audit.record(
                session, actor=actor, action=_CHANGED, guardian_id=family, detail=said, now=now
            )
    return ticket_ref(session, ticket)


def _family_name(session: Session, ticket: Ticket) -> str:
    if ticket.guardian_id is not None:
        old = session.get(Guardian, ticket.guardian_id)
        return f"{old.first_name} {old.last_name}" if old else ""
    return ticket.caller_name or ticket.caller_email or ticket.caller_phone or ""

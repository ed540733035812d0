"""A ticket's life: create, claim, assign, release, wait on the guardian, reopen,
resolve (replies and notes: conversation.py; reminders and closing what waited too long
on the guardian: reminders.py).

Every change writes a timeline event in the same transaction. Due times are kept on
the ticket (``due_at`` is the clock now running) so queue views are index scans; they
are recomputed when a ticket leaves "pending", with the paused business time added.
"""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select, update

from helpdesk_tui.data.tables import (
    Guardian,
    GuardianStudent,
    Staff,
    Student,
    Ticket,
    TicketAttachment,
    TicketMessage,
)
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.kernel.permissions import require_visible_guardian
from helpdesk_tui.services.sla import BusinessCalendar, load_calendar, set_clocks
from helpdesk_tui.services.tickets.conversation import add_note
from helpdesk_tui.services.tickets.records import (
    MAX_BODY,
    MAX_SUBJECT,
    TicketError,
    TicketRef,
    add_event,
    checked_text,
    lock_open_ticket,
    lock_ticket,
    may_see_ticket,
    require_visible_ticket,
    ticket_label,
    ticket_ref,
)
from helpdesk_tui.vocabulary import (
    AuditAction,
    Category,
    Channel,
    MessageKind,
    Priority,
    TicketEventKind,
    TicketStatus,
)

FIRST_NUMBER = 1001
_STATUS = AuditAction.TICKET_STATUS_CHANGED
_PG_NUMBER_LOCK = 7_200_302


def _next_number(session: Session) -> int:
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_NUMBER_LOCK})")
    highest = session.exec(select(func.max(Ticket.number))).one()
    return (highest or FIRST_NUMBER - 1) + 1


def school_of(session: Session, guardian_id: int) -> int | None:
    return session.exec(
        select(Student.school_id)
        .join(GuardianStudent, col(GuardianStudent.student_id) == col(Student.id))
        .where(col(GuardianStudent.guardian_id) == guardian_id)
        .order_by(col(Student.grade).desc())
        .limit(1)
    ).first()


NO_FAMILY_FOR_CLERKS = (
    "A ticket with no family linked is district helpdesk work. Find the family in the "
    "lookup and open the ticket from their record, or refer the caller to the district "
    "helpdesk."
)


def _require_may_open(
    session: Session, *, actor: StaffMember, guardian_id: int | None, now: datetime
) -> None:
    action = AuditAction.TICKET_CREATED
    if guardian_id is not None:
        require_visible_guardian(
            session, actor=actor, guardian_id=guardian_id, action=action, now=now
        )
    elif actor.is_clerk:
        raise audit.deny(
            session,
            actor=actor,
            action=action,
            guardian_id=None,
            message=NO_FAMILY_FOR_CLERKS,
            now=now,
        )


def create_ticket(
    session: Session,
    *,
    actor: StaffMember | None,
    channel: Channel,
    category: Category,
    subject: str,
    body: str = "",
    guardian_id: int | None = None,
    caller_name: str | None = None,
    caller_phone: str | None = None,
    caller_email: str | None = None,
    priority: Priority = Priority.NORMAL,
    now: datetime | None = None,
) -> TicketRef:
    """A new ticket, its first message (what the guardian asked) and its clocks.
    ``actor`` None is the system (mail in). A clerk opens tickets only for a family with
    a student at their school (the ticket shows the family's record and portal events);
    a ticket with no family linked is district helpdesk work, which clerks do not see,
    so a clerk cannot open one either. A refusal leaves a "denied" audit row."""
    now = resolve_now(now)
    if guardian_id is not None and session.get(Guardian, guardian_id) is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database.")
    if actor is not None:
        _require_may_open(session, actor=actor, guardian_id=guardian_id, now=now)
    if not (Channel.has(channel) and Category.has(category) and Priority.has(priority)):
        raise TicketError("Choose a channel, a category and a priority from the lists.")
    subject = checked_text(subject, what="subject", limit=MAX_SUBJECT, required=True)
    body = checked_text(body, what="message", limit=MAX_BODY, required=False)
    if guardian_id is None and not (caller_name or caller_phone or caller_email):
        raise TicketError("Link a guardian, or note the caller's name, phone or email.")
    ticket = Ticket(
        number=_next_number(session),
        channel=channel,
        category=category,
        priority=priority,
        status=TicketStatus.NEW,
        subject=subject,
        guardian_id=guardian_id,
        caller_name=caller_name,
        caller_phone=caller_phone,
        caller_email=caller_email,
        school_id=school_of(session, guardian_id) if guardian_id else None,
        created_by_id=actor.id if actor else None,
        created_at=now,
        updated_at=now,
    )
    set_clocks(session, ticket, now)
    session.add(ticket)
    session.flush()
    if body:
        guardian = session.get(Guardian, guardian_id) if guardian_id else None
        session.add(
            TicketMessage(
                ticket_id=ticket.id or 0,
                kind=MessageKind.INCOMING,
                # a name, not "guardian": the line reads "From the guardian · <name>"
                author_name=caller_name
                or (f"{guardian.first_name} {guardian.last_name}" if guardian else "caller"),
                body=body,
                created_at=now,
            )
        )
    what = f"{Channel(channel).label}, {Category(category).label}"
    add_event(session, ticket, actor, TicketEventKind.CREATED, what, now)
    return ticket_ref(session, ticket)


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
    """Give the ticket to a staff member, or release it (``staff_id`` None). Only to
    someone who may see it: a clerk of another school could not open it."""
    now = resolve_now(now)
    ticket = lock_open_ticket(
        session, ticket_id, actor=actor, action=AuditAction.TICKET_ASSIGNED, now=now
    )
    name = "nobody"
    if staff_id is not None:
        staff = session.get(Staff, staff_id)
        if staff is None or not staff.active:
            raise NotFound("That staff member does not exist or is inactive.")
        name = staff.full_name
        member = StaffMember.of(staff, None)
        if not may_see_ticket(session, actor=member, ticket=ticket):
            raise TicketError(
                f"{name} is a school clerk who cannot see {ticket_label(ticket.number)} "
                "(not a family of their school); assign it to someone at the district "
                "helpdesk or to a clerk of the family's school."
            )
    ticket.assignee_id = staff_id
    ticket.updated_at = now
    kind = (
        TicketEventKind.RELEASED
        if staff_id is None
        else TicketEventKind.CLAIMED
        if staff_id == actor.id
        else TicketEventKind.ASSIGNED
    )
    add_event(session, ticket, actor, kind, f"to {name}", now)
    return ticket_ref(session, ticket)


def set_pending(
    session: Session, *, actor: StaffMember, ticket_id: int, now: datetime | None = None
) -> TicketRef:
    """Waiting on the guardian: both clocks stop until the ticket is open again."""
    now = resolve_now(now)
    ticket = lock_open_ticket(session, ticket_id, actor=actor, action=_STATUS, now=now)
    if ticket.status in (TicketStatus.PENDING, TicketStatus.RESOLVED):
        raise TicketError(f"{ticket_label(ticket.number)} is already {ticket.status}.")
    ticket.status, ticket.pending_since, ticket.due_at, ticket.updated_at = (
        TicketStatus.PENDING,
        now,
        None,
        now,
    )
    add_event(
        session,
        ticket,
        actor,
        TicketEventKind.PENDING,
        "waiting on the guardian; clocks stopped",
        now,
    )
    return ticket_ref(session, ticket)


def end_pending_spell(ticket: Ticket, calendar: BusinessCalendar, now: datetime) -> None:
    """A pending ticket leaving pending (answered, resolved, closed by itself): the
    business time it waited on the guardian is added to its paused time, so neither
    clock counts it. The caller sets the new status and then the clocks."""
    if ticket.status == TicketStatus.PENDING and ticket.pending_since is not None:
        ticket.paused_seconds += max(calendar.business_seconds(ticket.pending_since, now), 0.0)
    ticket.pending_since = None


def reopen(
    session: Session, *, actor: StaffMember | None, ticket_id: int, now: datetime | None = None
) -> TicketRef:
    """Back to open (the guardian answered, or staff reopened it); the time spent
    pending is added to the clocks. ``actor`` None is the system (the guardian's
    email came in)."""
    now = resolve_now(now)
    ticket = lock_open_ticket(session, ticket_id, actor=actor, action=_STATUS, now=now)
    calendar = load_calendar(session, now=now)
    end_pending_spell(ticket, calendar, now)
    ticket.status, ticket.resolved_at, ticket.updated_at = TicketStatus.OPEN, None, now
    set_clocks(session, ticket, now, calendar)
    add_event(session, ticket, actor, TicketEventKind.REOPENED, "", now)
    return ticket_ref(session, ticket)


def resolve(
    session: Session,
    *,
    actor: StaffMember,
    ticket_id: int,
    note: str = "",
    now: datetime | None = None,
) -> TicketRef:
    now = resolve_now(now)
    ticket = lock_open_ticket(session, ticket_id, actor=actor, action=_STATUS, now=now)
    if note.strip():
        add_note(session, actor=actor, ticket_id=ticket_id, body=note, now=now)
    calendar = load_calendar(session, now=now)
    end_pending_spell(ticket, calendar, now)
    ticket.status, ticket.resolved_at, ticket.updated_at = TicketStatus.RESOLVED, now, now
    set_clocks(session, ticket, now, calendar)  # the paused time moves the due times
    add_event(session, ticket, actor, TicketEventKind.RESOLVED, note.strip()[:200], now)
    return ticket_ref(session, ticket)


def merge_tickets(
    session: Session,
    *,
    actor: StaffMember,
    duplicate_id: int,
    into_id: int,
    now: datetime | None = None,
) -> TicketRef:
    """Move the duplicate's conversation into the other ticket and close it with a link.
    The actor must be able to see both tickets."""
    now = resolve_now(now)
    if duplicate_id == into_id:
        raise TicketError("A ticket cannot be merged into itself.")
    # Lock both in id order so two desks merging the same pair cannot deadlock; check
    # both before either's state is looked at.
    first, second = sorted((duplicate_id, into_id))
    locked = {first: lock_ticket(session, first), second: lock_ticket(session, second)}
    for ticket_id in (duplicate_id, into_id):
        require_visible_ticket(
            session,
            actor=actor,
            ticket=locked[ticket_id],
            action=AuditAction.TICKET_MERGED,
            now=now,
        )
    for ticket in locked.values():
        if ticket.status == TicketStatus.CLOSED:
            raise TicketError(f"{ticket_label(ticket.number)} is closed.")
    duplicate, target = locked[duplicate_id], locked[into_id]
    session.exec(
        update(TicketMessage)
        .where(col(TicketMessage.ticket_id) == duplicate_id)
        .values(ticket_id=into_id)
    )
    session.exec(  # the files of those emails go with them
        update(TicketAttachment)
        .where(col(TicketAttachment.ticket_id) == duplicate_id)
        .values(ticket_id=into_id)
    )
    duplicate.status, duplicate.merged_into_id, duplicate.due_at = (
        TicketStatus.CLOSED,
        into_id,
        None,
    )
    duplicate.closed_at = duplicate.updated_at = now
    target.updated_at = now
    target.reply_count += duplicate.reply_count
    add_event(
        session,
        duplicate,
        actor,
        TicketEventKind.MERGED,
        f"into {ticket_label(target.number)}",
        now,
    )
    add_event(
        session,
        target,
        actor,
        TicketEventKind.MERGED,
        f"{ticket_label(duplicate.number)} merged in",
        now,
    )
    return ticket_ref(session, target)

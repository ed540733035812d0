"""A ticket for the call or counter visit in progress, started from the guardian's
record (T): a clerk's guardian is at the counter, everyone else's on the phone. It is
the staff member's own work from the start (assigned to them, the call itself its first
response, so it never waits in Unassigned for someone else to claim while its clock
runs), and pressing T again during the same call comes back to it instead of opening a
second one. The category is guessed from the guardian's portal state."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk_tui.data.normalize import clean_text
from helpdesk_tui.data.tables import ActivationKey, Guardian, PortalAccount, Ticket
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.kernel.permissions import require_visible_guardian
from helpdesk_tui.services.sla import set_clocks
from helpdesk_tui.services.tickets.detail import closing_words, family_actions
from helpdesk_tui.services.tickets.lifecycle import create_ticket, resolve
from helpdesk_tui.services.tickets.records import (
    TicketError,
    TicketRef,
    add_event,
    checked_text,
    ticket_ref,
)
from helpdesk_tui.vocabulary import (
    RUNNING,
    AccountStatus,
    AuditAction,
    Category,
    Channel,
    KeyStatus,
    TicketEventKind,
    TicketStatus,
)

CALL_LENGTH = timedelta(hours=2)  # T or S within this of the call's ticket: the same call


@dataclass(frozen=True, slots=True)
class CallTicket:
    """The call's ticket; ``reused`` when it was already open for this call."""

    ticket: TicketRef
    reused: bool = False


def open_call_ticket(
    session: Session, *, actor: StaffMember, guardian_id: int, now: datetime | None = None
) -> CallTicket:
    """Only for a family the actor may see (a clerk: a student at their school); a
    refusal leaves a "denied" audit row before anything of the family is read. The
    actor's own open phone (or counter) ticket for this guardian is returned as it is."""
    now = resolve_now(now)
    lock_guardian(session, guardian_id)  # two presses of T at once still make one ticket
    if session.get(Guardian, guardian_id) is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database.")
    require_visible_guardian(
        session, actor=actor, guardian_id=guardian_id, action=AuditAction.TICKET_CREATED, now=now
    )
    channel, what = _channel_for(actor)
    current = _current_call(session, actor, guardian_id, channel, now)
    if current is not None:
        return CallTicket(ticket_ref(session, current), reused=True)
    category = _likely_category(session, guardian_id)
    ref = create_ticket(
        session,
        actor=actor,
        channel=channel,
        category=category,
        subject=f"{what}: {category.label}",
        guardian_id=guardian_id,
        now=now,
    )
    return CallTicket(_taken(session, actor, ref, what.lower(), now))


def _current_call(
    session: Session, actor: StaffMember, guardian_id: int, channel: Channel, now: datetime
) -> Ticket | None:
    """The actor's open ticket for this call: theirs, for this guardian, still running,
    and started within the call's time (a ticket left open last week is not this call)."""
    return session.exec(
        select(Ticket)
        .where(
            col(Ticket.guardian_id) == guardian_id,
            col(Ticket.created_by_id) == actor.id,
            col(Ticket.channel) == channel,
            col(Ticket.status).in_(RUNNING),
            col(Ticket.created_at) >= now - CALL_LENGTH,
        )
        .order_by(col(Ticket.id).desc())
        .limit(1)
    ).first()


def _channel_for(actor: StaffMember) -> tuple[Channel, str]:
    return (Channel.WALK_IN, "Counter visit") if actor.is_clerk else (Channel.PHONE, "Phone call")


def call_note(
    session: Session, *, actor: StaffMember, guardian_id: int, now: datetime | None = None
) -> str:
    """The closing note this call would be resolved with (S on the guardian screen),
    written from what its ticket's timeline shows, or, before there is a ticket, from
    what the actor did for the guardian in the last hour. Reads only: nothing is
    opened until the note is confirmed (``resolve_call``)."""
    now = resolve_now(now)
    require_visible_guardian(
        session, actor=actor, guardian_id=guardian_id, action=AuditAction.TICKET_VIEWED, now=now
    )
    channel, _ = _channel_for(actor)
    ticket = _current_call(session, actor, guardian_id, channel, now) or Ticket(
        number=0,
        channel=channel,
        category=_likely_category(session, guardian_id),
        subject="",
        guardian_id=guardian_id,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    events = family_actions(session, ticket, get_district(session).zone)
    return closing_words(Channel(ticket.channel), Category(ticket.category), events)


def resolve_call(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    note: str,
    now: datetime | None = None,
) -> TicketRef:
    """The call is done: its ticket (T's, or a new one, the actor's own and answered)
    is resolved with ``note``, in one transaction."""
    call = open_call_ticket(session, actor=actor, guardian_id=guardian_id, now=now)
    return resolve(session, actor=actor, ticket_id=call.ticket.id, note=note, now=now)


def open_caller_ticket(
    session: Session,
    *,
    actor: StaffMember,
    caller: str,
    phone: str = "",
    now: datetime | None = None,
) -> TicketRef:
    """A phone ticket for a caller the lookup did not find (yet): what they gave, the
    agent's own and answered like any call; link the family with L once found. District
    helpdesk work: a clerk is refused (they open tickets from a family's record)."""
    now = resolve_now(now)
    name = checked_text(clean_text(caller), what="caller's name", limit=120, required=False)
    number = checked_text(clean_text(phone), what="phone number", limit=40, required=False)
    if not (name or number):
        raise TicketError("Write the caller's name or phone number.")
    ref = create_ticket(
        session,
        actor=actor,
        channel=Channel.PHONE,
        category=Category.OTHER,
        subject=f"Phone call: {name or number}, not found in the lookup",
        caller_name=name or None,
        caller_phone=number or None,
        now=now,
    )
    return _taken(session, actor, ref, "phone call", now)


def _taken(
    session: Session, actor: StaffMember, ref: TicketRef, what: str, now: datetime
) -> TicketRef:
    """Taken by whoever answered, and answered: the call is the first response."""
    ticket = session.get(Ticket, ref.id)
    assert ticket is not None
    ticket.assignee_id, ticket.status = actor.id, TicketStatus.OPEN
    ticket.first_response_at = now
    add_event(session, ticket, actor, TicketEventKind.CLAIMED, "took the call", now)
    add_event(session, ticket, actor, TicketEventKind.FIRST_RESPONSE, what, now)
    set_clocks(session, ticket, now)
    return ticket_ref(session, ticket)


def _likely_category(session: Session, guardian_id: int) -> Category:
    account = session.exec(
        select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian_id)
    ).first()
    if account is not None:
        disabled = account.status == AccountStatus.DISABLED
        return Category.ACCOUNT_DISABLED if disabled else Category.FORGOT_LOGIN
    key_outstanding = session.exec(
        select(ActivationKey.id).where(
            col(ActivationKey.guardian_id) == guardian_id,
            col(ActivationKey.status) == KeyStatus.ACTIVE,
        )
    ).first()
    return Category.LOST_KEY if key_outstanding else Category.KEY_REQUEST


def calls_today(session: Session, *, actor: StaffMember, now: datetime | None = None) -> int:
    """How many calls (a clerk: counter visits) the actor took a ticket for today,
    district time: the header's "4 calls today"."""
    now = resolve_now(now)
    zone = get_district(session).zone
    midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    return session.exec(
        select(func.count())
        .select_from(Ticket)
        .where(
            col(Ticket.created_by_id) == actor.id,
            col(Ticket.channel).in_((Channel.PHONE, Channel.WALK_IN)),
            col(Ticket.created_at) >= midnight,
        )
    ).one()


_TRAILING_PHONE = re.compile(r"[\s,;]*(\+?[\d()][\d\s().\-]{5,}\d)\s*$")


def caller_and_phone(said: str) -> tuple[str, str]:
    """A caller's details typed on one line, "Ana Núñez 630 555 0142": the name, and
    the number at the end if there is one (seven digits or more)."""
    found = _TRAILING_PHONE.search(said)
    if found and sum(ch.isdigit() for ch in found.group(1)) >= 7:
        return said[: found.start()].strip(), found.group(1).strip()
    return said.strip(), ""

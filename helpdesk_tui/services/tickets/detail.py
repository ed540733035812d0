"""One ticket as staff read it (conversation, timeline, running clock), and the canned
replies for it in a language."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import (
    AuditEvent,
    Guardian,
    School,
    Staff,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.sla import load_calendar
from helpdesk_tui.services.texts import CLAIMS, fill, language_of, replies_for
from helpdesk_tui.services.tickets.attachments import attachment_counts
from helpdesk_tui.services.tickets.records import require_visible_ticket, ticket_label
from helpdesk_tui.vocabulary import (
    RECOVERY_ACTIONS,
    AuditAction,
    AuditOutcome,
    Category,
    Channel,
    MessageKind,
    Priority,
    TicketEventKind,
    TicketStatus,
)

CALL_LEAD_IN = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class MessageView:
    kind: MessageKind
    author: str
    body: str
    at: datetime
    attachments: int = 0  # files kept from the email (the attachments dialog lists them)


@dataclass(frozen=True, slots=True)
class EventView:
    """One line of the timeline: a change to the ticket, or an action on its guardian
    from the audit trail (``outcome``: what came of it, "" for a change to the ticket)."""

    at: datetime
    staff: str
    kind: str  # a TicketEventKind or an AuditAction
    what: str  # its label
    detail: str
    outcome: str = ""
    # False for someone else's action in the hour before a desk opened the ticket: it
    # shows on the timeline (what state the family was in) but was not this call's work.
    this_call: bool = True

    @property
    def refused(self) -> bool:
        return self.outcome == AuditOutcome.DENIED

    @property
    def done_for_the_family(self) -> bool:
        """Part of this call's work and came to something: a verification that passed
        (not one abandoned or ended), an action that was carried out."""
        if not self.this_call or self.came_to_nothing:
            return False
        return self.kind != AuditAction.VERIFICATION or self.outcome == AuditOutcome.PASSED

    @property
    def came_to_nothing(self) -> bool:
        """Refused, failed or blocked: nothing was done for the family."""
        return self.outcome in (AuditOutcome.DENIED, AuditOutcome.FAILED, AuditOutcome.BLOCKED)


@dataclass(frozen=True, slots=True)
class TicketDetail:
    id: int
    label: str
    subject: str
    status: TicketStatus
    priority: Priority
    category: Category
    channel: Channel
    guardian_id: int | None
    who: str
    language: str
    school: str
    assignee: str
    assignee_id: int | None
    created_at: datetime
    clock: str  # "first response" or "resolution"
    due_at: datetime | None
    seconds_left: float | None
    reply_count: int
    merged_into: str | None
    messages: tuple[MessageView, ...]
    events: tuple[EventView, ...]


def get_ticket_detail(session: Session, *, actor: StaffMember, ticket_id: int) -> TicketDetail:
    """The ticket as staff read it: its conversation, and a timeline that includes what
    was done on the family's record (portal events too), so a clerk is refused before
    anything is read for a ticket they may not see. The refusal's "denied" audit row is
    written in this transaction, which must commit it (ActionDenied is CommitThenRaise)."""
    t = session.get(Ticket, ticket_id)
    if t is None:
        raise NotFound(f"Ticket #{ticket_id} does not exist.")
    require_visible_ticket(session, actor=actor, ticket=t, action=AuditAction.TICKET_VIEWED)
    district = get_district(session)
    zone = district.zone
    guardian = session.get(Guardian, t.guardian_id) if t.guardian_id else None
    school = session.get(School, t.school_id) if t.school_id else None
    assignee = session.get(Staff, t.assignee_id) if t.assignee_id else None
    merged = session.get(Ticket, t.merged_into_id) if t.merged_into_id else None
    files = attachment_counts(session, ticket_id=ticket_id)
    messages = session.exec(
        select(TicketMessage)
        .where(col(TicketMessage.ticket_id) == ticket_id)
        .order_by(col(TicketMessage.created_at), col(TicketMessage.id))
    ).all()
    events = session.exec(
        select(TicketEvent, Staff.full_name)
        .join(Staff, col(Staff.id) == col(TicketEvent.staff_id), isouter=True)
        .where(col(TicketEvent.ticket_id) == ticket_id)
        .order_by(col(TicketEvent.at), col(TicketEvent.id))
    ).all()
    timeline = family_actions(session, t, zone)
    timeline += [
        EventView(
            e.at.astimezone(zone),
            name or "system",
            e.kind,
            TicketEventKind.label_of(e.kind),
            e.detail,
        )
        for e, name in events
    ]
    timeline.sort(key=lambda e: e.at)
    now = datetime.now(UTC)
    left = load_calendar(session, now=now).business_seconds(now, t.due_at) if t.due_at else None
    who = (
        f"{guardian.first_name} {guardian.last_name}"
        if guardian
        else " · ".join(p for p in (t.caller_name, t.caller_phone, t.caller_email) if p)
        or "unknown caller"
    )
    return TicketDetail(
        id=t.id or 0,
        label=ticket_label(t.number),
        subject=t.subject,
        status=TicketStatus(t.status),
        priority=Priority(t.priority),
        category=Category(t.category),
        channel=Channel(t.channel),
        guardian_id=t.guardian_id,
        who=who,
        language=language_of(guardian.preferred_language) if guardian else "en",
        school=school.name if school else "",
        assignee=assignee.full_name if assignee else "",
        assignee_id=t.assignee_id,
        created_at=t.created_at.astimezone(zone),
        clock="first response" if t.first_response_at is None else "resolution",
        due_at=t.due_at.astimezone(zone) if t.due_at else None,
        seconds_left=left,
        reply_count=t.reply_count,
        merged_into=ticket_label(merged.number) if merged else None,
        messages=tuple(
            MessageView(
                MessageKind(m.kind),
                m.author_name,
                m.body,
                m.created_at.astimezone(zone),
                attachments=files.get(m.id or 0, 0),
            )
            for m in messages
        ),
        events=tuple(timeline),
    )


# What was done for the guardian that a closing note names.
CLOSING_ACTIONS = (AuditAction.VERIFICATION, *RECOVERY_ACTIONS)


def closing_note(d: TicketDetail) -> str:
    """The closing note a ticket suggests: how it came, what it was about and what was
    done for the family during it, in words ("Resolved (phone, lost key): caller
    verified, key reissued."). A verification that did not pass is not "done"."""
    return closing_words(d.channel, d.category, d.events)


def closing_words(channel: Channel, category: Category, events: Sequence[EventView]) -> str:
    done = [
        "caller verified" if e.kind == AuditAction.VERIFICATION else e.what
        for e in events
        if e.kind in CLOSING_ACTIONS and e.done_for_the_family
    ]
    what = ", ".join(dict.fromkeys(done)) or "question answered"
    return f"Resolved ({channel.label}, {category.label}): {what}."


def family_actions(session: Session, t: Ticket, zone: tzinfo) -> list[EventView]:
    """What was done on the guardian while the ticket was open, by anyone (a supervisor
    clearing a block, the parent on the portal): verification, keys, unlocks...
    straight from the audit trail, so nothing has to be logged twice. Staff often verify
    and act first and open the ticket after: the hour before a ticket opened at a desk
    counts as part of it."""
    if t.guardian_id is None:
        return []
    until = t.closed_at or t.resolved_at or datetime.now(UTC)
    since = t.created_at - CALL_LEAD_IN if t.created_by_id else t.created_at
    actions = session.exec(
        select(AuditEvent, Staff.full_name)
        .join(Staff, col(Staff.id) == col(AuditEvent.staff_id), isouter=True)
        .where(
            col(AuditEvent.guardian_id) == t.guardian_id,
            col(AuditEvent.at) >= since,
            col(AuditEvent.at) <= until,
        )
    ).all()
    return [
        EventView(
            e.at.astimezone(zone),
            n or e.staff_username,
            e.action,
            AuditAction.label_of(e.action),
            " · ".join(p for p in (e.detail, e.verification, e.reason) if p),
            outcome=e.outcome,
            this_call=e.at >= t.created_at or e.staff_id == t.created_by_id,
        )
        for e, n in actions
    ]


@dataclass(frozen=True, slots=True)
class CannedText:
    key: str
    title: str
    body: str
    # What the answer tells the family was done ("key reissued"), and whether the
    # ticket's timeline shows it: a reply claiming what was not done warns first.
    claims: str = ""
    done: bool = True


def canned_for(
    session: Session, *, actor: StaffMember, ticket_id: int, lang: str
) -> list[CannedText]:
    """The ticket's canned replies in ``lang``, variables filled in (the family's name),
    ready to preview; only for a ticket the actor may see. The answers for what the
    timeline shows was done come first, then the category's, then the general ones."""
    t = session.get(Ticket, ticket_id)
    if t is None:
        raise NotFound(f"Ticket #{ticket_id} does not exist.")
    require_visible_ticket(session, actor=actor, ticket=t, action=AuditAction.TICKET_VIEWED)
    guardian = session.get(Guardian, t.guardian_id) if t.guardian_id else None
    name = f"{guardian.first_name} {guardian.last_name}" if guardian else (t.caller_name or "")
    district = get_district(session)
    done = frozenset(
        e.kind for e in family_actions(session, t, district.zone) if e.done_for_the_family
    )
    replies = []
    for c in replies_for(t.category, lang, done):
        claimed = CLAIMS.get(c.key, ())
        body = fill(
            c,
            lang=lang,
            guardian=name or ("familia" if lang == "es" else "parent"),
            ticket=ticket_label(t.number),
            district=district,
        )
        claims = " or ".join(a.label for a in claimed)
        replies.append(
            CannedText(c.key, c.title, body, claims, not claimed or bool(done & set(claimed)))
        )
    return replies

"""The queues staff work from: views with counts, one page at a time.

Each view is an index range read in due-time order that stops after a page, so
opening a queue costs the same with 1,000 or 100,000 tickets. Names, schools and
assignees are joined for the page's rows only.

Agents and supervisors see every ticket. A clerk's queue lists exactly the tickets the
clerk may open (``may_see_ticket``): those of families with a student at the clerk's
school now, whatever school the ticket was filed under (a family with children at two
schools is the clerk's too; a family that has left is not). A ticket with no family
linked (an email from an unknown address) is district helpdesk work and is not in a
clerk's queue. The school filter narrows by the school stored on the ticket.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from helpdesk_tui.data.tables import (
    Guardian,
    GuardianStudent,
    School,
    Staff,
    Student,
    Ticket,
    core_table,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.sla import load_calendar
from helpdesk_tui.vocabulary import UNFINISHED, Category, Channel, Priority, QueueView, TicketStatus

PAGE = 50
DUE_SOON = timedelta(hours=2)  # business time

_t = core_table(Ticket)
_links = core_table(GuardianStudent)
_students = core_table(Student)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    view: QueueView = QueueView.UNASSIGNED
    school_id: int | None = None
    category: Category | None = None
    sort: str = "due"  # "due" (most urgent first) or "newest"


@dataclass(frozen=True, slots=True)
class QueueRow:
    id: int
    number: int
    subject: str
    status: TicketStatus
    priority: Priority
    category: Category
    channel: Channel
    who: str
    school: str
    assignee: str
    due_at: datetime | None
    first_response_at: datetime | None
    pending_since: datetime | None
    created_at: datetime
    seconds_left: float | None = None  # business time to due; negative when overdue


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: tuple[QueueRow, ...]
    offset: int
    more: bool
    counts: dict[QueueView, int]
    busy_period: str | None
    now: datetime


def _views(
    actor: StaffMember, now: datetime, soon: datetime
) -> dict[str, list[ColumnElement[bool]]]:
    running = _t.c.due_at.is_not(None)
    return {
        QueueView.UNASSIGNED: [running, _t.c.assignee_id.is_(None)],
        QueueView.MINE: [running, _t.c.assignee_id == actor.id],
        QueueView.DUE_SOON: [_t.c.due_at >= now, _t.c.due_at <= soon],
        QueueView.OVERDUE: [_t.c.due_at < now],
        QueueView.PENDING: [_t.c.status == TicketStatus.PENDING],
        QueueView.OPEN: [_t.c.status.in_(UNFINISHED)],
    }


def _narrowing(f: QueueFilter, actor: StaffMember) -> list[ColumnElement[bool]]:
    """The filters, and for a clerk the families of their school."""
    extra: list[ColumnElement[bool]] = []
    if f.school_id is not None:
        extra.append(_t.c.school_id == f.school_id)
    if f.category is not None:
        extra.append(_t.c.category == f.category)
    if actor.is_clerk:
        extra.append(_t.c.guardian_id.in_(_families_at(actor.school_id)))
    return extra


def _conditions(
    f: QueueFilter, actor: StaffMember, now: datetime, soon: datetime
) -> list[ColumnElement[bool]]:
    view = _views(actor, now, soon).get(f.view)
    if view is None:
        raise DomainError(f"Unknown queue view {f.view!r}; choose one of {', '.join(QueueView)}.")
    return view + _narrowing(f, actor)


def _counts(
    conn: Connection, f: QueueFilter, actor: StaffMember, now: datetime, soon: datetime
) -> dict[QueueView, int]:
    """Tickets per view. District-wide: one index range count per view. A clerk's: one
    pass over their families' unfinished tickets, counting every view at once (per
    view, each count would scan that view's tickets of the whole district)."""
    if not actor.is_clerk:
        return {
            view: conn.execute(
                select(func.count())
                .select_from(_t)
                .where(and_(*_conditions(replace(f, view=view), actor, now, soon)))
            ).scalar_one()
            for view in QueueView
        }
    views = _views(actor, now, soon)
    sums = [func.coalesce(func.sum(case((and_(*views[v]), 1), else_=0)), 0) for v in QueueView]
    in_any = or_(_t.c.due_at.is_not(None), _t.c.status.in_(UNFINISHED))
    row = conn.execute(select(*sums).where(in_any, *_narrowing(f, actor))).one()
    return dict(zip(QueueView, (int(n) for n in row), strict=True))


def _families_at(school_id: int | None) -> Select[tuple[int]]:
    """The guardians with a student at the school: whose tickets its clerk works."""
    return (
        select(_links.c.guardian_id)
        .join(_students, _students.c.id == _links.c.student_id)
        .where(_students.c.school_id == school_id)
    )


def _order(view: QueueView, sort: str) -> list[ColumnElement[Any]]:
    if sort == "newest":
        return [_t.c.id.desc()]
    if view == QueueView.PENDING:
        return [_t.c.pending_since, _t.c.id]
    if view == QueueView.OPEN:
        return [_t.c.id.desc()]
    return [_t.c.due_at, _t.c.id]


def queue_page(
    session: Session,
    *,
    actor: StaffMember,
    queue_filter: QueueFilter,
    offset: int = 0,
    limit: int = PAGE,
    now: datetime | None = None,
    with_counts: bool = True,
) -> QueuePage:
    """One page of a view, and how many tickets each view holds. A clerk's views hold
    only the tickets of families with a student at the clerk's school (never a ticket
    with no family linked): the tickets ``get_ticket_detail`` lets them open."""
    now = now or datetime.now(UTC)
    calendar = load_calendar(session, now=now)
    soon = calendar.add(now, DUE_SOON.total_seconds())
    conn = session.connection()
    where = _conditions(queue_filter, actor, now, soon)
    ids = [
        r[0]
        for r in conn.execute(
            select(_t.c.id)
            .where(and_(*where))
            .order_by(*_order(queue_filter.view, queue_filter.sort))
            .offset(offset)
            .limit(limit + 1)
        )
    ]
    more = len(ids) > limit
    ids = ids[:limit]
    rows = [
        replace(r, seconds_left=calendar.business_seconds(now, r.due_at)) if r.due_at else r
        for r in _hydrate(conn, ids)
    ]
    counts = _counts(conn, queue_filter, actor, now, soon) if with_counts else {}
    busy = calendar.busy_period_on(now)
    return QueuePage(tuple(rows), offset, more, counts, busy.name if busy else None, now)


def _hydrate(conn: Connection, ids: list[int]) -> list[QueueRow]:
    if not ids:
        return []
    g = core_table(Guardian)
    sc = core_table(School)
    st = aliased(core_table(Staff))
    result = conn.execute(
        select(
            _t,
            g.c.first_name,
            g.c.last_name,
            sc.c.name.label("school_name"),
            st.c.full_name.label("assignee_name"),
        )
        .select_from(
            _t.outerjoin(g, g.c.id == _t.c.guardian_id)
            .outerjoin(sc, sc.c.id == _t.c.school_id)
            .outerjoin(st, st.c.id == _t.c.assignee_id)
        )
        .where(_t.c.id.in_(ids))
    )
    by_id = {}
    for r in result:
        who = (
            f"{r.first_name} {r.last_name}"
            if r.first_name
            else (r.caller_name or r.caller_phone or r.caller_email or "unknown caller")
        )
        by_id[r.id] = QueueRow(
            id=r.id,
            number=r.number,
            subject=r.subject,
            status=TicketStatus(r.status),
            priority=Priority(r.priority),
            category=Category(r.category),
            channel=Channel(r.channel),
            who=who,
            school=r.school_name or "",
            assignee=r.assignee_name or "",
            due_at=r.due_at,
            first_response_at=r.first_response_at,
            pending_since=r.pending_since,
            created_at=r.created_at,
        )
    return [by_id[i] for i in ids]

"""The statements behind the service-level figures. Each reads one range of one partial
index over the live tickets (data/tables/tickets.py) and returns a few rows: counts per
business day (``service_level_days``), per channel and category, per assignee; never a
row per ticket. A merged duplicate is left out of everything (its conversation counts
on the ticket it was merged into).

A clock's outcome, for a ticket whose due time falls in the range: met when it stopped
by its due time; breached when it stopped later, or has not stopped and the due time
passed while it ran (before now, or before the ticket went pending on the guardian:
the wait does not count); otherwise not yet due. The first-response clock stops at the
first reply, or when the ticket is resolved or closed without one; the resolution clock
when the ticket is resolved. A ticket closed without being resolved (it waited on the
guardian too long) has no resolution figure.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, literal, or_, select

from helpdesk_tui.data.tables import Staff, Ticket, core_table
from helpdesk_tui.services.reports.service_level_days import (
    LIVE,
    Days,
    per_day,
    per_day_and_assignee,
    sum_by,
)
from helpdesk_tui.vocabulary import UNFINISHED, Category, Channel, TicketStatus

_t = core_table(Ticket)
_staff = core_table(Staff)
CALLS = (Channel.PHONE, Channel.WALK_IN)
CHANNELS, CATEGORIES = tuple(Channel), tuple(Category)


def _count(condition: ColumnElement[bool] | None = None) -> ColumnElement[int]:
    return func.count() if condition is None else func.count().filter(condition)


@dataclass(frozen=True, slots=True)
class Clock:
    """A clock's due times in the range as [due, met, breached]: per bucket, and per
    assignee over the range."""

    per_day: list[list[int]]
    per_assignee: dict[int, list[int]]


def _split(rows: Sequence[Any], buckets: int, width: int, *, team: bool = True) -> Clock:
    """(bucket, assignee, *counts) rows as a Clock."""
    daily = sum_by(rows, 0, width, skip=2) if team else {}
    mine = sum_by([r for r in rows if r[1] is not None], 1, width, skip=2)
    return Clock([daily.get(b, [0] * width) for b in range(buckets)], mine)


def arrivals(conn: Connection, days: Days) -> list[tuple[int, str, str, int]]:
    """(bucket, channel, category, tickets) for the tickets that arrived in the range."""
    t = _t.c
    rows = per_day(
        conn,
        t.created_at,
        days,
        [_count()],
        # Every channel and category named: SQLite reads the index (channel, category,
        # created_at) in ranges, in its order, so grouping sorts nothing.
        where=[t.channel.in_(CHANNELS), t.category.in_(CATEGORIES)],
        group_by=[t.channel, t.category],
    )
    return [(b, channel, category, n) for b, channel, category, n in rows if n]


def calls_taken(conn: Connection, days: Days, staff: Sequence[int]) -> dict[int, int]:
    """Phone and walk-in tickets each staff member opened in the range."""
    t = _t.c
    if not staff:
        return {}
    statement = (
        select(t.created_by_id, _count())
        .where(
            LIVE,
            t.created_by_id.in_(sorted(staff)),
            t.channel.in_(CALLS),
            t.created_at >= days.start,
            t.created_at < days.end,
        )
        .group_by(t.created_by_id)
    )
    return {taker: n for taker, n in conn.execute(statement)}


def first_response_clock(
    conn: Connection, days: Days, now: datetime, staff: Sequence[int], *, team: bool = True
) -> Clock:
    """First responses due in the range: per bucket (``team``) and per staff member."""
    t = _t.c
    due = t.first_response_due_at
    answered = func.coalesce(t.first_response_at, t.resolved_at, t.closed_at)
    # Breached: answered after its due time, or not answered and due before it went
    # pending on the guardian (or before now).
    ran_until = func.coalesce(
        t.first_response_at, t.resolved_at, t.closed_at, t.pending_since, literal(now, due.type)
    )
    aggregates = [_count(), _count(answered <= due), _count(due < ran_until)]
    rows = per_day_and_assignee(conn, due, days, aggregates, staff, team=team)
    return _split(rows, days.count, 3, team=team)


def resolution_clock(conn: Connection, days: Days, now: datetime) -> Clock:
    """Resolutions due in each bucket (a ticket closed unresolved left out)."""
    t = _t.c
    due = t.resolution_due_at
    counted = or_(t.resolved_at.is_not(None), t.closed_at.is_(None))
    ran_until = func.coalesce(t.resolved_at, t.pending_since, literal(now, due.type))
    aggregates = [
        _count(counted),
        _count(t.resolved_at <= due),
        _count(and_(counted, due < ran_until)),
    ]
    daily = sum_by(per_day(conn, due, days, aggregates), 0, 3, skip=1)
    return Clock([daily.get(b, [0, 0, 0]) for b in range(days.count)], {})


@dataclass(frozen=True, slots=True)
class Resolved:
    """Tickets resolved in the range: per bucket, per assignee, and the values of the
    ``extra`` aggregates asked for, per row read."""

    per_day: list[int]
    per_assignee: dict[int, int]
    extra: list[tuple[Any, ...]]


def resolved(
    conn: Connection,
    days: Days,
    staff: Sequence[int],
    *,
    team: bool = True,
    extra: Sequence[ColumnElement[Any]] = (),
) -> Resolved:
    """Tickets resolved in the range: per bucket (``team``) and per staff member."""
    rows = per_day_and_assignee(conn, _t.c.resolved_at, days, [_count(), *extra], staff, team=team)
    clock = _split(rows, days.count, 1, team=team)
    return Resolved(
        [n for (n,) in clock.per_day],
        {who: n for who, (n,) in clock.per_assignee.items()},
        [tuple(r[3:]) for r in rows],
    )


def closed_unresolved(conn: Connection, days: Days) -> list[int]:
    """Per bucket, tickets closed in the range without being resolved."""
    t = _t.c
    rows = per_day(conn, t.closed_at, days, [_count()], where=[t.resolved_at.is_(None)])
    daily = sum_by(rows, 0, 1, skip=1)
    return [daily.get(b, [0])[0] for b in range(days.count)]


def open_before(conn: Connection, days: Days, arrived: int, ended: int) -> int:
    """Tickets open when the range began (arrived before it, not resolved or closed
    before it), from counts already read: those never resolved nor closed, less those
    that arrived since, plus those that ended since (``arrived`` and ``ended`` in the
    range; the few after it counted here). Each an index range, none the whole range."""
    t = _t.c
    end = days.end
    never = select(_count()).where(LIVE, t.resolved_at.is_(None), t.closed_at.is_(None))
    later_arrivals = select(_count()).where(
        LIVE, t.channel.in_(CHANNELS), t.category.in_(CATEGORIES), t.created_at >= end
    )
    later_resolved = select(_count()).where(LIVE, t.resolved_at >= end)
    later_closed = select(_count()).where(LIVE, t.resolved_at.is_(None), t.closed_at >= end)
    n_never, n_arrived, n_resolved, n_closed = (
        conn.execute(q).scalar_one() for q in (never, later_arrivals, later_resolved, later_closed)
    )
    return n_never - (arrived + n_arrived) + (ended + n_resolved + n_closed)


@dataclass(frozen=True, slots=True)
class OpenRow:
    """Unfinished tickets of one status and assignee, and how many of them arrived at or
    before each age limit (the limits earliest first)."""

    status: str
    assignee_id: int | None
    count: int
    older: tuple[int, ...]


def open_now(
    conn: Connection, limits: Sequence[datetime], *, staff_id: int | None = None
) -> list[OpenRow]:
    """Unfinished tickets per status and assignee (``staff_id``: theirs only)."""
    t = _t.c
    statement = (
        select(
            t.status,
            t.assignee_id,
            _count(),
            *(_count(t.created_at <= limit) for limit in limits),
        )
        .where(LIVE, t.status.in_(UNFINISHED))
        .group_by(t.status, t.assignee_id)
    )
    if staff_id is not None:
        statement = statement.where(t.assignee_id == staff_id)
    return [
        OpenRow(status, who, n, tuple(older)) for status, who, n, *older in conn.execute(statement)
    ]


def is_pending(row: OpenRow) -> bool:
    return row.status == TicketStatus.PENDING


@dataclass(frozen=True, slots=True)
class LateRow:
    id: int
    number: int
    subject: str
    due_at: datetime
    answered: bool


def oldest_breaching(
    conn: Connection, now: datetime, *, limit: int, assignee_id: int | None = None
) -> list[LateRow]:
    """Tickets whose running clock ran out, the longest overdue first (an index range:
    ``due_at`` is set exactly while a clock runs)."""
    t = _t.c
    statement = select(t.id, t.number, t.subject, t.due_at, t.first_response_at.is_not(None))
    statement = statement.where(t.due_at < now)
    if assignee_id is not None:
        statement = statement.where(t.assignee_id == assignee_id)
    rows = conn.execute(statement.order_by(t.due_at, t.id).limit(limit))
    return [
        LateRow(i, number, subject, due, bool(answered))
        for i, number, subject, due, answered in rows
    ]


def staff_names(conn: Connection) -> dict[int, tuple[str, str, str, bool]]:
    """id -> (full name, username, role, active) of every staff member."""
    s = _staff.c
    rows = conn.execute(select(s.id, s.full_name, s.username, s.role, s.active))
    return {i: (name, username, role, bool(active)) for i, name, username, role, active in rows}

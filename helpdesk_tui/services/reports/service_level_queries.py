"""The statements behind the service-level figures.

One read of the ticket table gives every count and, for the team's figures, the few
instants per ticket that business-time percentiles and the backlog need, as epoch
seconds (no datetime is built for them). Each ticket's part in the counts is folded
into two integers by the database, so the counts cost that one read and a Counter:
no second pass, no sort, no GROUP BY.

    state   = assignee * 512 + open * 64 + pending * 32 + first * 8 + resolution * 2 + resolved
    arrival = taker * 64 + channel * 16 + category      (NULL: it did not arrive in the range)

open: 0 finished, else 1 + its age band; pending: waiting on the guardian now; first,
resolution: 0 not due in the range, 1 met, 2 breached, 3 not yet due; resolved: in the
range; taker: who opened it if it was a phone call or a walk-in (0: nobody, or not a
call); channel, category: their place in the vocabulary. An id 0 is nobody (ids start
at 1).

A range is [start, end) in UTC: from the first day's local midnight to the local
midnight after the last day. A merged duplicate is left out of everything (its
conversation counts on the ticket it was merged into).
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    and_,
    case,
    cast,
    func,
    literal,
    not_,
    or_,
    select,
)

from helpdesk_tui.data.tables import Staff, Ticket, core_table
from helpdesk_tui.vocabulary import UNFINISHED, Category, Channel, TicketStatus

_t = core_table(Ticket)
_staff = core_table(Staff)
_LIVE = _t.c.merged_into_id.is_(None)
CALLS = (Channel.PHONE, Channel.WALK_IN)
CHANNELS, CATEGORIES = tuple(Channel), tuple(Category)
MET, BREACHED, NOT_YET_DUE = 1, 2, 3


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime
    now: datetime

    def holds(self, column: ColumnElement[datetime]) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)


@dataclass(frozen=True, slots=True)
class State:
    """A state key, read back."""

    assignee_id: int | None
    age_band: int | None  # None: finished
    pending: bool
    first_response: int  # 0 (not due in the range), MET, BREACHED or NOT_YET_DUE
    resolution: int
    resolved: bool  # in the range

    @classmethod
    def of(cls, key: int) -> "State":
        assignee, rest = divmod(key, 512)
        opened = rest >> 6
        return cls(
            assignee_id=assignee or None,
            age_band=opened - 1 if opened else None,
            pending=bool(rest & 32),
            first_response=(rest >> 3) & 3,
            resolution=(rest >> 1) & 3,
            resolved=bool(rest & 1),
        )


def arrival_of(key: int) -> tuple[int | None, Channel, Category]:
    """(who took it if it was a call, channel, category) of an arrival key."""
    taker, rest = divmod(key, 64)
    return taker or None, CHANNELS[rest >> 4], CATEGORIES[rest & 15]


@dataclass(frozen=True, slots=True)
class Scan:
    """How many tickets have each state key and each arrival key; with ``times``,
    columns of epoch seconds, one entry per ticket read: ``answered`` (the first
    response) None outside the range; ``ended`` (resolved or closed) None when the
    ticket was still open at the range's end; ``paused`` (the business time it spent
    waiting on the guardian) None unless it was resolved in the range, and then
    ``ended`` is when."""

    states: Counter[int]
    arrivals: Counter[int]
    created: Sequence[float] = ()
    answered: Sequence[float | None] = ()
    ended: Sequence[float | None] = ()
    paused: Sequence[float | None] = ()


def _epoch(conn: Connection, column: ColumnElement[datetime]) -> ColumnElement[float]:
    """Epoch seconds in the database: SQLite stores UTC text (julianday's double is
    within 50 microseconds), PostgreSQL timestamptz."""
    if conn.dialect.name == "postgresql":  # date_part: float8 (extract gives numeric)
        return cast(func.date_part("epoch", column), Float)
    return (func.julianday(column) - 2440587.5) * 86400.0


def scan(
    conn: Connection,
    window: Window,
    older_than: Sequence[datetime],
    *,
    times: bool,
    staff_id: int | None = None,
) -> Scan:
    """Every ticket that counts in the range or now: open at some point in it, due,
    answered or resolved in it, or unfinished now; with ``staff_id`` only those
    assigned to or opened by them. ``older_than``: the age bands' limits, earliest
    first (a ticket's band is how many of them it was created at or before).

    A first response stops its clock when the first reply goes out, or when the ticket
    is resolved or closed without one. A clock that has not stopped is breached once
    its due time passed while it ran (before now, or before the ticket went pending on
    the guardian: the wait does not count). A ticket closed without being resolved (it
    waited on the guardian too long) has no resolution figure."""
    t = _t.c
    frd, rd = t.first_response_due_at, t.resolution_due_at
    answered = func.coalesce(t.first_response_at, t.resolved_at, t.closed_at)
    ended = func.coalesce(t.resolved_at, t.closed_at)
    stopped = func.coalesce(t.pending_since, literal(window.now, t.pending_since.type))
    unfinished = t.status.in_(UNFINISHED)
    fr_in, res_in = window.holds(t.first_response_at), window.holds(t.resolved_at)
    first = case(
        (not_(window.holds(frd)), 0),
        (answered <= frd, MET),
        (or_(answered.is_not(None), frd < stopped), BREACHED),
        else_=NOT_YET_DUE,
    )
    resolution = case(
        (not_(window.holds(rd)), 0),
        (t.resolved_at <= rd, MET),
        (t.resolved_at.is_not(None), BREACHED),
        (t.closed_at.is_not(None), 0),
        (rd < stopped, BREACHED),
        else_=NOT_YET_DUE,
    )
    band = case(
        *((t.created_at <= limit, len(older_than) + 1 - i) for i, limit in enumerate(older_than)),
        else_=1,
    )
    state = (
        func.coalesce(t.assignee_id, 0) * 512
        + case((unfinished, band), else_=0) * 64
        + case((t.status == TicketStatus.PENDING, 32), else_=0)
        + first * 8
        + resolution * 2
        + case((res_in, 1), else_=0)
    )
    taker = case((t.channel.in_(CALLS), func.coalesce(t.created_by_id, 0)), else_=0)
    channel = case({c.value: i for i, c in enumerate(CHANNELS)}, value=t.channel, else_=0)
    category = case({c.value: i for i, c in enumerate(CATEGORIES)}, value=t.category, else_=0)
    arrival = case((window.holds(t.created_at), taker * 64 + channel * 16 + category))
    columns: list[ColumnElement[Any]] = [state, arrival]
    if times:
        columns += [
            _epoch(conn, t.created_at),
            case((fr_in, _epoch(conn, t.first_response_at))),
            case((ended < window.end, _epoch(conn, ended))),
            case((res_in, t.paused_seconds)),
        ]
    statement = select(*columns).where(
        _LIVE,
        or_(
            and_(t.created_at < window.end, or_(ended.is_(None), ended > window.start)),
            fr_in,
            res_in,
            unfinished,
            window.holds(frd),
            window.holds(rd),
        ),
    )
    if staff_id is not None:
        statement = statement.where(or_(t.assignee_id == staff_id, t.created_by_id == staff_id))
    # The driver's own rows, a batch at a time: SQLAlchemy's Row objects would add half
    # again to reading 100,000 of them (these columns need no conversion), and 100,000
    # rows alive at once would make Python's garbage collector walk them several times.
    cursor = conn.execute(statement).cursor
    states: Counter[int] = Counter()
    arrivals: Counter[int] = Counter()
    read: list[list[Any]] = [[] for _ in columns[2:]]
    while rows := cursor.fetchmany(5000):
        states.update(map(itemgetter(0), rows))
        arrivals.update(map(itemgetter(1), rows))
        for i, column in enumerate(read, start=2):
            column.extend(map(itemgetter(i), rows))
    arrivals.pop(None, None)  # type: ignore[call-overload]
    return Scan(states, arrivals, *read)


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

"""Business time from arrival to the first response and to resolution, measured once per
ticket and stored, so the service-level figures' percentiles read one value per ticket
from an index instead of measuring every ticket of the range on every report.

A stored time is derived data and the figures never trust it blindly:

- it holds only while the ticket's ``business_calendar_key`` is the key of the business
  calendar as it is now (its business days' hours over the years the calendar covers,
  hashed). A closure added afterwards, an open day, new hours, or the new year (the
  calendar's years move on) change the key, and from then on every stored time counts
  as missing until measured again;
- a resolution time holds only while ``resolution_measured_at`` is still the ticket's
  ``resolved_at`` (a ticket reopened and resolved again is measured again);
- the figures measure whatever does not hold themselves (``_measured_here``), so a
  report is right at once and only slower while times are missing.

``measure_business_times`` stores the missing ones, a batch per transaction: each
signed-in desk's background round runs it every minute (app/background_jobs.py), so
after a calendar change the figures are fast again within a minute or two (100,000
tickets take about 6 s); ``benchmarks/sla_report.py`` runs it too. ``measured_here``
counts the tickets with a time that does not hold.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from itertools import repeat
from operator import itemgetter, sub
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlmodel import Session

from helpdesk_tui.data.tables import Ticket, core_table
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.reports.business_clock import (
    BusinessClock,
    Calendar,
    median,
    percentile,
)
from helpdesk_tui.services.reports.service_level_days import LIVE
from helpdesk_tui.services.reports.service_level_figures import TimeFigures
from helpdesk_tui.services.sla import load_calendar

_t = core_table(Ticket)
BATCH = 2000


@dataclass(frozen=True, slots=True)
class MeasuringClock:
    """The district's business clock over all the days its calendar covers, and the
    key stored with every time measured with it."""

    clock: BusinessClock
    key: int


@lru_cache(maxsize=8)
def _measuring(calendar: Calendar, opens: time, closes: time) -> MeasuringClock:
    clock = BusinessClock(
        calendar, opens=opens, closes=closes, first=calendar.first_day, last=calendar.last_day
    )
    spans = repr([(o, c) for _, o, c in clock.days]).encode()
    key = int.from_bytes(hashlib.sha256(spans).digest()[:4], "big") & 0x7FFFFFFF
    return MeasuringClock(clock, key)


def measuring_clock(session: Session, now: datetime) -> MeasuringClock:
    district = get_district(session)
    return _measuring(
        load_calendar(session, now=now),
        time.fromisoformat(district.hours_open),
        time.fromisoformat(district.hours_close),
    )


def epoch(conn: Connection, column: ColumnElement[datetime]) -> ColumnElement[float]:
    """Epoch seconds in the database: SQLite stores UTC text (julianday's double is
    within 50 microseconds), PostgreSQL timestamptz."""
    if conn.dialect.name == "postgresql":  # date_part: float8 (extract gives numeric)
        return cast(func.date_part("epoch", column), Float)
    return (func.julianday(column) - 2440587.5) * 86400.0


@dataclass(frozen=True, slots=True)
class _Measure:
    """One of the two times: its stored column, the instant it runs to, and when a
    stored value no longer holds."""

    seconds: ColumnElement[float | None]
    until: ColumnElement[datetime]
    resolution: bool

    def stale(self, key: int) -> ColumnElement[bool]:
        t = _t.c
        reasons = [t.business_calendar_key.is_(None), t.business_calendar_key != key]
        reasons.append(self.seconds.is_(None))
        if self.resolution:
            reasons += [
                t.resolution_measured_at.is_(None),
                t.resolution_measured_at != t.resolved_at,
            ]
        return or_(*reasons)

    def holds(self, key: int) -> list[ColumnElement[bool]]:
        t = _t.c
        held = [t.business_calendar_key == key, self.seconds.is_not(None)]
        if self.resolution:
            held.append(t.resolution_measured_at == t.resolved_at)
        return held


FIRST_RESPONSE = _Measure(
    _t.c.first_response_business_seconds, _t.c.first_response_at, resolution=False
)
RESOLUTION = _Measure(_t.c.resolution_business_seconds, _t.c.resolved_at, resolution=True)


def _durations(clock: BusinessClock, rows: Sequence[Any], resolution: bool) -> list[float]:
    """Business seconds of (created, until[, paused]) epoch rows, as ``_seconds``
    stores them (each step mapped over all the rows: after a calendar change, a report
    measures every ticket of its range)."""
    if not rows:
        return []
    created = clock.elapsed(map(itemgetter(0), rows))
    spent: Iterable[float] = map(sub, clock.elapsed(map(itemgetter(1), rows)), created)
    if resolution:
        spent = map(sub, spent, map(itemgetter(2), rows))
    return list(map(round, map(max, spent, repeat(0.0)), repeat(6)))


def _seconds(value: float) -> float:
    """A business time as stored: never negative (the wait on the guardian is measured
    with the calendar of its day), to the microsecond, so that SQLite's text of it (15
    digits) reads back as the same number."""
    return round(max(value, 0.0), 6)


def stored_times(which: _Measure, key: int) -> list[ColumnElement[Any]]:
    """SQLite: what a read of the range gives the percentiles (aggregates): how many
    stored times do not hold, and the ones that do as one line of text, in whole
    microseconds (the driver's cost is per row, so 90,000 times come as one value;
    SQLite writes integers faster than reals)."""
    held = and_(*which.holds(key))
    micros = cast(func.round(which.seconds * 1_000_000), Integer)
    return [func.count().filter(which.stale(key)), func.group_concat(case((held, micros)))]


def time_figures(
    conn: Connection,
    measuring: MeasuringClock,
    start: datetime,
    end: datetime,
    which: _Measure,
    read: Sequence[tuple[Any, ...]] | None = None,
) -> TimeFigures:
    """The median and 90th percentile of one business time over the tickets whose
    first response (or resolution) fell in [start, end): the stored times that hold,
    and the others (usually none) measured here. ``read``: SQLite, the ``stored_times``
    already read per bucket with other figures of the range."""
    in_range = [LIVE, which.until >= start, which.until < end]
    held, stale = and_(*which.holds(measuring.key)), which.stale(measuring.key)
    if conn.dialect.name == "postgresql":  # the percentiles in the database, when it can
        n, missing, middle, p90 = conn.execute(
            select(
                func.count(),
                func.count().filter(stale),
                func.percentile_cont(0.5).within_group(which.seconds).filter(held),
                func.percentile_disc(0.9).within_group(which.seconds).filter(held),
            ).where(*in_range)
        ).one()
        if not missing:
            return TimeFigures(n, middle, p90)
        values: list[float] = [
            v
            for v in conn.execute(select(which.seconds).where(*in_range, held)).scalars()
            if v is not None
        ]
        values += _measured_here(conn, measuring, in_range, stale, which)
        values.sort()
        return TimeFigures(len(values), median(values), percentile(values, 0.9))
    if read is None:
        read = conn.execute(select(*stored_times(which, measuring.key)).where(*in_range)).all()
    # SQLite: whole microseconds, as integers until the three values are picked
    micros: list[int] = []
    for _, text in read:
        micros += map(int, text.split(",")) if text else ()
    if any(missing for missing, _ in read):
        here = _measured_here(conn, measuring, in_range, stale, which)
        micros += [round(v * 1_000_000) for v in here]
    micros.sort()
    middle, p90 = median(micros), percentile(micros, 0.9)
    return TimeFigures(
        len(micros),
        None if middle is None else middle / 1_000_000,
        None if p90 is None else p90 / 1_000_000,
    )


def _measured_here(
    conn: Connection,
    measuring: MeasuringClock,
    in_range: list[ColumnElement[bool]],
    stale: ColumnElement[bool],
    which: _Measure,
) -> list[float]:
    """The business times of the tickets in range whose stored ones do not hold."""
    t = _t.c
    columns = [epoch(conn, t.created_at), epoch(conn, which.until)]
    if which.resolution:
        columns.append(t.paused_seconds)
    # The driver's rows as they come (after a calendar change, every ticket of the range).
    here = conn.execute(select(*columns).where(*in_range, stale)).cursor.fetchall()
    return _durations(measuring.clock, here, which.resolution)


def measure_business_times(
    session: Session, *, now: datetime | None = None, batch: int = BATCH
) -> int:
    """Store the business times of up to ``batch`` tickets whose stored ones are
    missing or no longer hold; how many tickets were stored (0: all are measured)."""
    now = resolve_now(now)
    measuring = measuring_clock(session, now)
    conn = session.connection()
    t = _t.c
    stale = or_(
        and_(t.first_response_at.is_not(None), FIRST_RESPONSE.stale(measuring.key)),
        and_(t.resolved_at.is_not(None), RESOLUTION.stale(measuring.key)),
    )
    rows = conn.execute(
        select(
            t.id,
            t.resolved_at,
            epoch(conn, t.created_at),
            epoch(conn, t.first_response_at),
            epoch(conn, t.resolved_at),
            t.paused_seconds,
        )
        .where(LIVE, stale)
        .order_by(t.id)
        .limit(batch)
    ).all()
    if not rows:
        return 0
    clock = measuring.clock
    created = clock.elapsed(r[2] for r in rows)
    answered = clock.elapsed(r[3] if r[3] is not None else r[2] for r in rows)
    ended = clock.elapsed(r[4] if r[4] is not None else r[2] for r in rows)
    values = [
        {
            "b_id": r[0],
            "b_resolved": r[1],
            "b_first": None if r[3] is None else _seconds(a - c),
            "b_resolution": None if r[4] is None else _seconds(e - c - r[5]),
        }
        for r, c, a, e in zip(rows, created, answered, ended, strict=True)
    ]
    conn.execute(
        update(_t)
        .where(
            t.id == bindparam("b_id"),
            # resolved or reopened meanwhile (PostgreSQL, another desk): left for the next round
            t.resolved_at.is_not_distinct_from(bindparam("b_resolved", type_=t.resolved_at.type)),
        )
        .values(
            first_response_business_seconds=bindparam("b_first", type_=Float),
            resolution_business_seconds=bindparam("b_resolution", type_=Float),
            resolution_measured_at=literal_column("resolved_at", t.resolved_at.type),
            business_calendar_key=measuring.key,
        ),
        values,
    )
    return len(rows)


def measured_here(session: Session, *, now: datetime | None = None) -> int:
    """How many tickets have a business time that does not hold (tests, benchmarks)."""
    now = resolve_now(now)
    key = measuring_clock(session, now).key
    t = _t.c
    stale = or_(
        and_(t.first_response_at.is_not(None), FIRST_RESPONSE.stale(key)),
        and_(t.resolved_at.is_not(None), RESOLUTION.stale(key)),
    )
    return session.connection().execute(select(func.count()).where(LIVE, stale)).scalar_one()

"""Service levels: the district's business calendar and the targets per category and
priority. The first-response and resolution clocks start at the next business minute
after a ticket arrives and stop while it waits on the guardian.

Everything a due time depends on is read as one value (``CalendarInputs`` and the
target rows), so a change can be tried on a copy (a preview) before it is saved, and
the calendar is built once per distinct value."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import (
    BusyPeriodRow,
    ClosureDay,
    DistrictSettings,
    OpenDay,
    SlaTarget,
)
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.sla.calendar import BusinessCalendar, BusyPeriod, build_calendar

# Business minutes (first response, resolution) when the district has set none.
DEFAULT_TARGETS = {
    "urgent": (120, 480),
    "high": (240, 960),
    "normal": (480, 1440),
    "low": (480, 2400),
}


@dataclass(frozen=True, slots=True)
class Targets:
    first_response_minutes: int
    resolution_minutes: int


@dataclass(frozen=True, slots=True)
class TargetRow:
    """A target the district set: ``category`` '*' is every category's default."""

    category: str
    priority: str
    first_response_minutes: int
    resolution_minutes: int


def pick_target(rows: Iterable[TargetRow], category: str, priority: str) -> Targets:
    """The category's own target for ``priority``, else the '*' one, else the default."""
    same = [r for r in rows if r.priority == priority and r.category in (category, "*")]
    chosen = next((r for r in same if r.category == category), same[0] if same else None)
    if chosen is not None:
        return Targets(chosen.first_response_minutes, chosen.resolution_minutes)
    first, resolution = DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS["normal"])
    return Targets(first, resolution)


def target_rows(session: Session) -> tuple[TargetRow, ...]:
    return tuple(
        TargetRow(r.category, r.priority, r.first_response_minutes, r.resolution_minutes)
        for r in session.exec(
            select(SlaTarget).order_by(col(SlaTarget.category), col(SlaTarget.priority))
        ).all()
    )


def targets_for(session: Session, category: str, priority: str) -> Targets:
    rows = session.exec(
        select(SlaTarget).where(
            col(SlaTarget.category).in_([category, "*"]), col(SlaTarget.priority) == priority
        )
    ).all()
    found = [
        TargetRow(r.category, r.priority, r.first_response_minutes, r.resolution_minutes)
        for r in rows
    ]
    return pick_target(found, category, priority)


@dataclass(frozen=True, slots=True)
class CalendarInputs:
    """What the business calendar is built from; hashable, so it is the cache key (a
    changed hour, closure, open day or busy period is a new calendar)."""

    time_zone: str
    hours_open: str
    hours_close: str
    business_days: str
    country: str
    subdivision: str
    closures: tuple[tuple[date, str], ...]
    open_days: tuple[tuple[date, str], ...]
    busy: tuple[tuple[int, BusyPeriod], ...]  # (row id, period)


def read_calendar_inputs(session: Session) -> CalendarInputs:
    d = session.get(DistrictSettings, 1)
    if d is None:
        raise NotFound("This database has no district settings yet.")
    return CalendarInputs(
        time_zone=d.time_zone,
        hours_open=d.hours_open,
        hours_close=d.hours_close,
        business_days=d.business_days,
        country=d.country,
        subdivision=d.subdivision,
        closures=tuple(
            (c.day, c.name)
            for c in session.exec(select(ClosureDay).order_by(col(ClosureDay.day))).all()
        ),
        open_days=tuple(
            (o.day, o.name) for o in session.exec(select(OpenDay).order_by(col(OpenDay.day))).all()
        ),
        busy=tuple(
            (b.id or 0, BusyPeriod(b.name, b.first_day, b.last_day, b.stretch_percent))
            for b in session.exec(
                select(BusyPeriodRow).order_by(col(BusyPeriodRow.first_day), col(BusyPeriodRow.id))
            ).all()
        ),
    )


@lru_cache(maxsize=16)
def calendar_from(inputs: CalendarInputs, *, year: int) -> BusinessCalendar:
    """The calendar for these inputs, a few years either side of ``year`` (built in a
    few milliseconds, once per distinct inputs)."""
    return build_calendar(
        time_zone=inputs.time_zone,
        hours_open=inputs.hours_open,
        hours_close=inputs.hours_close,
        business_days=inputs.business_days,
        country=inputs.country,
        subdivision=inputs.subdivision,
        closures=dict(inputs.closures),
        open_days=[day for day, _ in inputs.open_days],
        busy_periods=[period for _, period in inputs.busy],
        around=date(year, 7, 1),
    )


def load_calendar(session: Session, *, now: datetime | None = None) -> BusinessCalendar:
    """The district's calendar, built once per set of settings (a few milliseconds)."""
    return calendar_from(read_calendar_inputs(session), year=(now or datetime.now(UTC)).year)

"""Service levels: the district's business calendar and the targets per category and
priority. The first-response and resolution clocks start at the next business minute
after a ticket arrives and stop while it waits on the guardian."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import BusyPeriodRow, ClosureDay, DistrictSettings, SlaTarget
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


def targets_for(session: Session, category: str, priority: str) -> Targets:
    rows = session.exec(
        select(SlaTarget).where(
            col(SlaTarget.category).in_([category, "*"]), col(SlaTarget.priority) == priority
        )
    ).all()
    chosen = next((r for r in rows if r.category == category), rows[0] if rows else None)
    if chosen is not None:
        return Targets(chosen.first_response_minutes, chosen.resolution_minutes)
    first, resolution = DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS["normal"])
    return Targets(first, resolution)


@lru_cache(maxsize=8)
def _cached_calendar(
    key: tuple[object, ...], closures: tuple[tuple[date, str], ...], busy: tuple[BusyPeriod, ...]
) -> BusinessCalendar:
    zone, opens, closes, days, country, subdivision, year = key
    return build_calendar(
        time_zone=str(zone),
        hours_open=str(opens),
        hours_close=str(closes),
        business_days=str(days),
        country=str(country),
        subdivision=str(subdivision),
        closures=dict(closures),
        busy_periods=busy,
        around=date(int(str(year)), 7, 1),
    )


def load_calendar(session: Session, *, now: datetime | None = None) -> BusinessCalendar:
    """The district's calendar, built once per set of settings (a few milliseconds)."""
    d = session.get(DistrictSettings, 1)
    if d is None:
        raise NotFound("This database has no district settings yet.")
    closures = tuple(
        (c.day, c.name)
        for c in session.exec(select(ClosureDay).order_by(col(ClosureDay.day))).all()
    )
    busy = tuple(
        BusyPeriod(b.name, b.first_day, b.last_day, b.stretch_percent)
        for b in session.exec(select(BusyPeriodRow).order_by(col(BusyPeriodRow.first_day))).all()
    )
    year = (now or datetime.now(UTC)).year
    key = (
        d.time_zone,
        d.hours_open,
        d.hours_close,
        d.business_days,
        d.country,
        d.subdivision,
        year,
    )
    return _cached_calendar(key, closures, busy)

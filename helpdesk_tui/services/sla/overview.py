"""The business calendar and the targets as a supervisor reads them: hours and days,
the year's public holidays and whether the helpdesk works them, district closures
(consecutive days of one name as one range), busy periods and every target."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from helpdesk_tui.services.sla.changes import days_text, holidays_between, why_closed
from helpdesk_tui.services.sla.public_days import PublicHoliday, check_year, holidays_in
from helpdesk_tui.services.sla.targets import (
    DEFAULT_TARGETS,
    CalendarInputs,
    TargetRow,
    read_calendar_inputs,
    target_rows,
)
from helpdesk_tui.vocabulary import Category, Priority


@dataclass(frozen=True, slots=True)
class ClosureRange:
    first_day: date
    last_day: date
    name: str
    days: int  # closure days in it (its weekends and holidays are not stored)


@dataclass(frozen=True, slots=True)
class BusyLine:
    busy_id: int
    name: str
    first_day: date
    last_day: date
    stretch_percent: int


@dataclass(frozen=True, slots=True)
class TargetLine:
    category: str  # '*' for every category without its own
    priority: str
    first_response_minutes: int
    resolution_minutes: int
    built_in: bool  # the product's default: the district has set none

    @property
    def label(self) -> str:
        return "every category" if self.category == "*" else Category.label_of(self.category)


@dataclass(frozen=True, slots=True)
class CalendarOverview:
    year: int
    time_zone: str
    country: str
    subdivision: str
    hours_open: str
    hours_close: str
    business_days: str
    holidays: tuple[PublicHoliday, ...]
    closures: tuple[ClosureRange, ...]
    busy_periods: tuple[BusyLine, ...]
    targets: tuple[TargetLine, ...]

    @property
    def days_label(self) -> str:
        return days_text(self.business_days)


def closure_ranges(c: CalendarInputs, first: date, last: date) -> list[ClosureRange]:
    """The closures from ``first`` to ``last``: days of one name with only days that are
    not business days between them (a weekend, a holiday) make one range."""
    days = [(d, n) for d, n in c.closures if first <= d <= last]
    if not days:
        return []
    holidays = holidays_between(c, days[0][0], days[-1][0])
    plain = replace(c, closures=())
    ranges: list[ClosureRange] = []
    for day, name in days:
        if (
            ranges
            and ranges[-1].name == name
            and _only_closed_between(plain, ranges[-1].last_day, day, holidays)
        ):
            r = ranges[-1]
            ranges[-1] = ClosureRange(r.first_day, day, name, r.days + 1)
        else:
            ranges.append(ClosureRange(day, day, name, 1))
    return ranges


def _only_closed_between(
    c: CalendarInputs, after: date, before: date, holidays: dict[date, str]
) -> bool:
    day = after + timedelta(days=1)
    while day < before:
        if why_closed(c, day, holidays) is None:
            return False
        day += timedelta(days=1)
    return True


def target_lines(rows: tuple[TargetRow, ...]) -> list[TargetLine]:
    """Every category's default per priority (set, or built in), then the categories'
    own targets."""
    lines: list[TargetLine] = []
    for priority in Priority:
        own = next((r for r in rows if r.category == "*" and r.priority == priority), None)
        if own is not None:
            lines.append(TargetLine("*", priority, *_minutes(own), built_in=False))
        else:
            first, resolution = DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS["normal"])
            lines.append(TargetLine("*", priority, first, resolution, built_in=True))
    order = {p.value: i for i, p in enumerate(Priority)}
    lines += [
        TargetLine(r.category, r.priority, *_minutes(r), built_in=False)
        for r in sorted(rows, key=lambda r: (r.category, order.get(r.priority, 9)))
        if r.category != "*"
    ]
    return lines


def _minutes(row: TargetRow) -> tuple[int, int]:
    return row.first_response_minutes, row.resolution_minutes


def calendar_overview(
    session: Session, *, year: int | None = None, now: datetime | None = None
) -> CalendarOverview:
    """Everything due times depend on, with the holidays and closures of ``year``
    (this year by default); busy periods from the start of that year on."""
    c = read_calendar_inputs(session)
    year = year or (now or datetime.now(UTC)).year
    check_year(year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    return CalendarOverview(
        year=year,
        time_zone=c.time_zone,
        country=c.country,
        subdivision=c.subdivision,
        hours_open=c.hours_open,
        hours_close=c.hours_close,
        business_days=c.business_days,
        holidays=tuple(holidays_in(c, year)),
        # A range reaching into the year from December is shown whole.
        closures=tuple(
            r
            for r in closure_ranges(c, first - timedelta(days=31), last + timedelta(days=31))
            if r.last_day >= first and r.first_day <= last
        ),
        busy_periods=tuple(
            BusyLine(i, b.name, b.first_day, b.last_day, b.stretch_percent)
            for i, b in c.busy
            if b.last_day >= first
        ),
        targets=tuple(target_lines(target_rows(session))),
    )

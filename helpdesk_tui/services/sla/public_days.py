"""Public holidays: the `holidays` package lists the days of the district's country and
state; many districts work some of them (for Illinois: Columbus Day, Veterans Day,
Lincoln's Birthday, Pulaski Day, Election Day). A supervisor marks such a day "open on
this holiday" (an OpenDay row), or closed again; audited."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from helpdesk_tui.data.tables import OpenDay
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.sla.changes import (
    WEEKDAYS,
    CalendarChanged,
    Plan,
    Setup,
    day_text,
    holidays_between,
    save_change,
    with_calendar,
)
from helpdesk_tui.services.sla.targets import CalendarInputs, read_calendar_inputs
from helpdesk_tui.vocabulary import AuditAction

FIRST_YEAR, LAST_YEAR = 2000, 2100  # what the holiday list and the calendar accept


@dataclass(frozen=True, slots=True)
class PublicHoliday:
    day: date
    name: str
    state: str  # "closed", "open" (worked all the same), "weekend" (not a business day)
    closure: str = ""  # a district closure the same day

    @property
    def state_label(self) -> str:
        return {
            "closed": "closed (public holiday)",
            "open": "open: worked all the same",
            "weekend": "not a business day anyway",
        }.get(self.state, self.state)


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(f"Choose a year from {FIRST_YEAR} to {LAST_YEAR} (got {year}).")


def holidays_in(c: CalendarInputs, year: int) -> list[PublicHoliday]:
    check_year(year)
    opened = dict(c.open_days)
    closures = dict(c.closures)
    listed = holidays_between(c, date(year, 1, 1), date(year, 12, 31))
    return [
        PublicHoliday(
            day,
            name,
            "weekend"
            if str(day.isoweekday()) not in c.business_days
            else "open"
            if day in opened
            else "closed",
            closures.get(day, ""),
        )
        for day, name in sorted(listed.items())
    ]


def public_holidays_of(session: Session, *, year: int) -> list[PublicHoliday]:
    """The public holidays of ``year`` for the district's country and state, each with
    whether the helpdesk closes or works that day."""
    return holidays_in(read_calendar_inputs(session), year)


@dataclass(frozen=True, slots=True)
class OpenOnHoliday:
    """Work ``day``, a public holiday (``open``), or close on it again."""

    day: date
    open: bool = True

    @property
    def action(self) -> AuditAction:
        return AuditAction.OPEN_DAY_ADDED if self.open else AuditAction.OPEN_DAY_REMOVED

    def plan(self, before: Setup) -> Plan:
        c, day = before.calendar, self.day
        check_year(day.year)
        listed = holidays_between(c, day, day)
        opened = dict(c.open_days)
        where = f"{c.country}-{c.subdivision}" if c.subdivision else c.country
        if day not in listed:
            raise DomainError(
                f"{day_text(day)} is not a public holiday in {where}. To close a day, add a "
                "closure; to open a closed one, remove its closure."
            )
        name = listed[day][:120]
        if self.open:
            if day in opened:
                raise DomainError(f"{name}, {day_text(day)}, is already marked open.")
            if str(day.isoweekday()) not in c.business_days:
                raise DomainError(
                    f"{name}, {day_text(day)}, falls on a {WEEKDAYS[day.weekday()]}, not a "
                    "business day: there is nothing to open."
                )
            closure = dict(c.closures).get(day)
            if closure is not None:
                raise DomainError(
                    f"{day_text(day)} is also a district closure ({closure}); remove the "
                    "closure first if the helpdesk works that day."
                )
            after = with_calendar(before, open_days=tuple(sorted({**opened, day: name}.items())))
            summary = f"Open on {name}, {day_text(day)} (a public holiday in {where})"
        else:
            if day not in opened:
                raise DomainError(f"{name}, {day_text(day)}, is not marked open; it is closed.")
            del opened[day]
            after = with_calendar(before, open_days=tuple(sorted(opened.items())))
            summary = f"Closed again on {name}, {day_text(day)}"

        def write(session: Session) -> None:
            row = session.get(OpenDay, day)
            if self.open and row is None:
                session.add(OpenDay(day=day, name=name))
            elif not self.open and row is not None:
                session.delete(row)

        return Plan(after, summary, write)


def open_on_holiday(
    session: Session, *, actor: StaffMember, day: date, now: datetime | None = None
) -> CalendarChanged:
    """Mark the public holiday ``day`` a business day for the helpdesk."""
    return save_change(session, actor=actor, change=OpenOnHoliday(day, True), now=now)


def close_on_holiday(
    session: Session, *, actor: StaffMember, day: date, now: datetime | None = None
) -> CalendarChanged:
    """Undo ``open_on_holiday``: the helpdesk closes on the public holiday ``day`` again."""
    return save_change(session, actor=actor, change=OpenOnHoliday(day, False), now=now)

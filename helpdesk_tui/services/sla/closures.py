"""District closure days beyond public holidays: one day, or a range in one step (a
winter break: its weekends and holidays skipped, since they are closed anyway), and
removing them again (supervisors; audited)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar

from sqlalchemy import delete
from sqlmodel import Session, col

from helpdesk_tui.data.tables import ClosureDay
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.text import count_of
from helpdesk_tui.services.sla.changes import (
    CalendarChanged,
    Plan,
    Setup,
    clean_name,
    holidays_between,
    range_text,
    save_change,
    why_closed,
    with_calendar,
)
from helpdesk_tui.services.sla.public_days import check_year
from helpdesk_tui.services.sla.targets import CalendarInputs
from helpdesk_tui.vocabulary import AuditAction

MAX_RANGE_DAYS = 366
DEFAULT_NAME = "District closure"


def check_range(first_day: date, last_day: date) -> None:
    check_year(first_day.year)
    check_year(last_day.year)
    if last_day < first_day:
        raise DomainError(
            f"The range must end on or after its first day ({first_day}), not on "
            f"{last_day}; swap them."
        )
    if (last_day - first_day).days + 1 > MAX_RANGE_DAYS:
        raise DomainError(f"A range is at most {MAX_RANGE_DAYS} days; split it.")


@dataclass(frozen=True, slots=True)
class DaysToClose:
    """What closing ``first_day``..``last_day`` adds, and what it skips and why."""

    first_day: date
    last_day: date
    name: str
    added: tuple[date, ...]
    skipped: tuple[tuple[date, str], ...]

    @property
    def skipped_text(self) -> str:
        """'4 skipped (2 weekend days, 2 public holidays)'."""
        kinds = Counter(
            "already closed"
            if why.startswith("already")
            else "public holiday"
            if why.startswith("a public")
            else "weekend day"
            for _, why in self.skipped
        )
        parts = ", ".join(
            count_of(n, kind) if kind != "already closed" else f"{n} already closed"
            for kind, n in sorted(kinds.items())
        )
        return f"{len(self.skipped)} skipped, not business days ({parts})"

    @property
    def summary(self) -> str:
        words = f"Closed {range_text(self.first_day, self.last_day)} ({self.name}): " + (
            f"{count_of(len(self.added), 'day')} added"
        )
        return f"{words}; {self.skipped_text}" if self.skipped else words


def days_to_close(c: CalendarInputs, first_day: date, last_day: date, name: str) -> DaysToClose:
    holidays = holidays_between(c, first_day, last_day)
    added: list[date] = []
    skipped: list[tuple[date, str]] = []
    day = first_day
    while day <= last_day:
        why = why_closed(c, day, holidays)
        if why is None:
            added.append(day)
        else:
            skipped.append((day, why))
        day += timedelta(days=1)
    return DaysToClose(first_day, last_day, name, tuple(added), tuple(skipped))


@dataclass(frozen=True, slots=True)
class CloseDays:
    """Close the business days from ``first_day`` to ``last_day`` (one day when they
    are the same), named ``name``."""

    first_day: date
    last_day: date
    name: str
    action: ClassVar[AuditAction] = AuditAction.CLOSURE_ADDED

    def plan(self, before: Setup) -> Plan:
        check_range(self.first_day, self.last_day)
        name = clean_name(self.name, what="closure's name", default=DEFAULT_NAME)
        closing = days_to_close(before.calendar, self.first_day, self.last_day, name)
        if not closing.added:
            span = range_text(self.first_day, self.last_day)
            if len(closing.skipped) == 1:
                raise DomainError(f"Nothing to close: {span} is {closing.skipped[0][1]}.")
            raise DomainError(
                f"Nothing to close: no day from {span} is a business day (weekends, public "
                "holidays or closed already)."
            )
        closures = dict(before.calendar.closures) | dict.fromkeys(closing.added, name)
        after = with_calendar(before, closures=tuple(sorted(closures.items())))

        def write(session: Session) -> None:
            session.add_all(ClosureDay(day=day, name=name) for day in closing.added)

        return Plan(after, closing.summary, write)


@dataclass(frozen=True, slots=True)
class ReopenDays:
    """Remove the district closures from ``first_day`` to ``last_day``."""

    first_day: date
    last_day: date
    action: ClassVar[AuditAction] = AuditAction.CLOSURE_REMOVED

    def plan(self, before: Setup) -> Plan:
        check_range(self.first_day, self.last_day)
        first, last = self.first_day, self.last_day
        closures = dict(before.calendar.closures)
        removed = {d: n for d, n in closures.items() if first <= d <= last}
        if not removed:
            raise DomainError(
                f"No district closure on {range_text(first, last)}. A public holiday is "
                "opened with 'open on this holiday' instead."
                if first == last
                else f"No district closure from {range_text(first, last)}."
            )
        names = ", ".join(dict.fromkeys(removed.values()))
        after = with_calendar(
            before, closures=tuple(sorted((d, n) for d, n in closures.items() if d not in removed))
        )
        summary = (
            f"Reopened {range_text(first, last)}: "
            f"{count_of(len(removed), 'closure day')} removed ({names})"
        )

        def write(session: Session) -> None:
            session.execute(delete(ClosureDay).where(col(ClosureDay.day).between(first, last)))

        return Plan(after, summary[:500], write)


def add_closure(
    session: Session, *, actor: StaffMember, day: date, name: str, now: datetime | None = None
) -> CalendarChanged:
    """Close the helpdesk on ``day`` (a business day)."""
    return save_change(session, actor=actor, change=CloseDays(day, day, name), now=now)


def close_range(
    session: Session,
    *,
    actor: StaffMember,
    first_day: date,
    last_day: date,
    name: str,
    now: datetime | None = None,
) -> CalendarChanged:
    """Close every business day from ``first_day`` to ``last_day`` in one step; days
    that are not business days anyway are skipped, and the summary says how many."""
    change = CloseDays(first_day, last_day, name)
    return save_change(session, actor=actor, change=change, now=now)


def reopen_days(
    session: Session,
    *,
    actor: StaffMember,
    first_day: date,
    last_day: date | None = None,
    now: datetime | None = None,
) -> CalendarChanged:
    """Remove the closure on ``first_day``, or every closure up to ``last_day``."""
    change = ReopenDays(first_day, last_day or first_day)
    return save_change(session, actor=actor, change=change, now=now)

"""Changes to the business calendar and the targets, each a value that can be tried on
what the database holds (a preview: "a ticket created now would be due ...") and then
saved: ``plan`` checks it and says what it does, ``Plan.write`` makes it.

``save_change`` is the one way a change is saved: supervisors only (a refusal leaves a
"denied" row), the district's settings row locked first (two desks changing the
calendar at once take turns), the change written, the open tickets' running clocks
re-timed, then one audit row, all in the caller's transaction."""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Protocol

from sqlmodel import Session, col, select

from helpdesk_tui.data.normalize import is_clean
from helpdesk_tui.data.tables import DistrictSettings
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError, NotFound
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.kernel.text import count_of
from helpdesk_tui.services.sla.calendar import public_holidays
from helpdesk_tui.services.sla.clocks import retime_running
from helpdesk_tui.services.sla.targets import CalendarInputs, TargetRow, read_calendar_inputs
from helpdesk_tui.services.sla.targets import target_rows as read_target_rows
from helpdesk_tui.vocabulary import AuditAction

CALENDAR_SUPERVISORS = "Only a supervisor can change the business calendar or service targets."
MAX_NAME = 120
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Setup:
    """Everything a due time depends on."""

    calendar: CalendarInputs
    targets: tuple[TargetRow, ...]


def read_setup(session: Session) -> Setup:
    return Setup(read_calendar_inputs(session), read_target_rows(session))


@dataclass(frozen=True, slots=True)
class Plan:
    after: Setup
    summary: str  # what the change does, in words: the message and the audit row
    write: Callable[[Session], None]


class CalendarChange(Protocol):
    @property
    def action(self) -> AuditAction:
        """What its audit row (or its refusal's) is called."""
        ...

    def plan(self, before: Setup) -> Plan:
        """What the change would leave, checked (a DomainError says what is wrong)."""
        ...


@dataclass(frozen=True, slots=True)
class CalendarChanged:
    summary: str
    retimed: int  # open tickets whose running clock got another due time

    @property
    def message(self) -> str:
        if not self.retimed:
            return f"{self.summary}."
        return f"{self.summary}; {count_of(self.retimed, 'open ticket')} re-timed."


def save_change(
    session: Session, *, actor: StaffMember, change: CalendarChange, now: datetime | None = None
) -> CalendarChanged:
    now = resolve_now(now)
    require_supervisor(
        session, actor=actor, action=change.action, message=CALENDAR_SUPERVISORS, now=now
    )
    lock_settings(session)
    plan = change.plan(read_setup(session))
    plan.write(session)
    session.flush()
    retimed = retime_running(session, now=now)
    audit.record(
        session, actor=actor, action=change.action, guardian_id=None, detail=plan.summary, now=now
    )
    return CalendarChanged(plan.summary, retimed)


def lock_settings(session: Session) -> DistrictSettings:
    """The district's settings row, locked until the transaction ends (PostgreSQL; a
    SQLite writer holds the whole database already)."""
    row = session.exec(
        select(DistrictSettings).where(col(DistrictSettings.id) == 1).with_for_update()
    ).first()
    if row is None:
        raise NotFound("This database has no district settings yet.")
    return row


# -- words ---------------------------------------------------------------------------
def day_text(day: date) -> str:
    """'Mon 12 Oct 2026'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {day:%b %Y}"


def range_text(first: date, last: date) -> str:
    return day_text(first) if first == last else f"{day_text(first)} to {day_text(last)}"


def days_text(business_days: str) -> str:
    """'Mon-Fri', 'Mon, Wed, Fri', 'Mon-Sat'."""
    numbers = sorted(int(c) for c in business_days)
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{WEEKDAYS[numbers[0] - 1]}-{WEEKDAYS[numbers[-1] - 1]}"
    return ", ".join(WEEKDAYS[n - 1] for n in numbers)


def hours_text(c: CalendarInputs) -> str:
    return f"{c.hours_open} to {c.hours_close}, {days_text(c.business_days)}"


def clean_name(text: str, *, what: str, default: str) -> str:
    """A name typed for a closure or a busy period: one line; refused with what to do
    when it holds a control character or runs too long (a pasted blob)."""
    name = " ".join(text.split())
    if not is_clean(name):
        raise DomainError(f"The {what} holds a control character (pasted?); type it again.")
    if len(name) > MAX_NAME:
        raise DomainError(f"Keep the {what} under {MAX_NAME} characters (it is {len(name)}).")
    return name or default


_CLOCK = re.compile(r"(\d{1,2}):?(\d{2})")


def parse_clock(text: str, *, what: str) -> str:
    """'7:30', '07:30' or '0730' as 'HH:MM'."""
    found = _CLOCK.fullmatch(text.strip())
    if found is not None:
        hour, minute = int(found[1]), int(found[2])
        if hour <= 23 and minute <= 59:
            return time(hour, minute).strftime("%H:%M")
    shown = text.strip()[:20]
    raise DomainError(f"{what}: type a time as HH:MM, e.g. 07:30 (got '{shown}').")


def parse_days(text: str) -> str:
    """Business days as ISO weekday digits, '12345' for Monday to Friday."""
    digits = "".join(text.split())
    if not digits or any(c not in "1234567" for c in digits):
        raise DomainError(
            "Business days: digits 1 (Monday) to 7 (Sunday), at least one, e.g. 12345 for "
            f"Monday to Friday (got '{digits[:20]}')."
        )
    return "".join(sorted(set(digits)))


# -- which days are business days ----------------------------------------------------
def holidays_between(c: CalendarInputs, first: date, last: date) -> dict[date, str]:
    return public_holidays(c.country, c.subdivision, range(first.year, last.year + 1))


def why_closed(c: CalendarInputs, day: date, holidays: dict[date, str]) -> str | None:
    """Why ``day`` is not a business day with ``c``, or None when it is one."""
    if str(day.isoweekday()) not in c.business_days:
        return f"not a business day of the week ({WEEKDAYS[day.weekday()]})"
    closures = dict(c.closures)
    if day in closures:
        return f"already closed ({closures[day]})"
    opened = {d for d, _ in c.open_days}
    if day in holidays and day not in opened:
        return f"a public holiday ({holidays[day]})"
    return None


def with_calendar(before: Setup, **changes: object) -> Setup:
    return replace(before, calendar=replace(before.calendar, **changes))  # type: ignore[arg-type]

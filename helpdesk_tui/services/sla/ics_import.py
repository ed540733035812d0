"""Importing the district's calendar from an iCalendar (.ics) file: every all-day event
becomes closure days (a multi-day event, a range: its weekends and holidays skipped),
with a dry run listing what would change first. Events at a time of day, repeating or
cancelled ones are listed as left out, with why. A file over 10 MB, or one that is not
an iCalendar, is refused in words."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from sqlmodel import Session

from helpdesk_tui.data.normalize import clean_text
from helpdesk_tui.data.tables import ClosureDay
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.kernel.text import count_of
from helpdesk_tui.services.sla.changes import (
    CALENDAR_SUPERVISORS,
    Plan,
    Setup,
    read_setup,
    save_change,
    with_calendar,
)
from helpdesk_tui.services.sla.closures import DEFAULT_NAME, MAX_RANGE_DAYS, DaysToClose
from helpdesk_tui.services.sla.closures import days_to_close as plan_days
from helpdesk_tui.services.sla.preview import moved_by
from helpdesk_tui.services.sla.public_days import FIRST_YEAR, LAST_YEAR
from helpdesk_tui.vocabulary import AuditAction

MAX_ICS_BYTES = 10 * 1024 * 1024
MAX_EVENTS = 5000
NOT_A_CALENDAR = (
    "This is not an iCalendar (.ics) file{detail}. Export the district calendar as .ics "
    "(in Google Calendar: Settings, Import & export; in Outlook: Save calendar) and try again."
)


@dataclass(frozen=True, slots=True)
class IcsEvent:
    first_day: date
    last_day: date
    name: str


@dataclass(frozen=True, slots=True)
class LeftOut:
    name: str
    why: str


@dataclass(frozen=True, slots=True)
class IcsCalendar:
    events: tuple[IcsEvent, ...]
    left_out: tuple[LeftOut, ...]


def read_ics_file(path: Path) -> bytes:
    """The bytes of an .ics file, refused in words when it is not one to read."""
    try:
        if not path.is_file():
            raise DomainError(f"There is no file {path}; check the name and the folder.")
        if path.stat().st_size > MAX_ICS_BYTES:
            raise DomainError(
                f"{path.name} is over 10 MB: not a district calendar. Export only the "
                "school year's events."
            )
        return path.read_bytes()
    except OSError as exc:
        raise DomainError(f"Cannot read {path}: {exc.strerror or exc}.") from exc


def parse_ics(data: bytes) -> IcsCalendar:
    """The all-day events of an iCalendar, and what was left out and why."""
    if len(data) > MAX_ICS_BYTES:
        raise DomainError("The file is over 10 MB: not a district calendar.")
    if not data.strip():
        raise DomainError(NOT_A_CALENDAR.format(detail=" (it is empty)"))
    from icalendar import Calendar  # imported when needed

    try:
        calendar: Any = Calendar.from_ical(data)
    except Exception as exc:  # a parser of untrusted bytes: whatever it raises, in words
        raise DomainError(NOT_A_CALENDAR.format(detail="")) from exc
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise DomainError(NOT_A_CALENDAR.format(detail=" (no VCALENDAR in it)"))
    events: list[IcsEvent] = []
    left_out: list[LeftOut] = []
    for component in calendar.walk("VEVENT"):
        if len(events) + len(left_out) >= MAX_EVENTS:
            raise DomainError(f"The file holds over {MAX_EVENTS} events: export one year only.")
        found = _event(component)
        if isinstance(found, IcsEvent):
            events.append(found)
        else:
            left_out.append(found)
    if not events and not left_out:
        raise DomainError("The calendar holds no events; nothing to import.")
    return IcsCalendar(tuple(events), tuple(left_out))


def _event(component: Any) -> IcsEvent | LeftOut:
    name = " ".join(clean_text(str(component.get("SUMMARY", ""))).split())[:120] or DEFAULT_NAME
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return LeftOut(name, "cancelled")
    if component.get("RRULE") is not None:
        return LeftOut(name, "repeats (RRULE): add its days as closures one by one")
    try:
        start = component.decoded("DTSTART")
        if component.get("DTEND") is not None:
            end = component.decoded("DTEND")
        elif component.get("DURATION") is not None:
            end = start + component.decoded("DURATION")
        else:
            end = start + timedelta(days=1)
    except Exception:  # a malformed date in one event: that event only
        return LeftOut(name, "its dates cannot be read")
    if isinstance(start, datetime) or not isinstance(start, date):
        return LeftOut(name, "not all-day (it starts at a time of day)")
    if isinstance(end, datetime) or not isinstance(end, date):
        return LeftOut(name, "not all-day (it ends at a time of day)")
    last = max(end - timedelta(days=1), start)  # DTEND is the day after the last
    if not (start.year >= FIRST_YEAR and last.year <= LAST_YEAR):
        return LeftOut(name, f"outside {FIRST_YEAR}-{LAST_YEAR}")
    if (last - start).days + 1 > MAX_RANGE_DAYS:
        return LeftOut(name, f"longer than {MAX_RANGE_DAYS} days")
    return IcsEvent(start, last, name)


@dataclass(frozen=True, slots=True)
class ImportClosures:
    events: tuple[IcsEvent, ...]
    file_name: str
    action: ClassVar[AuditAction] = AuditAction.CALENDAR_IMPORTED

    def days(self, before: Setup) -> tuple[tuple[DaysToClose, ...], Setup]:
        """Each event's days to close, in turn (a day two events share is added once)."""
        planned: list[DaysToClose] = []
        after = before
        for event in sorted(self.events, key=lambda e: (e.first_day, e.last_day)):
            closing = plan_days(after.calendar, event.first_day, event.last_day, event.name)
            planned.append(closing)
            closures = dict(after.calendar.closures) | dict.fromkeys(closing.added, event.name)
            after = with_calendar(after, closures=tuple(sorted(closures.items())))
        return tuple(planned), after

    def plan(self, before: Setup) -> Plan:
        planned, after = self.days(before)
        added = [(day, c.name) for c in planned for day in c.added]
        if not added:
            raise DomainError(
                "Nothing to import: no day of its events is a business day still open "
                "(weekends, public holidays or closed already)."
            )
        summary = (
            f"Imported {self.file_name[:80]}: {count_of(len(planned), 'all-day event')}, "
            f"{count_of(len(added), 'closure day')} added"
        )

        def write(session: Session) -> None:
            session.add_all(ClosureDay(day=day, name=name) for day, name in added)

        return Plan(after, summary, write)


@dataclass(frozen=True, slots=True)
class IcsImport:
    events: tuple[DaysToClose, ...]
    left_out: tuple[LeftOut, ...]
    days_added: int
    dry_run: bool
    tickets_moved: int  # open tickets re-timed (or, in a dry run, that would be)

    @property
    def message(self) -> str:
        verb = "would add" if self.dry_run else "added"
        moved = (
            f"; {count_of(self.tickets_moved, 'open ticket')} "
            + ("would be re-timed" if self.dry_run else "re-timed")
            if self.tickets_moved
            else ""
        )
        left = f"; {count_of(len(self.left_out), 'event')} left out" if self.left_out else ""
        return (
            f"{count_of(len(self.events), 'all-day event')}: {verb} "
            f"{count_of(self.days_added, 'closure day')}{left}{moved}."
        )

    @property
    def lines(self) -> list[str]:
        """One line per event and per event left out, for a person to check."""
        shown = [c.summary.replace("Closed ", "", 1) for c in self.events]
        shown += [f"Left out: {e.name}: {e.why}" for e in self.left_out]
        return shown


def import_ics(
    session: Session,
    *,
    actor: StaffMember,
    data: bytes,
    file_name: str = "calendar.ics",
    dry_run: bool = False,
    now: datetime | None = None,
) -> IcsImport:
    """Close the helpdesk on the all-day events of ``data`` (an .ics file's bytes); with
    ``dry_run``, only say what that would change."""
    now = resolve_now(now)
    action = AuditAction.CALENDAR_IMPORTED
    require_supervisor(session, actor=actor, action=action, message=CALENDAR_SUPERVISORS, now=now)
    parsed = parse_ics(data)
    change = ImportClosures(parsed.events, Path(file_name).name)
    before = read_setup(session)
    planned, after = change.days(before)
    added = sum(len(c.added) for c in planned)
    if dry_run:
        moved = moved_by(session, before, after, now=now)
        return IcsImport(planned, parsed.left_out, added, True, moved)
    saved = save_change(session, actor=actor, change=change, now=now)
    return IcsImport(planned, parsed.left_out, added, False, saved.retimed)

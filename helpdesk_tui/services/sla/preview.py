"""A preview before saving: "a ticket created now (category, priority) would be
first-response due ... and resolution due ...", computed with the calendar and targets
as they would be after a change, beside how they are now, and how many open tickets'
due times the change would move."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.text import count_of
from helpdesk_tui.services.sla.changes import WEEKDAYS, CalendarChange, Setup, read_setup
from helpdesk_tui.services.sla.clocks import count_moved, running_clocks
from helpdesk_tui.services.sla.targets import calendar_from, pick_target
from helpdesk_tui.vocabulary import Category, Priority


@dataclass(frozen=True, slots=True)
class DuePreview:
    category: str
    priority: str
    created_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_response_due_before: datetime  # without the change
    resolution_due_before: datetime
    open_tickets_moved: int  # open tickets whose running clock the change would move
    time_zone: str
    change: str = ""  # what the change does, in words ('' for none)

    @property
    def moves_due_dates(self) -> bool:
        return self.open_tickets_moved > 0 or (self.first_response_due, self.resolution_due) != (
            self.first_response_due_before,
            self.resolution_due_before,
        )

    def when(self, moment: datetime) -> str:
        """'Mon 12 Oct 08:30', in the district's time zone."""
        local = moment.astimezone(ZoneInfo(self.time_zone))
        return f"{WEEKDAYS[local.weekday()]} {local.day} {local:%b %H:%M}"

    @property
    def line(self) -> str:
        kind = f"{Category.label_of(self.category)}, {Priority.label_of(self.priority)}"
        text = (
            f"A ticket created now ({kind}) would be first-response due "
            f"{self.when(self.first_response_due)} and resolution due "
            f"{self.when(self.resolution_due)}"
        )
        if (self.first_response_due, self.resolution_due) != (
            self.first_response_due_before,
            self.resolution_due_before,
        ):
            text += (
                f" (now {self.when(self.first_response_due_before)} and "
                f"{self.when(self.resolution_due_before)})"
            )
        elif self.change:
            text += " (no change)"
        if self.open_tickets_moved:
            moved = count_of(self.open_tickets_moved, "open ticket")
            text += f"; {moved} would get another due time"
        return text + "."


def preview_due(
    session: Session,
    *,
    category: str = "other",
    priority: str = "normal",
    change: CalendarChange | None = None,
    now: datetime | None = None,
) -> DuePreview:
    """Due times of a ticket created ``now``, before and after ``change`` (checked as
    saving it would: a DomainError says what is wrong, and nothing is written)."""
    if not Category.has(category):
        category = "other"  # '*' (every category), as a ticket of no particular one
    if not Priority.has(priority):
        raise DomainError(f"Priority must be one of: {', '.join(Priority)}.")
    now = resolve_now(now)
    before = read_setup(session)
    plan = change.plan(before) if change is not None else None
    after = plan.after if plan is not None else before
    was_calendar = calendar_from(before.calendar, year=now.year)
    calendar = calendar_from(after.calendar, year=now.year)
    was = pick_target(before.targets, category, priority)
    target = pick_target(after.targets, category, priority)
    moved = moved_by(session, before, after, now=now) if plan is not None else 0
    return DuePreview(
        category=category,
        priority=priority,
        created_at=now,
        first_response_due=calendar.due(now, target.first_response_minutes),
        resolution_due=calendar.due(now, target.resolution_minutes),
        first_response_due_before=was_calendar.due(now, was.first_response_minutes),
        resolution_due_before=was_calendar.due(now, was.resolution_minutes),
        open_tickets_moved=moved,
        time_zone=after.calendar.time_zone,
        change=plan.summary if plan is not None else "",
    )


def moved_by(session: Session, before: Setup, after: Setup, *, now: datetime) -> int:
    """How many open tickets' due times going from ``before`` to ``after`` moves."""
    return count_moved(
        running_clocks(session),
        (calendar_from(before.calendar, year=now.year), before.targets),
        (calendar_from(after.calendar, year=now.year), after.targets),
    )

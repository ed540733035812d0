"""Supervisors' settings of service levels: busy periods (targets stretched while they
last) and service targets per category and priority. Every change is audited and
re-times the open tickets' running clocks."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import ClassVar

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import BusyPeriodRow, SlaTarget
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError, NotFound
from helpdesk_tui.services.sla.calendar import BusyPeriod
from helpdesk_tui.services.sla.changes import (
    CalendarChanged,
    Plan,
    Setup,
    clean_name,
    range_text,
    save_change,
    with_calendar,
)
from helpdesk_tui.services.sla.closures import check_range
from helpdesk_tui.services.sla.targets import TargetRow, pick_target
from helpdesk_tui.vocabulary import AuditAction, Category, Priority

MAX_TARGET_MINUTES = 60 * 8 * 60  # sixty 8-hour business days


@dataclass(frozen=True, slots=True)
class NewBusyPeriod:
    name: str
    first_day: date
    last_day: date
    stretch_percent: int
    action: ClassVar[AuditAction] = AuditAction.BUSY_PERIOD_ADDED

    def plan(self, before: Setup) -> Plan:
        check_range(self.first_day, self.last_day)
        name = clean_name(self.name, what="busy period's name", default="Busy period")
        if not 100 <= self.stretch_percent <= 400:
            raise DomainError(
                "Stretch targets by 100% (no change) to 400% (four times as long), "
                f"not {self.stretch_percent}%."
            )
        for _, other in before.calendar.busy:
            if other.first_day <= self.last_day and other.last_day >= self.first_day:
                raise DomainError(
                    f"It overlaps the busy period {other.name} "
                    f"({range_text(other.first_day, other.last_day)}): a day has one stretch. "
                    "Change the dates, or remove that one first."
                )
        period = BusyPeriod(name, self.first_day, self.last_day, self.stretch_percent)
        busy = tuple(sorted((*before.calendar.busy, (0, period)), key=lambda b: b[1].first_day))
        summary = (
            f"Busy period {name}: {range_text(self.first_day, self.last_day)}, "
            f"targets at {self.stretch_percent}%"
        )

        def write(session: Session) -> None:
            session.add(
                BusyPeriodRow(
                    name=name,
                    first_day=self.first_day,
                    last_day=self.last_day,
                    stretch_percent=self.stretch_percent,
                )
            )

        return Plan(with_calendar(before, busy=busy), summary, write)


@dataclass(frozen=True, slots=True)
class DropBusyPeriod:
    busy_id: int
    action: ClassVar[AuditAction] = AuditAction.BUSY_PERIOD_REMOVED

    def plan(self, before: Setup) -> Plan:
        found = dict(before.calendar.busy).get(self.busy_id)
        if found is None:
            raise NotFound(
                f"There is no busy period #{self.busy_id} (removed at another desk?); "
                "reload the list."
            )
        busy = tuple(b for b in before.calendar.busy if b[0] != self.busy_id)
        summary = (
            f"Busy period {found.name} removed "
            f"({range_text(found.first_day, found.last_day)}, targets at {found.stretch_percent}%)"
        )

        def write(session: Session) -> None:
            row = session.get(BusyPeriodRow, self.busy_id)
            if row is not None:
                session.delete(row)

        return Plan(with_calendar(before, busy=busy), summary, write)


def target_label(category: str, priority: str) -> str:
    what = "every category" if category == "*" else Category.label_of(category)
    return f"{what}, {Priority.label_of(priority)} priority"


@dataclass(frozen=True, slots=True)
class NewTarget:
    category: str
    priority: str
    first_response_minutes: int
    resolution_minutes: int
    action: ClassVar[AuditAction] = AuditAction.SLA_TARGET_SET

    def plan(self, before: Setup) -> Plan:
        category, priority = self.category, self.priority
        if category != "*" and not Category.has(category):
            raise DomainError(f"Category must be * or one of: {', '.join(Category)}.")
        if not Priority.has(priority):
            raise DomainError(f"Priority must be one of: {', '.join(Priority)}.")
        first, resolution = self.first_response_minutes, self.resolution_minutes
        if not 1 <= first <= resolution:
            raise DomainError(
                "The first response must be due before (or with) the resolution, and after "
                f"0 minutes (got {first} and {resolution})."
            )
        if resolution > MAX_TARGET_MINUTES:
            raise DomainError(
                f"Targets are at most {MAX_TARGET_MINUTES} business minutes (sixty 8-hour "
                f"days); got {resolution}."
            )
        was = pick_target(before.targets, category, priority)
        targets = tuple(
            sorted(
                (
                    *(
                        t
                        for t in before.targets
                        if (t.category, t.priority) != (category, priority)
                    ),
                    TargetRow(category, priority, first, resolution),
                ),
                key=lambda t: (t.category, t.priority),
            )
        )
        summary = (
            f"Target for {target_label(category, priority)}: first response {first} min, "
            f"resolution {resolution} min of business time (was {was.first_response_minutes} "
            f"and {was.resolution_minutes})"
        )

        def write(session: Session) -> None:
            row = session.exec(
                select(SlaTarget).where(
                    col(SlaTarget.category) == category, col(SlaTarget.priority) == priority
                )
            ).first()
            if row is None:
                row = SlaTarget(
                    category=category,
                    priority=priority,
                    first_response_minutes=first,
                    resolution_minutes=resolution,
                )
                session.add(row)
            row.first_response_minutes, row.resolution_minutes = first, resolution

        return Plan(replace(before, targets=targets), summary, write)


def add_busy_period(
    session: Session,
    *,
    actor: StaffMember,
    name: str,
    first_day: date,
    last_day: date,
    stretch_percent: int,
    now: datetime | None = None,
) -> CalendarChanged:
    """A busy period: tickets arriving from ``first_day`` to ``last_day`` get targets
    stretched to ``stretch_percent``; the queue shows a banner meanwhile."""
    change = NewBusyPeriod(name, first_day, last_day, stretch_percent)
    return save_change(session, actor=actor, change=change, now=now)


def remove_busy_period(
    session: Session, *, actor: StaffMember, busy_id: int, now: datetime | None = None
) -> CalendarChanged:
    return save_change(session, actor=actor, change=DropBusyPeriod(busy_id), now=now)


def set_target(
    session: Session,
    *,
    actor: StaffMember,
    category: str,
    priority: str,
    first_response_minutes: int,
    resolution_minutes: int,
    now: datetime | None = None,
) -> CalendarChanged:
    """Business minutes to the first response and to resolution for ``category`` ('*'
    for every category without its own) and ``priority``."""
    change = NewTarget(category, priority, first_response_minutes, resolution_minutes)
    return save_change(session, actor=actor, change=change, now=now)

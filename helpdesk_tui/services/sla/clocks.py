"""A ticket's two clocks (first response, resolution): due times from its arrival, its
targets and the business time it spent waiting on the guardian; and re-timing the
clocks still running when the calendar or the targets change."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session

from helpdesk_tui.data.tables import Ticket, core_table
from helpdesk_tui.services.sla.calendar import BusinessCalendar, OutsideCalendar
from helpdesk_tui.services.sla.targets import (
    TargetRow,
    load_calendar,
    pick_target,
    target_rows,
    targets_for,
)
from helpdesk_tui.vocabulary import RUNNING

_t = core_table(Ticket)


def set_clocks(
    session: Session, ticket: Ticket, now: datetime, calendar: BusinessCalendar | None = None
) -> None:
    """Recompute both due times from the arrival time, the targets and the paused
    business time, and which of them runs now."""
    calendar = calendar or load_calendar(session, now=now)
    targets = targets_for(session, ticket.category, ticket.priority)
    paused = ticket.paused_seconds
    ticket.first_response_due_at = calendar.due(
        ticket.created_at, targets.first_response_minutes, paused_seconds=paused
    )
    ticket.resolution_due_at = calendar.due(
        ticket.created_at, targets.resolution_minutes, paused_seconds=paused
    )
    running = ticket.status in RUNNING
    ticket.due_at = (
        None
        if not running
        else ticket.first_response_due_at
        if ticket.first_response_at is None
        else ticket.resolution_due_at
    )


@dataclass(frozen=True, slots=True)
class NewDue:
    ticket_id: int
    first_response_due_at: datetime | None
    resolution_due_at: datetime
    due_at: datetime


def _utc(moment: datetime) -> datetime:
    # SQLite gives stored instants back without their zone; they were written in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _same(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs((_utc(a) - _utc(b)).total_seconds()) < 1


def _same_dues(a: NewDue, b: NewDue) -> bool:
    return (
        _same(a.first_response_due_at, b.first_response_due_at)
        and _same(a.resolution_due_at, b.resolution_due_at)
        and _same(a.due_at, b.due_at)
    )


@dataclass(frozen=True, slots=True)
class RunningClock:
    """An open ticket whose clock runs, as its due times are computed from."""

    ticket_id: int
    created_at: datetime
    category: str
    priority: str
    paused_seconds: float
    answered: bool  # a first response given: that clock has stopped
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    due_at: datetime | None

    def due_with(self, calendar: BusinessCalendar, targets: Iterable[TargetRow]) -> NewDue | None:
        """Its due times with ``calendar`` and ``targets``: None when the calendar does
        not reach back to its arrival. A clock that has stopped (a first response
        given) keeps its due time: the service-level figures measured it against that."""
        target = pick_target(targets, self.category, self.priority)
        paused = self.paused_seconds
        try:
            resolution = calendar.due(
                self.created_at, target.resolution_minutes, paused_seconds=paused
            )
            first = (
                None
                if self.answered
                else calendar.due(
                    self.created_at, target.first_response_minutes, paused_seconds=paused
                )
            )
        except OutsideCalendar:
            return None
        return NewDue(self.ticket_id, first, resolution, first or resolution)

    def is_stored(self, new: NewDue) -> bool:
        return (
            _same(new.resolution_due_at, self.resolution_due_at)
            and _same(new.due_at, self.due_at)
            and (self.answered or _same(new.first_response_due_at, self.first_response_due_at))
        )


def running_clocks(session: Session) -> list[RunningClock]:
    """The open tickets whose clocks run, in id order."""
    found = session.connection().execute(
        select(
            _t.c.id,
            _t.c.created_at,
            _t.c.category,
            _t.c.priority,
            _t.c.paused_seconds,
            _t.c.first_response_at,
            _t.c.first_response_due_at,
            _t.c.resolution_due_at,
            _t.c.due_at,
        )
        .where(_t.c.status.in_(list(RUNNING)))
        .order_by(_t.c.id)
    )
    return [
        RunningClock(
            r.id,
            _utc(r.created_at),
            r.category,
            r.priority,
            r.paused_seconds,
            r.first_response_at is not None,
            r.first_response_due_at,
            r.resolution_due_at,
            r.due_at,
        )
        for r in found
    ]


def count_moved(
    clocks: Iterable[RunningClock],
    before: tuple[BusinessCalendar, tuple[TargetRow, ...]],
    after: tuple[BusinessCalendar, tuple[TargetRow, ...]],
) -> int:
    """How many of ``clocks`` a change from ``before`` to ``after`` (each a calendar
    and its targets) would make due at another time (either running clock: the first
    response, or the resolution after it)."""
    moved = 0
    for clock in clocks:
        was, now = clock.due_with(*before), clock.due_with(*after)
        if was is not None and now is not None and not _same_dues(was, now):
            moved += 1
    return moved


def retime_running(session: Session, *, now: datetime) -> int:
    """Give the open tickets' running clocks the due times of the calendar and targets
    as they are now (after a change in this transaction); how many moved. Tickets are
    updated in id order (one lock order for every such change)."""
    calendar, targets = load_calendar(session, now=now), target_rows(session)
    moved = [
        new
        for clock in running_clocks(session)
        if (new := clock.due_with(calendar, targets)) is not None and not clock.is_stored(new)
    ]
    if moved:
        keep_first = func.coalesce(
            bindparam("b_first", type_=_t.c.first_response_due_at.type), _t.c.first_response_due_at
        )
        session.connection().execute(
            update(_t)
            .where(_t.c.id == bindparam("b_id"))
            .values(
                first_response_due_at=keep_first,
                resolution_due_at=bindparam("b_resolution"),
                due_at=bindparam("b_due"),
            ),
            [
                {
                    "b_id": m.ticket_id,
                    "b_first": m.first_response_due_at,
                    "b_resolution": m.resolution_due_at,
                    "b_due": m.due_at,
                }
                for m in moved
            ],
        )
    if moved:
        session.expire_all()  # ticket objects loaded earlier in this session are stale
    return len(moved)

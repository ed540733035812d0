"""The service-level figures as read models: what ``service_levels`` returns. The
meaning of each is in docs/service-levels.md; times are business seconds."""

from dataclasses import dataclass
from datetime import date, datetime

from helpdesk_tui.services.sla import BusyPeriod


@dataclass(frozen=True, slots=True)
class Count:
    value: str  # the stored word (a channel, a category)
    label: str  # the words for it
    count: int


@dataclass(frozen=True, slots=True)
class ClockFigures:
    """One clock's due times in the range. ``met_percent`` is met of met and breached
    (None when neither): what is not yet due counts for nothing yet."""

    due: int
    met: int
    breached: int
    not_yet_due: int
    met_percent: float | None


@dataclass(frozen=True, slots=True)
class TimeFigures:
    """Business seconds from arrival, over the tickets answered (or resolved) in the range."""

    count: int
    median_seconds: float | None
    p90_seconds: float | None


@dataclass(frozen=True, slots=True)
class AgeBand:
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One business day of the range (one that has begun). What arrives after a
    business day closes, or on a day the helpdesk is closed, counts on the next one."""

    day: date
    closes_at: datetime  # the helpdesk's closing time that day
    received: int  # arrived since the business day before closed
    first_response: ClockFigures  # first responses due that day
    resolution: ClockFigures  # resolutions due that day
    open_at_close: int | None  # None: the day has not closed yet
    busy_period: str | None = None  # the busy period the day falls in


@dataclass(frozen=True, slots=True)
class AgentFigures:
    staff_id: int
    name: str
    username: str
    open_now: int  # assigned to them
    resolved: int  # in the range, while assigned to them
    first_response: ClockFigures  # due in the range, assigned to them
    calls_taken: int  # phone and walk-in tickets they opened in the range


@dataclass(frozen=True, slots=True)
class LateTicket:
    ticket_id: int
    number: int
    label: str
    subject: str
    clock: str  # "first response" or "resolution"
    due_at: datetime
    late_seconds: float  # business time since it was due


@dataclass(frozen=True, slots=True)
class TeamFigures:
    received: int
    by_channel: tuple[Count, ...]
    by_category: tuple[Count, ...]
    first_response: ClockFigures
    resolution: ClockFigures
    first_response_time: TimeFigures
    resolution_time: TimeFigures  # the wait on the guardian left out
    open_now: int
    pending_on_guardian: int  # of open_now
    open_by_age: tuple[AgeBand, ...]
    daily: tuple[DayFigures, ...]  # the range's business days that have begun


@dataclass(frozen=True, slots=True)
class ServiceLevels:
    first_day: date
    last_day: date
    now: datetime
    time_zone: str
    business_day_hours: float
    team: TeamFigures | None  # None for an agent: team totals are for supervisors
    agents: tuple[AgentFigures, ...]
    busy_periods: tuple[BusyPeriod, ...]  # those overlapping the range
    oldest_breaching: tuple[LateTicket, ...]

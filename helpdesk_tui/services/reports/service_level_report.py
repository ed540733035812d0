"""Service-level figures for a range of days, in business time: what came in, how the
first-response and resolution clocks did, how long answers and resolutions took, what
is open now and how old, each business day's figures (arrivals, clocks due, the
backlog at its close), the figures per agent, the busy periods, and the tickets most
overdue now. docs/service-levels.md says what each figure means.

Supervisors see everything. An agent sees their own figures only: their row of the
per-agent table and their own overdue tickets; the team's totals are left out (None),
not refused, so one screen serves both. A school clerk is refused.

The database counts (service_level_queries: a few rows per business day, channel or
assignee, never one per ticket); the percentiles read the business times stored on the
tickets, measuring only those that do not hold (business_times); Python adds up.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection
from sqlmodel import Session

from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.reports.business_times import (
    FIRST_RESPONSE,
    RESOLUTION,
    MeasuringClock,
    measuring_clock,
    stored_times,
    time_figures,
)
from helpdesk_tui.services.reports.service_level_days import Days
from helpdesk_tui.services.reports.service_level_figures import (
    AgeBand,
    AgentFigures,
    ClockFigures,
    Count,
    DayFigures,
    LateTicket,
    ServiceLevels,
    TeamFigures,
)
from helpdesk_tui.services.reports.service_level_queries import (
    CATEGORIES,
    CHANNELS,
    OpenRow,
    arrivals,
    calls_taken,
    closed_unresolved,
    first_response_clock,
    is_pending,
    oldest_breaching,
    open_before,
    open_now,
    resolution_clock,
    resolved,
    staff_names,
)
from helpdesk_tui.services.sla import BusyPeriod, load_calendar
from helpdesk_tui.vocabulary import AuditAction, Category, Channel, Role

MAX_RANGE_DAYS = 366
AGE_LIMITS = (5, 3, 1)  # business days, the oldest band's first
AGE_BANDS = (
    "under 1 business day",
    "1 to 3 business days",
    "3 to 5 business days",
    "5 business days or more",
)
OLDEST = 10
REPORT_ACTION = AuditAction.SLA_REPORT  # a clerk's refused request, in the audit trail
REFUSED = (
    "Service-level figures are for supervisors (the whole team) and agents (their own); "
    "ask a supervisor for them."
)


def service_levels(
    session: Session,
    *,
    actor: StaffMember,
    first_day: date,
    last_day: date,
    now: datetime | None = None,
) -> ServiceLevels:
    """The figures for the local days ``first_day`` to ``last_day`` (inclusive)."""
    now = resolve_now(now).astimezone(UTC)
    if actor.role not in (Role.SUPERVISOR, Role.AGENT):
        raise audit.deny(
            session, actor=actor, action=REPORT_ACTION, guardian_id=None, message=REFUSED, now=now
        )
    calendar = load_calendar(session, now=now)
    _check_range(first_day, last_day, calendar.first_day, calendar.last_day)
    district = get_district(session)
    zone = calendar.zone
    measuring = measuring_clock(session, now)
    clock = measuring.clock
    days_in_range = [d for d in clock.days if first_day <= d[0] <= last_day]
    days = Days(
        datetime.combine(first_day, time(0), zone).astimezone(UTC),
        datetime.combine(last_day + timedelta(days=1), time(0), zone).astimezone(UTC),
        tuple(datetime.fromtimestamp(c, UTC) for _, _, c in days_in_range),
    )
    conn = session.connection()
    mine = None if actor.role == Role.SUPERVISOR else actor.id
    [elapsed_now] = clock.elapsed([now.timestamp()])
    limits = [_instant(clock.latest_with(elapsed_now - n * clock.day_seconds)) for n in AGE_LIMITS]
    busy = tuple(
        p for p in calendar.busy_periods if p.first_day <= last_day and p.last_day >= first_day
    )
    if mine is None:
        staff = staff_names(conn)
        team, agents = _team(conn, measuring, days, days_in_range, now, limits, busy, staff)
    else:
        staff = {actor.id: (actor.full_name, actor.username, actor.role, True)}
        team, agents = None, _own(conn, days.whole(), now, limits, staff, actor.id)
    late = oldest_breaching(conn, now, limit=OLDEST, assignee_id=mine)
    now_ts = now.timestamp()
    return ServiceLevels(
        first_day=first_day,
        last_day=last_day,
        now=now,
        time_zone=district.time_zone,
        business_day_hours=clock.day_seconds / 3600,
        team=team,
        agents=agents,
        busy_periods=busy,
        oldest_breaching=tuple(
            LateTicket(
                ticket_id=row.id,
                number=row.number,
                label=f"HD-{row.number}",
                subject=row.subject,
                clock="resolution" if row.answered else "first response",
                due_at=row.due_at,
                late_seconds=clock.between(row.due_at.timestamp(), now_ts),
            )
            for row in late
        ),
    )


def recent_business_days(
    session: Session, *, count: int, now: datetime | None = None
) -> tuple[date, date]:
    """The range of the last ``count`` business days up to today (today included when
    it is one): what the dashboard's 30 and 90 business-day ranges show."""
    now = resolve_now(now).astimezone(UTC)
    clock = measuring_clock(session, now).clock
    today = now.astimezone(load_calendar(session, now=now).zone).date()
    past = [day for day, _, _ in clock.days if day <= today][-count:]
    return (past[0] if past else today), today


def _check_range(first_day: date, last_day: date, earliest: date, latest: date) -> None:
    if last_day < first_day:
        raise DomainError(
            f"The range ends ({last_day}) before it starts ({first_day}); give the earlier day first."
        )
    days = (last_day - first_day).days + 1
    if days > MAX_RANGE_DAYS:
        raise DomainError(
            f"Choose at most {MAX_RANGE_DAYS} days; {first_day} to {last_day} is {days:,} days."
        )
    if first_day < earliest or last_day > latest:
        raise DomainError(
            f"The business calendar covers {earliest} to {latest}; choose days within it."
        )


def _instant(epoch: float) -> datetime:
    """An epoch limit as a datetime the database can compare (infinities clamped)."""
    return datetime.fromtimestamp(min(max(epoch, 0.0), 253402214400.0), UTC)


def clock_figures(due: int, met: int, breached: int) -> ClockFigures:
    decided = met + breached
    return ClockFigures(
        due=due,
        met=met,
        breached=breached,
        not_yet_due=due - decided,
        met_percent=round(100 * met / decided, 1) if decided else None,
    )


def _clock(counts: list[int] | None) -> ClockFigures:
    due, met, breached = counts or (0, 0, 0)
    return clock_figures(due, met, breached)


def _bands(rows: list[OpenRow]) -> list[int]:
    """Open tickets per age band, the youngest first."""
    n = sum(r.count for r in rows)
    older = [sum(r.older[i] for r in rows) for i in range(len(AGE_LIMITS))]  # oldest first
    cumulative = [n, *reversed(older)]  # arrived by now, by 1, 3 and 5 days ago
    return [a - b for a, b in zip(cumulative, [*cumulative[1:], 0], strict=True)]


def _team(
    conn: Connection,
    measuring: MeasuringClock,
    days: Days,
    days_in_range: list[tuple[date, float, float]],
    now: datetime,
    limits: list[datetime],
    busy_periods: tuple[BusyPeriod, ...],
    staff: dict[int, tuple[str, str, str, bool]],
) -> tuple[TeamFigures, tuple[AgentFigures, ...]]:
    ids = list(staff)
    received = [0] * days.count
    by_channel = dict.fromkeys(CHANNELS, 0)
    by_category = dict.fromkeys(CATEGORIES, 0)
    for b, channel, category, n in arrivals(conn, days):
        received[b] += n
        by_channel[Channel(channel)] += n
        by_category[Category(category)] += n
    first = first_response_clock(conn, days, now, ids)
    resolution = resolution_clock(conn, days, now)
    # SQLite reads the stored resolution times with the tickets resolved per day.
    sqlite = conn.dialect.name == "sqlite"
    times = stored_times(RESOLUTION, measuring.key) if sqlite else []
    done = resolved(conn, days, ids, extra=times)
    ended = [a + b for a, b in zip(done.per_day, closed_unresolved(conn, days), strict=True)]
    open_rows = open_now(conn, limits)
    bands = _bands(open_rows)
    team = TeamFigures(
        received=sum(received),
        by_channel=tuple(Count(c.value, c.label, n) for c, n in by_channel.items()),
        by_category=tuple(Count(c.value, c.label, n) for c, n in by_category.items()),
        first_response=_clock([sum(c) for c in zip(*first.per_day, strict=True)]),
        resolution=_clock([sum(c) for c in zip(*resolution.per_day, strict=True)]),
        first_response_time=time_figures(conn, measuring, days.start, days.end, FIRST_RESPONSE),
        resolution_time=time_figures(
            conn, measuring, days.start, days.end, RESOLUTION, done.extra if sqlite else None
        ),
        open_now=sum(bands),
        pending_on_guardian=sum(r.count for r in open_rows if is_pending(r)),
        open_by_age=tuple(AgeBand(label, n) for label, n in zip(AGE_BANDS, bands, strict=True)),
        daily=_daily(
            days_in_range,
            now,
            received,
            first.per_day,
            resolution.per_day,
            ended,
            open_before(conn, days, sum(received), sum(ended)),
            busy_periods,
        ),
    )
    calls = calls_taken(conn, days, ids)
    return team, _agents(staff, open_rows, done.per_assignee, first.per_assignee, calls, only=None)


def _daily(
    days_in_range: list[tuple[date, float, float]],
    now: datetime,
    received: list[int],
    first: list[list[int]],
    resolution: list[list[int]],
    ended: list[int],
    open_before: int,
    busy_periods: tuple[BusyPeriod, ...],
) -> tuple[DayFigures, ...]:
    """Each business day that has begun, its backlog a running count from the tickets
    open when the range began: arrived by its close, not resolved or closed by then."""
    now_ts = now.timestamp()
    backlog = open_before
    series = []
    for i, (day, opens, closes) in enumerate(days_in_range):
        if opens > now_ts:
            break
        backlog += received[i] - ended[i]
        series.append(
            DayFigures(
                day=day,
                closes_at=datetime.fromtimestamp(closes, UTC),
                received=received[i],
                first_response=_clock(first[i]),
                resolution=_clock(resolution[i]),
                open_at_close=backlog if closes <= now_ts else None,
                busy_period=next((p.name for p in busy_periods if p.covers(day)), None),
            )
        )
    return tuple(series)


def _own(
    conn: Connection,
    whole: Days,
    now: datetime,
    limits: list[datetime],
    staff: dict[int, tuple[str, str, str, bool]],
    me: int,
) -> tuple[AgentFigures, ...]:
    """An agent's own row: only the tickets assigned to them (or their calls) are read."""
    open_rows = open_now(conn, limits, staff_id=me)
    done = resolved(conn, whole, [me], team=False)
    first = first_response_clock(conn, whole, now, [me], team=False)
    calls = calls_taken(conn, whole, [me])
    return _agents(staff, open_rows, done.per_assignee, first.per_assignee, calls, only=me)


def _agents(
    staff: dict[int, tuple[str, str, str, bool]],
    open_rows: list[OpenRow],
    resolved_by: dict[int, int],
    clocks: dict[int, list[int]],
    calls: dict[int, int],
    *,
    only: int | None,
) -> tuple[AgentFigures, ...]:
    """A row for every active agent and supervisor, and for anyone else with a figure
    (a clerk who took walk-ins, someone since deactivated); ``only``: that one."""
    opened: dict[int, int] = {}
    for r in open_rows:
        if r.assignee_id is not None:
            opened[r.assignee_id] = opened.get(r.assignee_id, 0) + r.count
    if only is not None:
        wanted = {only}
    else:
        wanted = {i for i, (_, _, role, active) in staff.items() if active and role != Role.CLERK}
        wanted |= {i for i, n in calls.items() if n} | set(opened)
        wanted |= {i for i, n in resolved_by.items() if n} | {i for i, c in clocks.items() if c[0]}
    rows = []
    for staff_id in wanted:
        name, username, _, _ = staff.get(staff_id, ("(unknown)", "", "", False))
        rows.append(
            AgentFigures(
                staff_id=staff_id,
                name=name,
                username=username,
                open_now=opened.get(staff_id, 0),
                resolved=resolved_by.get(staff_id, 0),
                first_response=_clock(clocks.get(staff_id)),
                calls_taken=calls.get(staff_id, 0),
            )
        )
    return tuple(sorted(rows, key=lambda r: (r.name.casefold(), r.staff_id)))

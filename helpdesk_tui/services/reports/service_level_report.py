"""Service-level figures for a range of days, in business time: what came in, how the
first-response and resolution clocks did, how long answers and resolutions took, what
is open now and how old, the backlog at the end of each business day, the figures per
agent, the busy periods, and the tickets most overdue now. docs/service-levels.md says
what each figure means.

Supervisors see everything. An agent sees their own figures only: their row of the
per-agent table and their own overdue tickets; the team's totals are left out (None),
not refused, so one screen serves both. A school clerk is refused.

Counts are aggregated in the database; the percentiles and the backlog read a few
instants per ticket as epoch seconds and measure them with ``BusinessClock``.
"""

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate, compress, repeat
from operator import sub

from sqlmodel import Session

from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.reports.business_clock import BusinessClock, median, percentile
from helpdesk_tui.services.reports.service_level_figures import (
    AgeBand,
    AgentFigures,
    BacklogPoint,
    ClockFigures,
    Count,
    LateTicket,
    ServiceLevels,
    TeamFigures,
    TimeFigures,
)
from helpdesk_tui.services.reports.service_level_queries import (
    BREACHED,
    MET,
    Scan,
    State,
    Window,
    arrival_of,
    oldest_breaching,
    scan,
    staff_names,
)
from helpdesk_tui.services.sla import BusyPeriod, load_calendar
from helpdesk_tui.vocabulary import AuditAction, Category, Channel, Role

MAX_RANGE_DAYS = 366
AGE_LIMITS = (1, 3, 5)  # business days
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
    zone, today = calendar.zone, now.astimezone(calendar.zone).date()
    window = Window(
        datetime.combine(first_day, time(0), zone).astimezone(UTC),
        datetime.combine(last_day + timedelta(days=1), time(0), zone).astimezone(UTC),
        now,
    )
    conn = session.connection()
    mine = None if actor.role == Role.SUPERVISOR else actor.id
    late = oldest_breaching(conn, now, limit=OLDEST, assignee_id=mine)
    hours = time.fromisoformat(district.hours_open), time.fromisoformat(district.hours_close)
    latest = max(last_day, today) + timedelta(days=1)
    # From far enough back for the oldest age band's limit and the most overdue ticket.
    earliest = min([first_day, today] + [r.due_at.astimezone(zone).date() for r in late])
    clock = BusinessClock(
        calendar, opens=hours[0], closes=hours[1], first=earliest - timedelta(days=45), last=latest
    )
    now_ts = now.timestamp()
    [elapsed_now] = clock.elapsed([now_ts])
    limits = [clock.latest_with(elapsed_now - n * clock.day_seconds) for n in AGE_LIMITS]
    found = scan(
        conn, window, [_instant(t) for t in reversed(limits)], times=mine is None, staff_id=mine
    )
    if found.created and (oldest := datetime.fromtimestamp(min(found.created), zone).date()) < (
        clock.days[0][0] if clock.days else earliest
    ):  # a ticket read arrived before the clock's window: measure from its arrival
        clock = BusinessClock(calendar, opens=hours[0], closes=hours[1], first=oldest, last=latest)
    busy = tuple(
        p for p in calendar.busy_periods if p.first_day <= last_day and p.last_day >= first_day
    )
    states = [(State.of(key), n) for key, n in found.states.items()]
    arrivals = [(*arrival_of(key), n) for key, n in found.arrivals.items()]
    if mine is None:
        staff = staff_names(conn)
    else:
        staff = {actor.id: (actor.full_name, actor.username, actor.role, True)}
    return ServiceLevels(
        first_day=first_day,
        last_day=last_day,
        now=now,
        time_zone=district.time_zone,
        business_day_hours=clock.day_seconds / 3600,
        team=_team(clock, window, busy, states, arrivals, found) if mine is None else None,
        agents=_agents(staff, states, arrivals, only=mine),
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


def _clock(counts: list[tuple[int, int]]) -> ClockFigures:
    """One clock's figures from (outcome, tickets) pairs."""
    tally = dict.fromkeys(range(4), 0)
    for outcome, n in counts:
        tally[outcome] += n
    met, breached = tally[MET], tally[BREACHED]
    decided = met + breached
    return ClockFigures(
        due=sum(tally.values()) - tally[0],
        met=met,
        breached=breached,
        not_yet_due=sum(tally.values()) - tally[0] - decided,
        met_percent=round(100 * met / decided, 1) if decided else None,
    )


def _agents(
    staff: dict[int, tuple[str, str, str, bool]],
    states: list[tuple[State, int]],
    arrivals: list[tuple[int | None, Channel, Category, int]],
    *,
    only: int | None,
) -> tuple[AgentFigures, ...]:
    """A row for every active agent and supervisor, and for anyone else with a figure
    (a clerk who took walk-ins, someone since deactivated); ``only``: that one."""
    counted: dict[int, list[tuple[State, int]]] = {}
    for state, n in states:
        if state.assignee_id is not None:
            counted.setdefault(state.assignee_id, []).append((state, n))
    calls: dict[int, int] = {}
    for taker, _, _, n in arrivals:
        if taker is not None:
            calls[taker] = calls.get(taker, 0) + n
    if only is not None:
        wanted = {only}
    else:
        wanted = {i for i, (_, _, role, active) in staff.items() if active and role != Role.CLERK}
        wanted |= set(calls) | {
            i
            for i, rows in counted.items()
            if any(s.age_band is not None or s.resolved or s.first_response for s, _ in rows)
        }
    rows = []
    for staff_id in wanted:
        name, username, _, _ = staff.get(staff_id, ("(unknown)", "", "", False))
        mine = counted.get(staff_id, [])
        rows.append(
            AgentFigures(
                staff_id=staff_id,
                name=name,
                username=username,
                open_now=sum(n for s, n in mine if s.age_band is not None),
                resolved=sum(n for s, n in mine if s.resolved),
                first_response=_clock([(s.first_response, n) for s, n in mine]),
                calls_taken=calls.get(staff_id, 0),
            )
        )
    return tuple(sorted(rows, key=lambda r: (r.name.casefold(), r.staff_id)))


def _team(
    clock: BusinessClock,
    window: Window,
    busy_periods: tuple[BusyPeriod, ...],
    states: list[tuple[State, int]],
    arrivals: list[tuple[int | None, Channel, Category, int]],
    found: Scan,
) -> TeamFigures:
    by_channel = dict.fromkeys(Channel, 0)
    by_category = dict.fromkeys(Category, 0)
    for _, channel, category, n in arrivals:
        by_channel[channel] += n
        by_category[category] += n
    bands = [0] * len(AGE_BANDS)
    for state, n in states:
        if state.age_band is not None:
            bands[state.age_band] += n
    first_response_time, resolution_time, backlog = _from_times(clock, window, busy_periods, found)
    return TeamFigures(
        received=sum(by_channel.values()),
        by_channel=tuple(Count(c.value, c.label, n) for c, n in by_channel.items()),
        by_category=tuple(Count(c.value, c.label, n) for c, n in by_category.items()),
        first_response=_clock([(s.first_response, n) for s, n in states]),
        resolution=_clock([(s.resolution, n) for s, n in states]),
        first_response_time=first_response_time,
        resolution_time=resolution_time,
        open_now=sum(bands),
        pending_on_guardian=sum(n for s, n in states if s.pending),
        open_by_age=tuple(AgeBand(label, n) for label, n in zip(AGE_BANDS, bands, strict=True)),
        backlog=backlog,
    )


def _from_times(
    clock: BusinessClock, window: Window, busy_periods: tuple[BusyPeriod, ...], found: Scan
) -> tuple[TimeFigures, TimeFigures, tuple[BacklogPoint, ...]]:
    """Percentiles of business time to the first response and to resolution, and the
    backlog at each business day's close: the one per-ticket loop, kept lean."""
    arrived = clock.elapsed(found.created)
    answered = [f is not None for f in found.answered]
    to_answer = sorted(
        map(
            sub,
            clock.elapsed([f for f in found.answered if f is not None]),
            compress(arrived, answered),
        )
    )
    resolved = [p is not None for p in found.paused]  # then ``ended`` is when
    done = clock.elapsed(
        [e for e, r in zip(found.ended, resolved, strict=True) if r and e is not None]
    )
    waited = [p for p in found.paused if p is not None]
    to_resolve = sorted(map(sub, map(sub, done, compress(arrived, resolved)), waited))
    to_resolve[: bisect_left(to_resolve, 0.0)] = [0.0] * bisect_left(to_resolve, 0.0)
    start, end, now = window.start.timestamp(), window.end.timestamp(), window.now.timestamp()
    closed = [(day, c) for day, _, c in clock.days if start <= c < end and c <= now]
    # Open at a close: arrived by then, not yet resolved or closed. A millisecond of
    # slack: SQLite's instants (from julianday) can be 50 us off, and a ticket resolved
    # at the closing time itself counts as closed by then.
    limits = [c + 1e-3 for _, c in closed]
    opened = _running_counts(limits, found.created)
    ended = _running_counts(limits, [e for e in found.ended if e is not None])
    busy = {day: p.name for day, _ in closed for p in busy_periods if p.covers(day)}
    backlog = tuple(
        BacklogPoint(day, datetime.fromtimestamp(c, UTC), o - e, busy.get(day))
        for (day, c), o, e in zip(closed, opened, ended, strict=True)
    )
    return _times(to_answer), _times(to_resolve), backlog


def _running_counts(limits: list[float], moments: Iterable[float]) -> list[int]:
    """How many of ``moments`` are at or before each of the sorted ``limits`` (a bisect
    into the few limits per moment, rather than sorting 100,000 moments)."""
    before = Counter(map(bisect_left, repeat(limits), moments))
    return list(accumulate(before.get(i, 0) for i in range(len(limits))))


def _times(ordered: list[float]) -> TimeFigures:
    return TimeFigures(len(ordered), median(ordered), percentile(ordered, 0.9))

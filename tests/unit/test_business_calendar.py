"""Business time across weekends, holidays, DST changes and after-hours starts."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_tui.services.sla import BusyPeriod, build_calendar

CHICAGO = ZoneInfo("America/Chicago")
CAL = build_calendar(
    time_zone="America/Chicago",
    hours_open="07:30",
    hours_close="15:30",
    business_days="12345",
    country="US",
    subdivision="IL",
    closures={date(2026, 12, 21): "Winter break", date(2026, 12, 22): "Winter break"},
    busy_periods=[BusyPeriod("School opening", date(2026, 8, 10), date(2026, 8, 28), 150)],
    around=date(2026, 11, 23),
)
HOUR = 3600

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 1), timezones=st.just(UTC)
)
durations = st.floats(min_value=1, max_value=40 * 8 * HOUR, allow_nan=False)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


@settings(max_examples=300)
@given(instants, durations)
def test_adding_then_measuring_round_trips(start, seconds):
    due = CAL.add(start, seconds)
    assert abs(CAL.business_seconds(start, due) - seconds) < 1e-3


@settings(max_examples=300)
@given(instants, durations)
def test_a_due_time_is_always_within_business_hours(start, seconds):
    due = CAL.add(start, seconds).astimezone(CHICAGO)
    assert due.isoweekday() <= 5 and due.date() not in CAL.closed_days
    assert (due.hour, due.minute) >= (7, 30) and (due.hour, due.minute, due.second) <= (15, 30, 0)


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 11, 30)))
def test_holidays_and_weekends_never_count(day):
    start = datetime.combine(day, datetime.min.time(), CHICAGO)
    counted = CAL.business_seconds(start, start + timedelta(days=1))
    closed = day.isoweekday() > 5 or day in CAL.closed_days
    assert counted == (0 if closed else 8 * HOUR)


def test_one_business_day_from_friday_afternoon_is_monday_afternoon():
    assert CAL.add(local(2026, 11, 20, 14, 0), 8 * HOUR) == local(2026, 11, 23, 14, 0)


def test_thanksgiving_and_a_closure_day_are_skipped():
    # Wednesday 25 Nov 15:00 + 8h: half an hour, Thanksgiving, then 7.5h on Friday.
    assert CAL.add(local(2026, 11, 25, 15, 0), 8 * HOUR) == local(2026, 11, 27, 15, 0)
    # Friday 18 Dec 15:30 + 1h: Monday and Tuesday are district closure days.
    assert CAL.add(local(2026, 12, 18, 15, 30), HOUR) == local(2026, 12, 23, 8, 30)


def test_a_ticket_created_at_night_starts_at_the_next_business_minute():
    assert CAL.next_open(local(2026, 11, 23, 22, 0)) == local(2026, 11, 24, 7, 30)
    assert CAL.add(local(2026, 11, 23, 22, 0), HOUR) == local(2026, 11, 24, 8, 30)


def test_dst_does_not_move_the_opening_hour():
    # Clocks go back on Sunday 1 Nov 2026 and forward on Sunday 14 Mar 2027.
    assert CAL.add(local(2026, 10, 30, 15, 0), HOUR) == local(2026, 11, 2, 8, 0)
    assert CAL.add(local(2027, 3, 12, 15, 0), HOUR) == local(2027, 3, 15, 8, 0)
    assert CAL.business_seconds(local(2026, 10, 30, 7, 30), local(2026, 11, 2, 15, 30)) == 16 * HOUR


def test_busy_periods_stretch_targets():
    normal = CAL.due(local(2026, 9, 14, 7, 30), 8 * 60)
    busy = CAL.due(local(2026, 8, 17, 7, 30), 8 * 60)
    assert normal == local(2026, 9, 14, 15, 30)
    assert busy == local(2026, 8, 18, 11, 30)  # 12 business hours
    assert CAL.busy_period_on(local(2026, 8, 17, 9, 0)).name == "School opening"


def test_paused_time_moves_the_due_time():
    start = local(2026, 11, 23, 7, 30)
    assert CAL.due(start, 8 * 60, paused_seconds=2 * HOUR) == local(2026, 11, 24, 9, 30)

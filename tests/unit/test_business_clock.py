"""The service-level figures' business clock measures exactly what the business calendar
does (weekends, holidays, closure days, DST changes, instants outside hours), and finds
the instant a given business time back."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_tui.services.reports.business_clock import BusinessClock, median, percentile
from helpdesk_tui.services.sla import build_calendar

CAL = build_calendar(
    time_zone="America/Chicago",
    hours_open="07:30",
    hours_close="15:30",
    business_days="12345",
    country="US",
    subdivision="IL",
    closures={date(2026, 12, 21): "Winter break", date(2026, 12, 22): "Winter break"},
    busy_periods=[],
    around=date(2026, 11, 23),
)
CLOCK = BusinessClock(
    CAL, opens=time(7, 30), closes=time(15, 30), first=date(2025, 1, 1), last=date(2028, 12, 31)
)
# Inside the clock's window, with business days after each (past the window's last
# business day every instant has the same business time behind it: latest_with is inf).
instants = st.datetimes(
    min_value=datetime(2025, 1, 2), max_value=datetime(2028, 12, 1), timezones=st.just(UTC)
)


@settings(max_examples=500)
@given(instants, instants)
def test_the_clock_measures_what_the_calendar_measures(a: datetime, b: datetime) -> None:
    expected = CAL.business_seconds(a, b)
    assert abs(CLOCK.between(a.timestamp(), b.timestamp()) - expected) < 1e-3


@settings(max_examples=300)
@given(instants)
def test_latest_with_is_the_last_instant_with_that_much_behind_it(moment: datetime) -> None:
    [behind] = CLOCK.elapsed([moment.timestamp()])
    latest = CLOCK.latest_with(behind)
    assert latest >= moment.timestamp() - 1e-3
    assert abs(CLOCK.elapsed([latest])[0] - behind) < 1e-3
    assert CLOCK.elapsed([latest + 0.01])[0] > behind


def test_a_closing_time_reaches_to_the_next_opening() -> None:
    chicago = ZoneInfo("America/Chicago")
    friday_close = datetime(2026, 10, 30, 15, 30, tzinfo=chicago).timestamp()
    monday_open = datetime(2026, 11, 2, 7, 30, tzinfo=chicago).timestamp()  # after DST ends
    [behind] = CLOCK.elapsed([friday_close])
    assert CLOCK.latest_with(behind) == monday_open


def test_median_and_nearest_rank_percentile() -> None:
    assert median([]) is None and percentile([], 0.9) is None
    assert median([1.0, 2.0, 10.0]) == 2.0
    assert median([1.0, 2.0, 4.0, 10.0]) == 3.0
    assert percentile([float(i) for i in range(1, 11)], 0.9) == 9.0  # the 9th of 10
    assert percentile([float(i) for i in range(1, 12)], 0.9) == 10.0  # ceil(9.9) = 10th
    assert percentile([5.0], 0.9) == 5.0

"""Each business day's figures and the stored business times, on the district and
tickets of test_service_levels (worked out by hand there: a weekend, the end of
daylight saving time and Election Day in Thursday 29 October to Friday 6 November)."""

from datetime import date

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import ClosureDay, Ticket
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.reports import (
    measure_business_times,
    measured_here,
    recent_business_days,
)
from tests.unit.test_service_levels import HOUR, NOW, _district, _figures


@pytest.fixture
def district(db: Database) -> dict[str, StaffMember]:
    return _district(db)


def test_each_business_day_what_arrived_and_how_its_due_clocks_did(db: Database, district) -> None:  # type: ignore[no-untyped-def]
    team = _figures(db, district["supervisor"]).team
    assert team is not None
    # Arrivals count on the business day they land in: T3 (Saturday) on Monday; no
    # business day on the weekend or on Election Day (Tuesday 3 November).
    assert [(d.day, d.received) for d in team.daily] == [
        (date(2026, 10, 29), 2),  # T1 T10
        (date(2026, 10, 30), 1),  # T2
        (date(2026, 11, 2), 3),  # T3 (Saturday) T4 T12
        (date(2026, 11, 4), 1),  # T5
        (date(2026, 11, 5), 1),  # T11
        (date(2026, 11, 6), 1),  # T6
    ]
    # First responses due each day (due, met, breached, met %): Thu T10 breached; Fri
    # T1 met; Mon T2 met, T3 breached; Wed T4 met; Thu T5 T12 met; Fri T11 not yet due.
    assert [
        (d.first_response.due, d.first_response.met, d.first_response.breached,
         d.first_response.met_percent)
        for d in team.daily
    ] == [(1, 0, 1, 0.0), (1, 1, 0, 100.0), (2, 1, 1, 50.0), (1, 1, 0, 100.0),
          (2, 2, 0, 100.0), (1, 0, 0, None)]  # fmt: skip
    # Resolutions: Fri T7 breached; Mon T10 not yet due (pending before); Wed T1 met;
    # Thu T2 breached, T3 met; Fri T4 not yet due; T9 (closed unresolved) nowhere.
    assert [
        (d.resolution.due, d.resolution.met, d.resolution.breached, d.resolution.met_percent)
        for d in team.daily
    ] == [(0, 0, 0, None), (1, 0, 1, 0.0), (1, 0, 0, None), (1, 1, 0, 100.0),
          (2, 1, 1, 50.0), (1, 0, 0, None)]  # fmt: skip
    assert sum(d.first_response.due for d in team.daily) == team.first_response.due
    assert sum(d.resolution.due for d in team.daily) == team.resolution.due


def test_stored_business_times_give_the_same_figures_until_the_calendar_changes(  # type: ignore[no-untyped-def]
    db: Database, district
) -> None:
    before = _figures(db, district["supervisor"]).team
    with db.write() as s:
        assert measured_here(s, now=NOW) == 7  # answered or resolved: T1-T5, T9, T12
        assert measure_business_times(s, now=NOW) == 7
    with db.read() as s:
        assert measured_here(s, now=NOW) == 0
        stored = s.exec(select(Ticket).where(col(Ticket.number) == 1012)).one()
    assert stored.first_response_business_seconds == pytest.approx(0.5 * HOUR, abs=0.01)
    assert stored.resolution_business_seconds == pytest.approx(3 * HOUR, abs=0.01)
    assert _figures(db, district["supervisor"]).team == before
    # Monday 2 November closed afterwards (a snow day): every stored time counts as
    # missing, and the figures measure them with the calendar as it is now.
    with db.write() as s:
        s.add(ClosureDay(day=date(2026, 11, 2), name="Snow day"))
    with db.read() as s:
        assert measured_here(s, now=NOW) == 7
    after = _figures(db, district["supervisor"]).team
    assert after is not None
    # Answered: T4 0 and T12 0 (both on the closed Monday), T5 10 min, T2 30 min (Friday
    # 15:00-15:30), T3 30 min (from Wednesday 7:30), T1 3 h.
    assert after.first_response_time.median_seconds == pytest.approx(20 * 60, abs=0.01)
    assert after.first_response_time.p90_seconds == pytest.approx(3 * HOUR, abs=0.01)
    # Resolved: T12 0 (3 h 30 on Wednesday less 8 h paused), T5 1 h, T1 9 h 30, T3 15 h 30.
    assert after.resolution_time.median_seconds == pytest.approx(5.25 * HOUR, abs=0.01)
    assert after.resolution_time.p90_seconds == pytest.approx(15.5 * HOUR, abs=0.01)
    with db.write() as s:
        assert measure_business_times(s, now=NOW) == 7
    assert _figures(db, district["supervisor"]).team == after


def test_the_last_business_days_skip_weekends_and_holidays(db: Database, district) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        # Friday 6, Thursday 5, Wednesday 4 (Tuesday 3 is Election Day), Monday 2, then
        # across the weekend Friday 30 and Thursday 29 October.
        assert recent_business_days(s, count=6, now=NOW) == (date(2026, 10, 29), date(2026, 11, 6))
        assert recent_business_days(s, count=1, now=NOW) == (date(2026, 11, 6), date(2026, 11, 6))


def test_a_ticket_resolved_again_is_measured_again(db: Database, district) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:  # a batch at a time: 3, 3, then the last 1
        assert [measure_business_times(s, now=NOW, batch=3) for _ in range(4)] == [3, 3, 1, 0]
    # T12 reopened and resolved again on Thursday at 11:00: its stored resolution time
    # (3 h) no longer holds; the figures measure it at once: Monday 8:00 to Thursday
    # 11:00 is 19 business hours (Election Day between), less 8 h paused: 11 h.
    with db.write() as s:
        ticket = s.exec(select(Ticket).where(col(Ticket.number) == 1012)).one()
        ticket.resolved_at = ticket.resolved_at.replace(day=5) if ticket.resolved_at else None
    with db.read() as s:
        assert measured_here(s, now=NOW) == 1
    resolved = _figures(db, district["supervisor"]).team
    assert resolved is not None
    # Resolved in the range: T5 1 h, T12 11 h, T1 12 h, T3 23 h 30.
    assert resolved.resolution_time.median_seconds == pytest.approx(11.5 * HOUR, abs=0.01)
    with db.write() as s:
        assert measure_business_times(s, now=NOW) == 1
        stored = s.exec(select(Ticket).where(col(Ticket.number) == 1012)).one()
        assert stored.resolution_business_seconds == pytest.approx(11 * HOUR, abs=0.01)
    assert _figures(db, district["supervisor"]).team == resolved

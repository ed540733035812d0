"""Supervisors' calendar settings on both databases: business hours and days, public
holidays worked all the same (an open Columbus Day moves a ticket's due time), a winter
break closed in one step and reopened, busy periods, targets, and the preview of a
change before it is saved. Every change leaves an audit row; an agent is refused with a
"denied" one, and nothing changes."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent, BusyPeriodRow, ClosureDay, OpenDay, Ticket
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.sla import (
    CloseDays,
    NewHours,
    NewTarget,
    OpenOnHoliday,
    add_busy_period,
    calendar_overview,
    close_on_holiday,
    close_range,
    load_calendar,
    open_on_holiday,
    preview_due,
    remove_busy_period,
    reopen_days,
    set_business_hours,
    set_target,
)
from helpdesk_tui.services.staff import authenticate
from helpdesk_tui.services.tickets import create_ticket
from helpdesk_tui.vocabulary import Category, Channel
from tests.unit.staff_helpers import fresh_copy

CHICAGO = ZoneInfo("America/Chicago")
CALENDAR_SUPERVISORS = "Only a supervisor can change the business calendar or service targets."
FRIDAY = datetime(2026, 10, 9, 14, 0, tzinfo=CHICAGO)  # before Columbus Day, Mon 12 Oct
COLUMBUS_DAY = date(2026, 10, 12)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest) -> Database:
    return fresh_copy(request, request.param)


def who(db: Database, username: str) -> StaffMember:
    return authenticate(db, username=username, password="demo-password")


def audit_rows(db: Database, action: str) -> list[tuple[str, str, str]]:
    """(who, outcome, detail) of each audit row of ``action``."""
    with db.read() as s:
        found = s.exec(
            select(AuditEvent).where(col(AuditEvent.action) == action).order_by(col(AuditEvent.id))
        ).all()
        return [(r.staff_username or "", r.outcome, r.detail) for r in found]


def hours(db: Database) -> tuple[str, str, str]:
    with db.read() as s:
        c = calendar_overview(s, year=2026)
        return c.hours_open, c.hours_close, c.business_days


def local_due(db: Database, ticket_id: int) -> datetime:
    with db.read() as s:
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None and ticket.due_at is not None
        due = ticket.due_at
    return (due if due.tzinfo else due.replace(tzinfo=ZoneInfo("UTC"))).astimezone(CHICAGO)


def test_an_agent_cannot_change_the_calendar_and_leaves_a_denied_row(fresh_db: Database) -> None:
    agent = who(fresh_db, "demo-agent")
    with pytest.raises(ActionDenied, match="Only a supervisor"), fresh_db.write() as s:
        set_business_hours(s, actor=agent, hours_open="08:00")
    with pytest.raises(ActionDenied), fresh_db.write() as s:
        open_on_holiday(s, actor=agent, day=COLUMBUS_DAY)
    with pytest.raises(ActionDenied), fresh_db.write() as s:
        close_range(
            s, actor=agent, first_day=date(2026, 12, 21), last_day=date(2027, 1, 1), name="Break"
        )
    assert hours(fresh_db) == ("07:30", "15:30", "12345")
    refused = ("demo-agent", "denied", CALENDAR_SUPERVISORS)
    assert audit_rows(fresh_db, "business_hours_set") == [refused]
    assert audit_rows(fresh_db, "open_day_added") == [refused]
    assert audit_rows(fresh_db, "closure_added") == [refused]
    with fresh_db.read() as s:
        assert s.exec(select(OpenDay)).all() == [] and s.exec(select(ClosureDay)).all() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hours_open": "16:00"}, "must close after it opens (it would open at 16:00 and close"),
        ({"hours_close": "25:00"}, "Closing time: type a time as HH:MM, e.g. 07:30 (got '25:00')"),
        ({"hours_open": "7h30"}, "Opening time: type a time as HH:MM"),
        ({"business_days": ""}, "Business days: digits 1 (Monday) to 7 (Sunday), at least one"),
        ({"business_days": "1289"}, "Business days: digits 1 (Monday) to 7"),
        ({"hours_open": "7:30"}, "The hours are already 07:30 to 15:30, Mon-Fri; nothing to"),
    ],
)
def test_bad_hours_are_refused_in_words_and_nothing_changes(
    fresh_db: Database, change: dict[str, str], message: str
) -> None:
    boss = who(fresh_db, "demo-supervisor")
    with pytest.raises(DomainError, match=re.escape(message)), fresh_db.write() as s:
        set_business_hours(s, actor=boss, **change)
    assert hours(fresh_db) == ("07:30", "15:30", "12345")
    assert audit_rows(fresh_db, "business_hours_set") == []


def test_new_hours_are_previewed_then_saved_and_audited(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    change = NewHours("8:00", "16:30", "1234")
    with fresh_db.read() as s:
        shown = preview_due(s, category="lost_key", priority="normal", change=change, now=FRIDAY)
    # Friday is no longer a business day: the clock starts on Monday 08:00 (Columbus Day
    # is closed): Tuesday 08:00 + 8 h; the resolution (24 h) 8.5 h a day from Tuesday.
    assert shown.line == (
        "A ticket created now (lost key, normal) would be first-response due Tue 13 Oct "
        "16:00 and resolution due Thu 15 Oct 15:00 (now Tue 13 Oct 14:00 and Thu 15 Oct "
        "14:00)."
    )
    assert shown.moves_due_dates
    assert hours(fresh_db) == ("07:30", "15:30", "12345")  # a preview saves nothing
    with fresh_db.write() as s:
        done = set_business_hours(
            s, actor=boss, hours_open="8:00", hours_close="16:30", business_days="4321"
        )
    assert done.summary == "Business hours 08:00 to 16:30, Mon-Thu (were 07:30 to 15:30, Mon-Fri)"
    assert hours(fresh_db) == ("08:00", "16:30", "1234")
    assert audit_rows(fresh_db, "business_hours_set") == [("demo-supervisor", "done", done.summary)]
    with fresh_db.read() as s:
        assert not load_calendar(s, now=FRIDAY).is_open(FRIDAY)


def test_columbus_day_worked_all_the_same_moves_a_ticket_due_time(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    with fresh_db.write() as s:
        ref = create_ticket(
            s,
            actor=boss,
            channel=Channel.PHONE,
            category=Category.OTHER,
            subject="Asked about the portal",
            caller_name="A caller",
            now=FRIDAY,
        )
    # 8 business hours from Friday 14:00: 1.5 h on Friday, Columbus Day closed, Tuesday.
    assert local_due(fresh_db, ref.id) == datetime(2026, 10, 13, 14, 0, tzinfo=CHICAGO)
    with fresh_db.read() as s:
        holidays = {h.day: h for h in calendar_overview(s, year=2026).holidays}
        shown = preview_due(s, change=OpenOnHoliday(COLUMBUS_DAY), now=FRIDAY)
    assert (holidays[COLUMBUS_DAY].name, holidays[COLUMBUS_DAY].state) == ("Columbus Day", "closed")
    assert shown.when(shown.first_response_due) == "Mon 12 Oct 14:00"
    assert shown.open_tickets_moved >= 1

    with fresh_db.write() as s:
        opened = open_on_holiday(s, actor=boss, day=COLUMBUS_DAY, now=FRIDAY)
    assert opened.summary == "Open on Columbus Day, Mon 12 Oct 2026 (a public holiday in US-IL)"
    assert opened.retimed >= 1
    assert local_due(fresh_db, ref.id) == datetime(2026, 10, 12, 14, 0, tzinfo=CHICAGO)
    with fresh_db.read() as s:
        assert s.get(OpenDay, COLUMBUS_DAY) is not None
        assert load_calendar(s, now=FRIDAY).is_open(datetime(2026, 10, 12, 9, tzinfo=CHICAGO))
        holidays = {h.day: h for h in calendar_overview(s, year=2026).holidays}
    assert holidays[COLUMBUS_DAY].state == "open"

    with fresh_db.write() as s:
        closed = close_on_holiday(s, actor=boss, day=COLUMBUS_DAY, now=FRIDAY)
    assert closed.summary == "Closed again on Columbus Day, Mon 12 Oct 2026"
    assert local_due(fresh_db, ref.id) == datetime(2026, 10, 13, 14, 0, tzinfo=CHICAGO)
    assert [r[:2] for r in audit_rows(fresh_db, "open_day_added")] == [("demo-supervisor", "done")]
    assert audit_rows(fresh_db, "open_day_removed") == [("demo-supervisor", "done", closed.summary)]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2026, 10, 13), "Tue 13 Oct 2026 is not a public holiday in US-IL"),
        (date(2026, 7, 4), "Independence Day, Sat 4 Jul 2026, falls on a Sat, not a business"),
    ],
)
def test_only_a_public_holiday_on_a_business_day_opens(
    fresh_db: Database, day: date, message: str
) -> None:
    boss = who(fresh_db, "demo-supervisor")
    with pytest.raises(DomainError, match=message), fresh_db.write() as s:
        open_on_holiday(s, actor=boss, day=day)
    with pytest.raises(DomainError, match="is not marked open"), fresh_db.write() as s:
        close_on_holiday(s, actor=boss, day=COLUMBUS_DAY)


def test_a_winter_break_is_closed_in_one_step_and_reopened(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    first, last = date(2026, 12, 21), date(2027, 1, 1)
    with fresh_db.read() as s:
        shown = preview_due(
            s,
            change=CloseDays(first, last, "Winter break"),
            now=datetime(2026, 12, 18, 15, 0, tzinfo=CHICAGO),
        )
    assert "Mon 4 Jan" in shown.line and shown.moves_due_dates
    with fresh_db.write() as s:
        done = close_range(s, actor=boss, first_day=first, last_day=last, name="  Winter  break ")
    # Mon-Thu twice; Christmas and New Year's Day are public holidays, and a weekend.
    assert done.summary == (
        "Closed Mon 21 Dec 2026 to Fri 1 Jan 2027 (Winter break): 8 days added; 4 skipped, "
        "not business days (2 public holidays, 2 weekend days)"
    )
    with fresh_db.read() as s:
        stored = s.exec(select(ClosureDay).order_by(col(ClosureDay.day))).all()
        ranges = calendar_overview(s, year=2026).closures
        calendar = load_calendar(s, now=datetime(2026, 12, 1))
    assert [c.day.day for c in stored] == [21, 22, 23, 24, 28, 29, 30, 31]
    assert {c.name for c in stored} == {"Winter break"}
    assert [(r.first_day, r.last_day, r.name, r.days) for r in ranges] == [
        (first, date(2026, 12, 31), "Winter break", 8)
    ]
    assert not calendar.is_open(datetime(2026, 12, 22, 10, tzinfo=CHICAGO))
    assert audit_rows(fresh_db, "closure_added") == [("demo-supervisor", "done", done.summary)]

    with pytest.raises(DomainError, match="Nothing to close: no day from"), fresh_db.write() as s:
        close_range(s, actor=boss, first_day=first, last_day=last, name="Again")
    with fresh_db.write() as s:
        one = reopen_days(s, actor=boss, first_day=date(2026, 12, 31))
        rest = reopen_days(s, actor=boss, first_day=first, last_day=last)
    assert one.summary == "Reopened Thu 31 Dec 2026: 1 closure day removed (Winter break)"
    assert rest.summary.startswith("Reopened Mon 21 Dec 2026 to Fri 1 Jan 2027: 7 closure days")
    with fresh_db.read() as s:
        assert s.exec(select(ClosureDay)).all() == []
    assert [r[2] for r in audit_rows(fresh_db, "closure_removed")] == [one.summary, rest.summary]
    refused = pytest.raises(DomainError, match="No district closure on Mon 21 Dec")
    with refused, fresh_db.write() as s:
        reopen_days(s, actor=boss, first_day=first)


@pytest.mark.parametrize(
    ("first", "last", "name", "message"),
    [
        (
            date(2027, 1, 1),
            date(2026, 12, 21),
            "Break",
            r"must end on or after its first day \(2027-01-01\), not on 2026-12-21",
        ),
        (date(2026, 1, 1), date(2027, 6, 1), "Break", "A range is at most 366 days; split it"),
        (date(2026, 12, 21), date(2026, 12, 22), "x" * 10_000, "Keep the closure's name under"),
        (date(2026, 12, 21), date(2026, 12, 22), "Break\x1b[2J", "holds a control character"),
        (date(2026, 12, 26), date(2026, 12, 26), "Break", r"Sat 26 Dec 2026 is not a business day"),
    ],
)
def test_a_bad_closure_range_is_refused_in_words(
    fresh_db: Database, first: date, last: date, name: str, message: str
) -> None:
    boss = who(fresh_db, "demo-supervisor")
    with pytest.raises(DomainError, match=message), fresh_db.write() as s:
        close_range(s, actor=boss, first_day=first, last_day=last, name=name)
    with fresh_db.read() as s:
        assert s.exec(select(ClosureDay)).all() == []
    assert audit_rows(fresh_db, "closure_added") == []


def test_busy_periods_and_targets_are_added_listed_and_removed(fresh_db: Database) -> None:
    boss = who(fresh_db, "demo-supervisor")
    opening = date(2027, 8, 16), date(2027, 8, 27)
    with fresh_db.write() as s:
        added = add_busy_period(
            s,
            actor=boss,
            name="School opening",
            first_day=opening[0],
            last_day=opening[1],
            stretch_percent=150,
        )
    assert added.summary == (
        "Busy period School opening: Mon 16 Aug 2027 to Fri 27 Aug 2027, targets at 150%"
    )
    overlapping = pytest.raises(DomainError, match="overlaps the busy period School opening")
    with overlapping, fresh_db.write() as s:
        add_busy_period(
            s,
            actor=boss,
            name="Conferences",
            first_day=date(2027, 8, 27),
            last_day=date(2027, 9, 3),
            stretch_percent=120,
        )
    with fresh_db.read() as s:
        [busy] = calendar_overview(s, year=2027).busy_periods
        shown = preview_due(
            s,
            category="lost_key",
            priority="high",
            change=NewTarget("lost_key", "high", 60, 240),
            now=datetime(2026, 11, 4, 9, 0, tzinfo=CHICAGO),
        )
    assert (busy.name, busy.stretch_percent) == ("School opening", 150)
    assert shown.line.startswith(
        "A ticket created now (lost key, high) would be first-response due Wed 4 Nov 10:00 "
        "and resolution due Wed 4 Nov 13:00 (now Wed 4 Nov 13:00 and Fri 6 Nov 09:00)"
    )
    with fresh_db.write() as s:
        target = set_target(
            s,
            actor=boss,
            category="lost_key",
            priority="high",
            first_response_minutes=60,
            resolution_minutes=240,
        )
        removed = remove_busy_period(s, actor=boss, busy_id=busy.busy_id)
    assert target.summary == (
        "Target for lost key, high priority: first response 60 min, resolution 240 min of "
        "business time (was 240 and 960)"
    )
    with fresh_db.read() as s:
        overview = calendar_overview(s, year=2027)
        assert s.exec(select(BusyPeriodRow)).all() == []
    assert overview.busy_periods == ()
    lines = {(t.category, t.priority): t for t in overview.targets}
    assert (lines["lost_key", "high"].first_response_minutes, lines["*", "high"].built_in) == (
        60,
        True,
    )
    assert [r[2] for r in audit_rows(fresh_db, "busy_period_added")] == [added.summary]
    assert [r[2] for r in audit_rows(fresh_db, "busy_period_removed")] == [removed.summary]
    assert [r[2] for r in audit_rows(fresh_db, "sla_target_set")] == [target.summary]
    with pytest.raises(DomainError, match="no busy period #"), fresh_db.write() as s:
        remove_busy_period(s, actor=boss, busy_id=busy.busy_id)


def test_two_desks_changing_the_calendar_take_turns(pg_seeded: Database) -> None:
    """A change holds the district's settings row until it commits: a second desk's
    change waits for it, then plans on what the first one saved (on SQLite the writer
    holds the whole database already)."""
    boss = who(pg_seeded, "demo-supervisor")
    with pg_seeded.write() as s:
        close_range(
            s, actor=boss, first_day=date(2026, 12, 21), last_day=date(2026, 12, 24), name="Break"
        )
        with pg_seeded.engine.connect() as other, pytest.raises(OperationalError, match="lock"):
            other.execute(text("SELECT id FROM district_settings WHERE id = 1 FOR UPDATE NOWAIT"))

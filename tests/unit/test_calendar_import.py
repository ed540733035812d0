"""Importing a district calendar (.ics, written here with `icalendar`) on both
databases: all-day events become closure days, a multi-day event a range with its
weekend and holiday skipped; a dry run lists what would change and changes nothing;
events at a time of day and repeating ones are left out with why; a garbage file, an
empty one and a file over 10 MB are refused in words. And `helpdesk calendar`."""

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent, ClosureDay, DistrictSettings, OpenDay
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.sla import MAX_ICS_BYTES, import_ics, parse_ics, read_ics_file
from helpdesk_tui.services.staff import authenticate
from tests.unit.staff_helpers import fresh_copy
from tests.unit.test_cli import _run

SUPERVISOR = {"HELPDESK_STAFF": "demo-supervisor", "HELPDESK_STAFF_PASSWORD": "demo-password"}
AGENT = {"HELPDESK_STAFF": "demo-agent", "HELPDESK_STAFF_PASSWORD": "demo-password"}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest) -> Database:
    return fresh_copy(request, request.param)


def district_calendar() -> bytes:
    """A school district's calendar as its SIS or Google Calendar exports it."""
    calendar = Calendar()
    calendar.add("prodid", "-//Test District//Calendar//EN")
    calendar.add("version", "2.0")

    def event(summary: str, start: date | datetime, end: date | datetime, **more: object) -> None:
        e = Event()
        e.add("summary", summary)
        e.add("dtstart", start)
        e.add("dtend", end)
        for key, value in more.items():
            e.add(key, value)
        calendar.add_component(e)

    event("Teacher institute day", date(2026, 11, 13), date(2026, 11, 14))  # a Friday
    # Wednesday to Friday; Thursday is Thanksgiving: two days closed.
    event("Thanksgiving break", date(2026, 11, 25), date(2026, 11, 28))
    chicago = ZoneInfo("America/Chicago")
    event(
        "Board meeting",
        datetime(2026, 11, 16, 18, 0, tzinfo=chicago),
        datetime(2026, 11, 16, 20, 0, tzinfo=chicago),
    )
    event("Early dismissal", date(2026, 11, 18), date(2026, 11, 19), rrule={"freq": "weekly"})
    return calendar.to_ical()


def closure_days(db: Database) -> list[tuple[date, str]]:
    with db.read() as s:
        return [(c.day, c.name) for c in s.exec(select(ClosureDay).order_by(col(ClosureDay.day)))]


def imports(db: Database) -> list[tuple[str, str, str]]:
    with db.read() as s:
        rows = s.exec(select(AuditEvent).where(col(AuditEvent.action) == "calendar_imported")).all()
        return [(r.staff_username or "", r.outcome, r.detail) for r in rows]


def test_a_dry_run_lists_the_changes_then_the_import_makes_them(fresh_db: Database) -> None:
    boss = authenticate(fresh_db, username="demo-supervisor", password="demo-password")
    data = district_calendar()
    with fresh_db.write() as s:
        dry = import_ics(s, actor=boss, data=data, file_name="district.ics", dry_run=True)
    # (and how many of the demo's open tickets would be re-timed, if any)
    assert dry.message.startswith("2 all-day events: would add 3 closure days; 2 events left out")
    assert dry.lines == [
        "Fri 13 Nov 2026 (Teacher institute day): 1 day added",
        "Wed 25 Nov 2026 to Fri 27 Nov 2026 (Thanksgiving break): 2 days added; 1 skipped, "
        "not business days (1 public holiday)",
        "Left out: Board meeting: not all-day (it starts at a time of day)",
        "Left out: Early dismissal: repeats (RRULE): add its days as closures one by one",
    ]
    assert closure_days(fresh_db) == [] and imports(fresh_db) == []

    with fresh_db.write() as s:
        done = import_ics(s, actor=boss, data=data, file_name="district.ics")
    assert not done.dry_run and done.days_added == 3
    assert closure_days(fresh_db) == [
        (date(2026, 11, 13), "Teacher institute day"),
        (date(2026, 11, 25), "Thanksgiving break"),
        (date(2026, 11, 27), "Thanksgiving break"),
    ]
    assert imports(fresh_db) == [
        (
            "demo-supervisor",
            "done",
            "Imported district.ics: 2 all-day events, 3 closure days added",
        )
    ]
    with pytest.raises(DomainError, match="Nothing to import"), fresh_db.write() as s:
        import_ics(s, actor=boss, data=data, file_name="district.ics")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00garbage", "This is not an iCalendar"),
        (b"   \n", r"This is not an iCalendar \(.ics\) file \(it is empty\)"),
        (b"BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n", r"\(no VCALENDAR in it\)"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "holds no events"),
        (b" " * (MAX_ICS_BYTES + 1), "over 10 MB"),
    ],
)
def test_a_file_that_is_not_a_calendar_is_refused_in_words(data: bytes, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        parse_ics(data)


def test_a_large_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "huge.ics"
    with big.open("wb") as f:
        f.truncate(MAX_ICS_BYTES + 1)  # sparse: nothing is read to refuse it
    with pytest.raises(DomainError, match="huge.ics is over 10 MB"):
        read_ics_file(big)
    with pytest.raises(DomainError, match="There is no file"):
        read_ics_file(tmp_path / "missing.ics")


def test_an_agent_cannot_import_and_nothing_changes(fresh_db: Database) -> None:
    agent = authenticate(fresh_db, username="demo-agent", password="demo-password")
    with pytest.raises(ActionDenied, match="Only a supervisor"), fresh_db.write() as s:
        import_ics(s, actor=agent, data=district_calendar(), dry_run=True)
    assert closure_days(fresh_db) == []
    assert [r[:2] for r in imports(fresh_db)] == [("demo-agent", "denied")]


def test_the_calendar_commands(fresh_db: Database, tmp_path: Path) -> None:
    hours = _run(fresh_db, "calendar", "hours", "--open", "8:00", "--days", "12345", env=SUPERVISOR)
    assert hours.exit_code == 0, hours.output
    assert hours.stdout.startswith("Business hours 08:00 to 15:30, Mon-Fri (were 07:30 to 15:30")
    bad = _run(fresh_db, "calendar", "hours", "--close", "07:00", env=SUPERVISOR)
    assert bad.exit_code == 1 and "must close after it opens" in bad.stderr
    assert _run(fresh_db, "calendar", "hours", env=SUPERVISOR).exit_code == 2
    by_agent = _run(fresh_db, "calendar", "open", "2026-10-12", env=AGENT)
    assert by_agent.exit_code == 1 and "Only a supervisor" in by_agent.stderr

    opened = _run(fresh_db, "calendar", "open", "2026-10-12", env=SUPERVISOR)
    assert opened.exit_code == 0, opened.output
    assert opened.stdout.startswith("Open on Columbus Day, Mon 12 Oct 2026")
    listed = _run(fresh_db, "calendar", "holidays", "--year", "2026", "--json")
    columbus = next(h for h in json.loads(listed.stdout) if h["day"] == "2026-10-12")
    assert columbus == {"day": "2026-10-12", "name": "Columbus Day", "state": "open", "closure": ""}
    assert (
        "2026-11-11  Veterans Day: closed (public holiday)"
        in _run(fresh_db, "calendar", "holidays", "--year", "2026").stdout.splitlines()
    )
    unopened = _run(fresh_db, "calendar", "unopen", "2026-10-12", env=SUPERVISOR)
    assert unopened.exit_code == 0 and "Closed again on Columbus Day" in unopened.stdout

    closed = _run(
        fresh_db, "calendar", "close-range", "2026-12-21", "2027-01-01", "Winter break",
        env=SUPERVISOR,
    )  # fmt: skip
    assert closed.exit_code == 0 and "8 days added; 4 skipped" in closed.stdout
    shown = json.loads(_run(fresh_db, "calendar", "show", "--year", "2026", "--json").stdout)
    assert shown["closures"] == [
        {"first_day": "2026-12-21", "last_day": "2026-12-31", "name": "Winter break", "days": 8}
    ]
    assert (shown["hours_open"], shown["business_days"]) == ("08:00", "12345")
    text = _run(fresh_db, "calendar", "show", "--year", "2026").stdout
    assert "  2026-12-21 to 2026-12-31  Winter break (8 days)" in text.splitlines()
    reopened = _run(
        fresh_db, "calendar", "reopen", "--range", "2026-12-28", "2026-12-31", env=SUPERVISOR
    )
    assert reopened.exit_code == 0 and "4 closure days removed" in reopened.stdout
    assert _run(fresh_db, "calendar", "reopen", env=SUPERVISOR).exit_code == 2

    ics = tmp_path / "district.ics"
    ics.write_bytes(district_calendar())
    dry = _run(fresh_db, "calendar", "import-ics", str(ics), "--dry-run", env=SUPERVISOR)
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("Dry run, nothing changed. 2 all-day events: would add 3")
    assert "  Left out: Board meeting: not all-day (it starts at a time of day)" in dry.stdout
    garbage = tmp_path / "photo.ics"
    garbage.write_bytes(b"\xff\xd8\xff\xe0 not a calendar")
    refused = _run(fresh_db, "calendar", "import-ics", str(garbage), env=SUPERVISOR)
    assert refused.exit_code == 1 and "This is not an iCalendar (.ics) file" in refused.stderr
    imported = _run(fresh_db, "calendar", "import-ics", str(ics), env=SUPERVISOR)
    assert imported.exit_code == 0 and "added 3 closure days" in imported.stdout
    with fresh_db.read() as s:
        settings = s.get(DistrictSettings, 1)
        assert settings is not None and settings.hours_open == "08:00"
        assert s.exec(select(OpenDay)).all() == []
    assert [day for day, _ in closure_days(fresh_db)] == [
        date(2026, 11, 13),
        date(2026, 11, 25),
        date(2026, 11, 27),
        *(date(2026, 12, d) for d in (21, 22, 23, 24)),
    ]

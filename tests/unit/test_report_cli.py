"""`helpdesk report sla`: the figures of test_service_levels' district as a person reads
them, as JSON and as CSV; an agent's own figures; a clerk refused; ranges that cannot
be reported, each with what to do (exit 2 for a usage error, 1 for a refusal)."""

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import col, select, update

from helpdesk_tui.cli import main
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.passwords import hash_password
from helpdesk_tui.data.tables import Staff, Ticket
from tests.unit.test_cli import _run
from tests.unit.test_service_levels import HOUR, NOW, _district

PASSWORD = "Report-password-1"
RANGE = ("--from", "2026-10-29", "--to", "2026-11-06")


@pytest.fixture
def district(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """test_service_levels' district, its staff able to sign in, and its clock at NOW."""
    _district(db)
    with db.write() as s:
        s.exec(update(Staff).values(password_hash=hash_password(PASSWORD)))
    report = sys.modules["helpdesk_tui.services.reports.service_level_report"]
    monkeypatch.setattr(report, "resolve_now", lambda now: now or NOW)
    yield db


def _sla(db: Database, *args: str, staff: str = "sue") -> Result:
    env = {"HELPDESK_STAFF": staff, "HELPDESK_STAFF_PASSWORD": PASSWORD}
    return _run(db, "report", "sla", *args, env=env)


def test_the_text_report_reads_as_the_figures(district: Database) -> None:
    done = _sla(district, *RANGE)
    assert done.exit_code == 0, done.output
    lines = [line.rstrip() for line in done.stdout.splitlines()]
    expected = [
        "Service levels, 2026-10-29 to 2026-11-06 (business time: 8-hour business days, "
        "America/Chicago)",
        "As of 2026-11-06 12:00 CST.",
        "Busy periods in the range: Parent conferences (2026-11-03 to 2026-11-03, targets at 150%)",
        "Received: 9 tickets",
        "  by channel: phone 2, email 4, web form 2, walk-in 1",
        "First responses due in the range: 8 — 5 met, 2 breached, 1 not yet due (71.4% met of "
        "those decided)",
        "Resolutions due in the range: 6 — 2 met, 2 breached, 2 not yet due (50.0% met of those "
        "decided)",
        "Time to first response: median 1 h 00 min, 90th percentile 8 h 30 min (6 tickets)",
        "Time to resolution: median 7 h 30 min, 90th percentile 23 h 30 min (4 tickets; time "
        "waiting on the guardian left out)",
        "Open now: 6 tickets, 2 of them pending on the guardian",
        "  by age: under 1 business day 2, 1 to 3 business days 1, 3 to 5 business days 1, "
        "5 business days or more 2",
        "                  received  first responses met      resolutions met  open at close",
        "  2026-10-29 Thu         2        0 of 1   0.0%        0 of 0      —              3",
        "  2026-11-02 Mon         3        1 of 2  50.0%        0 of 0      —              6",
        "  2026-11-05 Thu         1        2 of 2 100.0%        1 of 2  50.0%              5",
        "  2026-11-06 Fri         1        0 of 0      —        0 of 0      —        not yet",
    ]
    for line in expected:
        assert line in lines, f"{line!r} not in:\n{done.stdout}"
    agents = lines[lines.index("Per agent:") + 1 :][:4]
    assert agents[0].split() == [
        "open",
        "now",
        "resolved",
        "first",
        "responses",
        "met",
        "calls",
        "taken",
    ]
    assert agents[1].split() == ["Ana", "Agent", "3", "2", "3", "of", "4", "75.0%", "2"]
    assert agents[2].split() == ["Cal", "Clerk", "0", "0", "0", "of", "0", "—", "1"]
    assert agents[3].split() == ["Sue", "Supervisor", "2", "1", "2", "of", "2", "100.0%", "0"]
    overdue = lines[lines.index("Most overdue open tickets now:") + 1 :]
    assert overdue == [
        "  HD-1007     52 h 00 min late  first response  Lost my activation key email",
        "  HD-1002      5 h 00 min late  resolution      Forgot my username or password",
    ]


def test_json_holds_every_figure(district: Database) -> None:
    done = _sla(district, *RANGE, "--json")
    assert done.exit_code == 0, done.output
    figures = json.loads(done.stdout)
    team = figures["team"]
    assert team["received"] == 9
    assert {c["value"]: c["count"] for c in team["by_channel"]} == {
        "phone": 2,
        "email": 4,
        "web": 2,
        "walk_in": 1,
    }
    assert team["first_response"] == {
        "due": 8,
        "met": 5,
        "breached": 2,
        "not_yet_due": 1,
        "met_percent": 71.4,
    }
    assert team["resolution_time"]["median_seconds"] == pytest.approx(7.5 * HOUR)
    assert [d["open_at_close"] for d in team["daily"]] == [3, 4, 6, 6, 5, None]
    thursday = team["daily"][4]
    assert (thursday["day"], thursday["received"]) == ("2026-11-05", 1)
    assert thursday["resolution"] == {
        "due": 2,
        "met": 1,
        "breached": 1,
        "not_yet_due": 0,
        "met_percent": 50.0,
    }
    assert [a["username"] for a in figures["agents"]] == ["ana", "cal", "sue"]
    late = figures["oldest_breaching"][0]
    assert (late["label"], late["clock"]) == ("HD-1007", "first response")
    assert late["late_seconds"] == pytest.approx(52 * HOUR)
    assert figures["busy_periods"][0]["name"] == "Parent conferences"


def test_csv_is_one_row_per_figure(district: Database) -> None:
    with district.write() as s:  # text from outside, as a spreadsheet must not run it
        s.exec(update(Ticket).where(col(Ticket.number) == 1007).values(subject="=1+2"))
    done = _sla(district, *RANGE, "--csv")
    assert done.exit_code == 0, done.output
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["section", "item", "measure", "value"]
    value = {(section, item, measure): v for section, item, measure, v in rows[1:]}
    assert len(value) == len(rows) - 1  # each figure once
    assert value["received", "all", "tickets"] == "9"
    assert value["received by category", "no account yet", "tickets"] == "1"
    assert value["first responses", "met of those decided", "%"] == "71.4"
    assert value["resolutions", "not yet due", "tickets"] == "2"
    assert value["time to resolution", "median", "business hours"] == "7.5"
    assert value["time to first response", "90th percentile", "business hours"] == "8.5"
    assert value["open now by age", "5 business days or more", "tickets"] == "2"
    assert value["business day", "2026-11-04", "open at close"] == "6"
    assert value["business day", "2026-11-06", "open at close"] == ""  # not closed yet
    assert value["business day", "2026-11-02", "received"] == "3"
    assert value["business day", "2026-11-02", "first responses met %"] == "50.0"
    assert value["business day", "2026-11-02", "resolutions met %"] == ""  # none decided
    assert value["agent", "Ana Agent (ana)", "calls taken"] == "2"
    assert value["overdue now", "HD-1007", "first response, business hours late"] == "52.0"
    assert value["overdue now", "HD-1007", "subject"] == "'=1+2"


def test_an_agent_gets_their_own_figures(district: Database) -> None:
    done = _sla(district, *RANGE, staff="ana")
    assert done.exit_code == 0, done.output
    assert "Team figures are for supervisors; these are your own." in done.stdout
    assert "Received" not in done.stdout and "Sue Supervisor" not in done.stdout
    mine = done.stdout.split("Your figures:")[1].splitlines()[2]
    assert mine.split() == ["Ana", "Agent", "3", "2", "3", "of", "4", "75.0%", "2"]
    assert "Your most overdue open tickets now:" in done.stdout


def test_a_clerk_is_refused(district: Database) -> None:
    refused = _sla(district, *RANGE, staff="cal")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.startswith("Error: Service-level figures are for supervisors")


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("--from", "2026-11-06", "--to", "2026-10-29"), 2, "--to (2026-10-29) is before --from"),
        (("--from", "2026-02-30", "--to", "2026-03-01"), 2, "'2026-02-30' is not a day; write"),
        (("--from", "2025-11-01", "--to", "2026-11-02"), 2, "at most 366 days; 2025-11-01 to"),
        (("--from", "2019-01-01", "--to", "2019-01-31"), 1, "calendar covers 2024-01-01 to"),
        ((*RANGE, "--json", "--csv"), 2, "Choose --json or --csv, not both."),
        (("--to", "2026-11-06"), 2, "Missing option '--from'"),
    ],
)
def test_a_range_that_cannot_be_reported(
    district: Database, args: tuple[str, ...], code: int, says: str
) -> None:
    result = _sla(district, *args)
    assert result.exit_code == code and says in result.stderr, result.output


def test_the_report_is_not_written_for_a_wrong_password(district: Database) -> None:
    env = {"HELPDESK_STAFF": "sue", "HELPDESK_STAFF_PASSWORD": "not-it"}
    refused = _run(district, "report", "sla", *RANGE, env=env)
    assert refused.exit_code == 1 and refused.stdout == ""
    with district.read() as s:
        assert s.exec(select(Staff.failed_sign_ins).where(Staff.username == "sue")).one() == 1


def test_an_unreachable_database_exits_3(tmp_path: Path) -> None:
    env = {"HELPDESK_STAFF": "sue", "HELPDESK_STAFF_PASSWORD": PASSWORD}
    url = f"sqlite:///{tmp_path}"  # a folder, not a database file
    result = CliRunner().invoke(main, ["--database-url", url, "report", "sla", *RANGE], env=env)
    assert result.exit_code == 3 and "Cannot use the database" in result.stderr

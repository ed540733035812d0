"""Service-level figures checked against values worked out by hand, on both databases.

The district: Chicago, helpdesk open 7:30-15:30 on weekdays, Illinois holidays. The
range is Thursday 29 October to Friday 6 November 2026: a weekend, the end of daylight
saving time (Sunday 1 November: 7:30 is 12:30 UTC before, 13:30 UTC after) and Election
Day (Tuesday 3 November, a holiday in Illinois), so the range has six business days:
Thu 29, Fri 30, Mon 2, Wed 4, Thu 5, Fri 6. "Now" is Friday 6 November 12:00. Targets
are the defaults for normal priority: first response 8 business hours, resolution 24.

Every due time below was counted by hand along those business hours, as the ticket
service would have stored it (tickets are written directly, so each one is exactly the
case it stands for).
"""

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    AuditEvent,
    BusyPeriodRow,
    DistrictSettings,
    School,
    Staff,
    Ticket,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.reports import ServiceLevels, service_levels

CHICAGO = ZoneInfo("America/Chicago")
HOUR = 3600
NOW = datetime(2026, 11, 6, 12, 0, tzinfo=CHICAGO)
FIRST, LAST = date(2026, 10, 29), date(2026, 11, 6)
SUBJECTS = {
    "key_request": "Need an activation key",
    "lost_key": "Lost my activation key email",
    "key_already_used": "It says my key was already used",
    "forgot_login": "Forgot my username or password",
    "account_disabled": "My account is disabled",
    "security_email": "Security email not verified",
    "username_change": "Please change my username",
    "no_account": "How do I get an account?",
    "other": "Question about the portal",
}


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CHICAGO)


def _district(db: Database, tickets: list[dict[str, Any]] | None = None) -> dict[str, StaffMember]:
    """The district, its three staff members and its tickets (the twelve below unless
    given); returns the staff."""
    with db.write() as s:
        s.add(
            DistrictSettings(
                name="Test District",
                portal_url="https://portal.example.org",
                helpdesk_email="help@example.org",
                helpdesk_phone="(630) 555-0100",
            )
        )
        school = School(
            code="101", name="Oak Elementary School", level="elementary", low_grade=0,
            high_grade=5, city="Oakton", phone="(630) 555-0101",
        )  # fmt: skip
        s.add(school)
        s.flush()
        people = {
            "agent": Staff(username="ana", full_name="Ana Agent", role="agent"),
            "clerk": Staff(username="cal", full_name="Cal Clerk", role="clerk"),
            "supervisor": Staff(username="sue", full_name="Sue Supervisor", role="supervisor"),
        }
        for person in people.values():
            person.password_hash, person.created_at = "x", at(1, 5, 8)
        people["clerk"].school_id = school.id
        s.add_all(people.values())
        s.add(BusyPeriodRow(name="Parent conferences", first_day=date(2026, 11, 3),
                            last_day=date(2026, 11, 3), stretch_percent=150))  # fmt: skip
        s.add(BusyPeriodRow(name="School opening", first_day=date(2026, 8, 10),
                            last_day=date(2026, 8, 28), stretch_percent=150))  # fmt: skip
        s.flush()
        a, c, v = (people[k].id for k in ("agent", "clerk", "supervisor"))
        for number, fields in enumerate(tickets or _tickets(a, c, v), start=1001):
            subject = SUBJECTS[fields["category"]]
            s.add(Ticket(number=number, subject=subject, updated_at=NOW, **fields))
        s.flush()
        if tickets:
            return {k: StaffMember.of(p, None) for k, p in people.items()}
        first, merged = (
            s.exec(select(Ticket).where(col(Ticket.number).in_([1001, 1008]))).all()
        )  # fmt: skip
        merged.merged_into_id = first.id
        return {
            k: StaffMember.of(p, school.name if k == "clerk" else None) for k, p in people.items()
        }


# fmt: off
def _tickets(agent: int | None, clerk: int | None, supervisor: int | None) -> list[dict[str, Any]]:
    """T1 to T12 (HD-1001 to HD-1012), as the module's docstring sets them."""
    return [
        # T1: a call Thursday 14:00, answered Friday 9:00 (3 h), resolved Monday 10:00
        # after the weekend and the clock change (12 h); due Fri 14:00 and Wed 14:00.
        dict(channel="phone", category="lost_key", status="resolved", created_by_id=agent,
             assignee_id=agent, created_at=at(10, 29, 14), first_response_at=at(10, 30, 9),
             first_response_due_at=at(10, 30, 14), resolution_due_at=at(11, 4, 14),
             resolved_at=at(11, 2, 10)),
        # T2: email Friday 15:00, answered Monday 8:30 (1 h 30), still open: resolution
        # was due Thursday 15:00 (Election Day skipped), 5 business hours late now.
        dict(channel="email", category="forgot_login", status="open", assignee_id=agent,
             created_at=at(10, 30, 15), first_response_at=at(11, 2, 8, 30),
             first_response_due_at=at(11, 2, 15), resolution_due_at=at(11, 5, 15),
             due_at=at(11, 5, 15)),
        # T3: web form on Saturday; the clocks start Monday 7:30. Answered Wednesday 8:00
        # (8 h 30, due Monday 15:30: breached), resolved Thursday 15:00 (23 h 30, met).
        dict(channel="web", category="key_request", status="resolved",
             created_at=at(10, 31, 10), first_response_at=at(11, 4, 8),
             first_response_due_at=at(11, 2, 15, 30), resolution_due_at=at(11, 5, 15, 30),
             resolved_at=at(11, 5, 15)),
        # T4: a call Monday 13:00 (answered at once), pending on the guardian since
        # Wednesday 10:00; resolution due Friday 13:00: not yet due. Age 23 h.
        dict(channel="phone", category="account_disabled", status="pending",
             created_by_id=agent, assignee_id=supervisor, created_at=at(11, 2, 13),
             first_response_at=at(11, 2, 13), first_response_due_at=at(11, 4, 13),
             resolution_due_at=at(11, 6, 13), pending_since=at(11, 4, 10)),
        # T5: a walk-in the clerk wrote down Wednesday 15:00, answered 15:10, resolved
        # Thursday 8:00 (1 h). Its resolution was due after the range.
        dict(channel="walk_in", category="other", status="resolved", created_by_id=clerk,
             assignee_id=supervisor, created_at=at(11, 4, 15),
             first_response_at=at(11, 4, 15, 10), first_response_due_at=at(11, 5, 15),
             resolution_due_at=at(11, 9, 15), resolved_at=at(11, 5, 8)),
        # T6: email this morning at 9:00, new; both clocks due after the range. Age 3 h.
        dict(channel="email", category="security_email", status="new",
             created_at=at(11, 6, 9), first_response_due_at=at(11, 9, 9),
             resolution_due_at=at(11, 12, 9), due_at=at(11, 9, 9)),
        # T7: email before the range, never answered: first response due Wednesday 28
        # October 8:00 (52 business hours ago), resolution due Friday 30 October 8:00
        # (in the range: breached). Age 60 h.
        dict(channel="email", category="lost_key", status="new", assignee_id=agent,
             created_at=at(10, 27, 8), first_response_due_at=at(10, 28, 8),
             resolution_due_at=at(10, 30, 8), due_at=at(10, 28, 8)),
        # T8: a duplicate of T1, merged into it: left out of every figure.
        dict(channel="phone", category="lost_key", status="closed", created_by_id=agent,
             assignee_id=agent, created_at=at(10, 29, 10), first_response_at=at(10, 29, 11),
             first_response_due_at=at(10, 30, 10), resolution_due_at=at(11, 3, 10),
             closed_at=at(10, 29, 12)),
        # T9: closed Thursday 9:00 after waiting on the guardian too long (never
        # resolved): no resolution figure although its resolution was due in the range.
        dict(channel="email", category="other", status="closed", assignee_id=agent,
             created_at=at(10, 19, 9), first_response_at=at(10, 19, 10),
             first_response_due_at=at(10, 20, 9), resolution_due_at=at(10, 30, 9),
             closed_at=at(10, 29, 9)),
        # T10: web form Thursday 7:30, never answered, pending since Friday 9:00: its
        # first response was due Thursday 15:30 (breached before it went pending); its
        # resolution, due Monday 15:30, stopped before then (not yet due). Age 44 h 30.
        dict(channel="web", category="key_already_used", status="pending", assignee_id=agent,
             created_at=at(10, 29, 7, 30), first_response_due_at=at(10, 29, 15, 30),
             resolution_due_at=at(11, 2, 15, 30), pending_since=at(10, 30, 9)),
        # T11: email Thursday 13:00, new: first response due Friday 13:00 (not yet due).
        dict(channel="email", category="no_account", status="new", assignee_id=supervisor,
             created_at=at(11, 5, 13), first_response_due_at=at(11, 6, 13),
             resolution_due_at=at(11, 10, 13), due_at=at(11, 6, 13)),
        # T12: email Monday 8:00, answered 8:30, pending 9:00 to Wednesday 9:00 (8
        # business hours paused), resolved Wednesday 11:00: 11 h - 8 h = 3 h. Its due
        # times include the pause (first response Thursday 8:00: met).
        dict(channel="email", category="username_change", status="resolved",
             assignee_id=agent, created_at=at(11, 2, 8), first_response_at=at(11, 2, 8, 30),
             first_response_due_at=at(11, 5, 8), resolution_due_at=at(11, 9, 8),
             paused_seconds=8 * HOUR, resolved_at=at(11, 4, 11)),
    ]
# fmt: on


@pytest.fixture
def district(db: Database) -> dict[str, StaffMember]:
    return _district(db)


def _figures(db: Database, actor: StaffMember, **range_: date) -> ServiceLevels:
    with db.read() as s:
        return service_levels(
            s,
            actor=actor,
            first_day=range_.get("first_day", FIRST),
            last_day=range_.get("last_day", LAST),
            now=NOW,
        )


def test_what_came_in_and_how_the_clocks_did(db: Database, district) -> None:  # type: ignore[no-untyped-def]
    team = _figures(db, district["supervisor"]).team
    assert team is not None
    assert team.received == 9  # T1-T6, T10-T12; T7 and T9 came before, T8 was merged
    assert [(c.label, c.count) for c in team.by_channel] == [
        ("phone", 2), ("email", 4), ("web form", 2), ("walk-in", 1),
    ]  # fmt: skip
    assert {c.label: c.count for c in team.by_category} == {
        "key request": 1, "lost key": 1, "key already used": 1, "login name taken": 0,
        "forgot username/password": 1, "account disabled": 1, "security email": 1,
        "username change": 1, "no account yet": 1, "other": 1,
    }  # fmt: skip
    # First responses due in the range: T1, T2, T4, T5, T12 met; T3 and T10 breached;
    # T11 not yet due (Friday 13:00).
    fr = team.first_response
    assert (fr.due, fr.met, fr.breached, fr.not_yet_due, fr.met_percent) == (8, 5, 2, 1, 71.4)
    # Resolutions due in the range: T1, T3 met; T2, T7 breached; T4, T10 stopped while
    # pending before they were due; T9 closed unresolved is left out.
    res = team.resolution
    assert (res.due, res.met, res.breached, res.not_yet_due, res.met_percent) == (6, 2, 2, 2, 50.0)


def test_business_time_to_answer_and_to_resolve(db: Database, district) -> None:  # type: ignore[no-untyped-def]
    team = _figures(db, district["supervisor"]).team
    assert team is not None
    # Answered in the range: T4 0, T5 10 min, T12 30 min, T2 1 h 30, T1 3 h, T3 8 h 30.
    answered = team.first_response_time
    assert answered.count == 6
    assert answered.median_seconds == pytest.approx(1 * HOUR, abs=0.01)  # (30 min + 1 h 30) / 2
    assert answered.p90_seconds == pytest.approx(8.5 * HOUR, abs=0.01)  # the 6th of 6
    # Resolved in the range: T5 1 h, T12 3 h (11 h less 8 h pending), T1 12 h, T3 23 h 30.
    resolved = team.resolution_time
    assert resolved.count == 4
    assert resolved.median_seconds == pytest.approx(7.5 * HOUR, abs=0.01)  # (3 h + 12 h) / 2
    assert resolved.p90_seconds == pytest.approx(23.5 * HOUR, abs=0.01)


def test_open_now_by_age_and_the_backlog_at_each_close(db: Database, district) -> None:  # type: ignore[no-untyped-def]
    team = _figures(db, district["supervisor"]).team
    assert team is not None
    assert (team.open_now, team.pending_on_guardian) == (6, 2)  # T2 T4 T6 T7 T10 T11
    assert [(b.label, b.count) for b in team.open_by_age] == [
        ("under 1 business day", 2),  # T6 3 h, T11 7 h
        ("1 to 3 business days", 1),  # T4 23 h
        ("3 to 5 business days", 1),  # T2 29 h
        ("5 business days or more", 2),  # T10 44 h 30, T7 60 h
    ]
    # At 15:30 each business day (Friday's close is still to come): Thu T1 T7 T10;
    # Fri + T2; Mon T2 T3 T4 T7 T10 T12 (T1 resolved); Wed T12 out, T5 in; Thu T3 T5
    # out, T11 in.
    assert [(p.day, p.open_at_close) for p in team.daily] == [
        (date(2026, 10, 29), 3),
        (date(2026, 10, 30), 4),
        (date(2026, 11, 2), 6),
        (date(2026, 11, 4), 6),
        (date(2026, 11, 5), 5),
        (date(2026, 11, 6), None),
    ]
    assert team.daily[2].closes_at == at(11, 2, 15, 30)  # after the clock change


def test_an_age_band_starts_at_its_business_day_exactly(db: Database) -> None:
    ages = {  # business hours before now (Friday 12:00)
        at(11, 5, 12, 1): "7 h 59",
        at(11, 5, 12): "8 h: 1 day",
        at(11, 4, 12): "16 h: 2 days",
        at(11, 3, 10): "20 h 30: Election Day counts from Wednesday 7:30",
        at(11, 2, 12): "24 h: 3 days",
        at(10, 31, 10): "28 h 30: Saturday counts from Monday 7:30",
        at(10, 30, 8): "36 h: 4 days and a half",
        at(10, 29, 12): "40 h: 5 days, across the clock change",
    }
    staff = _district(db, [dict(channel="email", category="other", created_at=t) for t in ages])
    team = _figures(db, staff["supervisor"]).team
    assert team is not None
    assert [b.count for b in team.open_by_age] == [1, 3, 3, 1]


def test_days_of_a_busy_period_are_marked_on_the_backlog(db: Database) -> None:
    staff = _district(db, [dict(channel="web", category="other", created_at=at(10, 1, 9))])
    with db.write() as s:
        s.add(BusyPeriodRow(name="Report cards", first_day=date(2026, 11, 5),
                            last_day=date(2026, 11, 13), stretch_percent=200))  # fmt: skip
    figures = _figures(db, staff["supervisor"])
    assert [p.name for p in figures.busy_periods] == ["Parent conferences", "Report cards"]
    assert figures.team is not None
    assert [(p.day.day, p.open_at_close, p.busy_period) for p in figures.team.daily] == [
        (29, 1, None), (30, 1, None), (2, 1, None), (4, 1, None), (5, 1, "Report cards"),
        (6, None, "Report cards"),
    ]  # fmt: skip


def test_figures_per_agent_busy_periods_and_the_most_overdue(db: Database, district) -> None:  # type: ignore[no-untyped-def]
    figures = _figures(db, district["supervisor"])
    rows = {a.name: a for a in figures.agents}
    assert list(rows) == ["Ana Agent", "Cal Clerk", "Sue Supervisor"]  # the clerk took a walk-in
    ana, cal, sue = rows.values()
    assert (ana.open_now, ana.resolved, ana.calls_taken) == (3, 2, 2)  # T2 T7 T10; T1 T12
    fr = ana.first_response  # T1 T2 T12 met, T10 breached
    assert (fr.due, fr.met, fr.breached, fr.met_percent) == (4, 3, 1, 75.0)
    assert (cal.open_now, cal.resolved, cal.calls_taken, cal.first_response.due) == (0, 0, 1, 0)
    assert cal.first_response.met_percent is None
    assert (sue.open_now, sue.resolved, sue.calls_taken) == (2, 1, 0)  # T4 T11; T5
    fr = sue.first_response  # T4 T5 met, T11 not yet due
    assert (fr.due, fr.met, fr.breached, fr.not_yet_due, fr.met_percent) == (3, 2, 0, 1, 100.0)
    assert [p.name for p in figures.busy_periods] == ["Parent conferences"]
    assert [(o.label, o.clock, o.late_seconds) for o in figures.oldest_breaching] == [
        ("HD-1007", "first response", pytest.approx(52 * HOUR)),
        ("HD-1002", "resolution", pytest.approx(5 * HOUR)),
    ]


def test_an_agent_sees_only_their_own_figures(db: Database, district) -> None:  # type: ignore[no-untyped-def]
    figures = _figures(db, district["agent"])
    assert figures.team is None
    [mine] = figures.agents
    assert (mine.name, mine.open_now, mine.resolved, mine.calls_taken) == ("Ana Agent", 3, 2, 2)
    assert (mine.first_response.met, mine.first_response.breached) == (3, 1)
    assert [o.label for o in figures.oldest_breaching] == ["HD-1007", "HD-1002"]  # both hers
    sue = replace(district["supervisor"], role=district["agent"].role)  # as an agent
    assert _figures(db, sue).oldest_breaching == ()


def test_a_clerk_is_refused_and_the_refusal_is_kept(db: Database, district) -> None:  # type: ignore[no-untyped-def]
    clerk = district["clerk"]
    with pytest.raises(ActionDenied, match="supervisors .* and agents"):
        _figures(db, clerk)
    with db.read() as s:
        denied = s.exec(select(AuditEvent).where(col(AuditEvent.staff_id) == clerk.id)).all()
    assert [(e.outcome, "Service-level figures" in e.detail) for e in denied] == [("denied", True)]


@pytest.mark.parametrize(
    ("first_day", "last_day", "says"),
    [
        (date(2026, 11, 6), date(2026, 10, 29), "ends (2026-10-29) before it starts"),
        (date(2025, 11, 1), date(2026, 11, 2), "at most 366 days; 2025-11-01 to 2026-11-02 is 367"),
        (date(2019, 1, 1), date(2019, 1, 31), "covers 2024-01-01 to 2029-12-31"),
    ],
)
def test_a_range_that_cannot_be_reported_says_why(  # type: ignore[no-untyped-def]
    db: Database, district, first_day: date, last_day: date, says: str
) -> None:
    with pytest.raises(DomainError, match=says.replace("(", r"\(").replace(")", r"\)")):
        _figures(db, district["supervisor"], first_day=first_day, last_day=last_day)


def test_a_leap_year_fits_in_one_report(db: Database, district) -> None:  # type: ignore[no-untyped-def]
    figures = _figures(
        db, district["supervisor"], first_day=date(2028, 1, 1), last_day=date(2028, 12, 31)
    )
    assert figures.team is not None and figures.team.received == 0
    assert figures.now == NOW.astimezone(UTC)

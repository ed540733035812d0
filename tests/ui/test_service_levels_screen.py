"""The service-level dashboard by keyboard: F8 from anywhere; a supervisor reads the
team's figures (the same as the report's), switches the range (30 and 90 business
days), reads each business day and the open tickets' ages as charts or as numbers, and
opens the most overdue ticket in two keys; an agent sees only their own figures; a
clerk does not get it."""

from datetime import timedelta

import pytest

from helpdesk_tui.data.engine import Database
from helpdesk_tui.screens.lookup.guardian_lookup import GuardianLookupScreen
from helpdesk_tui.screens.reports import ServiceLevelsScreen
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from helpdesk_tui.services.kernel.text import count_of
from helpdesk_tui.services.reports import (
    ServiceLevels,
    percent,
    recent_business_days,
    service_levels,
)
from helpdesk_tui.services.staff import authenticate
from helpdesk_tui.services.tickets import seed_tickets
from tests.conftest import SEED_NOW
from tests.ui.helpers import SIZE, make_app, rows, settle, sign_in, text_of

AT = SEED_NOW + timedelta(days=2, hours=1)  # Wednesday 2026-11-04, 10:00 in Chicago


@pytest.fixture
def fixed_now(sqlite_seeded: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """300 tickets over the 60 days before the demo's day; the dashboard's clock at AT."""
    seed_tickets(sqlite_seeded, count=300, seed=9, now=SEED_NOW)
    monkeypatch.setattr(ServiceLevelsScreen, "now", lambda self: AT)


def _report(database: Database, username: str, first: str, last: str) -> ServiceLevels:
    from datetime import date

    actor = authenticate(database, username=username, password="demo-password")
    with database.read() as session:
        return service_levels(
            session,
            actor=actor,
            first_day=date.fromisoformat(first),
            last_day=date.fromisoformat(last),
            now=AT,
        )


def _business_days(database: Database, count: int) -> tuple[str, str]:
    with database.read() as session:
        first, last = recent_business_days(session, count=count, now=AT)
    return str(first), str(last)


async def test_a_supervisor_reads_the_team_figures_and_opens_the_worst_ticket(
    sqlite_seeded, fixed_now
) -> None:  # type: ignore[no-untyped-def]
    week = _report(sqlite_seeded, "demo-supervisor", "2026-11-02", "2026-11-04")
    thirty = _business_days(sqlite_seeded, 30)
    month = _report(sqlite_seeded, "demo-supervisor", *thirty)
    assert thirty[0] == "2026-09-22"  # 30 business days: no weekends, Columbus Day, Election Day
    assert week.team and month.team and month.team.received > week.team.received > 0
    assert month.team.daily and month.oldest_breaching
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-supervisor")
        await pilot.press("f8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ServiceLevelsScreen) and screen.loads == 1
        assert "This week · 2026-11-02 to 2026-11-04" in text_of(pilot, "#levels-title")
        summary = text_of(pilot, "#levels-summary")
        assert f"Received: {count_of(week.team.received, 'ticket')}" in summary
        fr = week.team.first_response
        assert f"{fr.met:,} met, {fr.breached:,} breached" in summary
        names = [row[0] for row in rows(pilot, "#levels-agents")]
        assert names == [a.name for a in week.agents] and len(names) >= 2

        await pilot.press("m")  # the last 30 business days
        await settle(pilot)
        title = text_of(pilot, "#levels-title")
        assert f"Last 30 business days · {thirty[0]} to {thirty[1]}" in title
        received = f"Received: {count_of(month.team.received, 'ticket')}"
        assert received in text_of(pilot, "#levels-summary")

        charts = [screen.query_one(f"#chart-{k}") for k in ("received", "met", "backlog", "ages")]
        days, ages = screen.query_one("#levels-days"), screen.query_one("#levels-ages")
        assert all(c.display for c in charts) and not days.display and not ages.display
        await pilot.press("c")  # the numbers instead of the charts
        await settle(pilot)
        assert days.display and ages.display and not any(c.parent.parent.display for c in charts)  # type: ignore[union-attr]
        shown = [(row[0][:10], row[1], row[8]) for row in rows(pilot, "#levels-days")]
        assert shown == [
            (
                str(d.day),
                f"{d.received:,}",
                "not yet" if d.open_at_close is None else f"{d.open_at_close:,}",
            )
            for d in month.team.daily
        ]
        first_day = month.team.daily[0].first_response
        assert rows(pilot, "#levels-days")[0][2:5] == [
            str(first_day.due),
            str(first_day.met),
            percent(first_day.met_percent),
        ]
        assert [(r[0], r[1]) for r in rows(pilot, "#levels-ages")] == [
            (b.label, f"{b.count:,}") for b in month.team.open_by_age
        ]
        await pilot.press("c")  # and back to the charts
        await settle(pilot)
        assert charts[0].display and not days.display

        await pilot.press("q")  # the last 90 business days
        await settle(pilot)
        ninety = _business_days(sqlite_seeded, 90)
        assert f"Last 90 business days · {ninety[0]} to {ninety[1]}" in text_of(
            pilot, "#levels-title"
        )
        quarter = _report(sqlite_seeded, "demo-supervisor", *ninety)
        assert quarter.team and len(quarter.team.daily) == 90

        await pilot.press("m")
        await settle(pilot)
        worst = month.oldest_breaching[0]
        assert rows(pilot, "#levels-overdue")[0][0] == worst.label
        await pilot.press("o", "enter")  # the most overdue ticket, two keys away
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailScreen)
        assert app.screen.ticket_id == worst.ticket_id


async def test_an_agent_sees_only_their_own_figures(sqlite_seeded, fixed_now) -> None:  # type: ignore[no-untyped-def]
    own = _report(sqlite_seeded, "demo-agent", "2026-11-02", "2026-11-04")
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ServiceLevelsScreen)
        assert "Team figures are for supervisors" in text_of(pilot, "#levels-summary")
        assert "Received" not in text_of(pilot, "#levels-summary")
        assert [row[0] for row in rows(pilot, "#levels-agents")] == [a.name for a in own.agents]
        assert len(own.agents) == 1
        assert not app.screen.query_one("#levels-charts").display


async def test_a_clerk_does_not_get_the_dashboard(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-clerk")
        assert "f8" not in app.screen.active_bindings or not app.check_action("area", ("levels",))
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, GuardianLookupScreen)

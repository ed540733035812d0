"""Snapshots of the main screens on the fixed demo district (Textual is pinned exactly),
each at a common default terminal (80x24) and at 120x40: what staff decide with must
be on screen at both (lookup: name, students, portal status; verify: the verdict and
Finish; queue: ticket, time left, subject, status, assignee).

Update after an intended change with: pytest tests/ui/test_snapshots.py --snapshot-update
"""

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot

from helpdesk_tui.data.tables import Ticket
from helpdesk_tui.services.tickets import seed_tickets
from tests.conftest import SEED_NOW
from tests.ui.helpers import SIZE, make_app, search, settle, sign_in, steady

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param(SIZE, id="120x40")]


def test_sign_in_screen(snap_compare, sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(sqlite_seeded), terminal_size=SIZE, run_before=steady)


async def _lookup(pilot: Pilot) -> None:
    await settle(pilot)
    await sign_in(pilot)
    await search(pilot, "nunez")


async def _guardian(pilot: Pilot) -> None:
    await _lookup(pilot)
    await pilot.press("down", "enter")
    await settle(pilot)


async def _verify(pilot: Pilot) -> None:
    await _guardian(pilot)
    await pilot.press("v")
    await settle(pilot)


async def _pending_queue(pilot: Pilot) -> None:
    """The tickets waiting on the guardian: their clocks are paused, so nothing on the
    screen moves with the real clock (the tickets came in on the demo's fixed day)."""
    await settle(pilot)
    await sign_in(pilot)
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)


async def _pending_ticket(pilot: Pilot) -> None:
    await _pending_queue(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(_lookup, id="lookup"),
        pytest.param(_guardian, id="guardian"),
        pytest.param(_verify, id="verify"),
        pytest.param(_pending_queue, id="queue"),
        pytest.param(_pending_ticket, id="ticket"),
    ],
)
def test_main_screens(snap_compare, sqlite_seeded, scenario, size) -> None:  # type: ignore[no-untyped-def]
    seed_tickets(sqlite_seeded, count=120, seed=9, now=SEED_NOW)
    with sqlite_seeded.write() as s:  # a few waiting on the guardian since the demo's day
        for ticket in s.exec(
            select(Ticket).where(col(Ticket.due_at).is_not(None)).order_by(col(Ticket.id)).limit(8)
        ):
            ticket.status, ticket.pending_since, ticket.due_at = "pending", SEED_NOW, None

    async def then_steady(pilot: Pilot) -> None:
        await scenario(pilot)
        await steady(pilot)

    assert snap_compare(make_app(sqlite_seeded), terminal_size=size, run_before=then_steady)


@pytest.mark.parametrize("size", SIZES)
def test_service_levels_dashboard(snap_compare, sqlite_seeded, monkeypatch, size) -> None:  # type: ignore[no-untyped-def]
    """A supervisor's last 30 days, as of two days after the demo's day (the dashboard's
    clock is fixed, so nothing on it moves with the real one)."""
    from datetime import timedelta

    from helpdesk_tui.screens.reports import ServiceLevelsScreen

    seed_tickets(sqlite_seeded, count=300, seed=9, now=SEED_NOW)
    monkeypatch.setattr(ServiceLevelsScreen, "now", lambda self: SEED_NOW + timedelta(days=2))

    async def dashboard(pilot: Pilot) -> None:
        await settle(pilot)
        await sign_in(pilot, "demo-supervisor")
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("m")
        await steady(pilot)

    assert snap_compare(make_app(sqlite_seeded), terminal_size=size, run_before=dashboard)


@pytest.mark.parametrize("size", SIZES)
def test_settings_holidays_and_closures(snap_compare, sqlite_seeded, monkeypatch, size) -> None:  # type: ignore[no-untyped-def]
    """The settings' holidays and closures of 2026, a winter break closed, as of Friday 9
    October (the screen's clock is fixed: the list opens at Columbus Day)."""
    from datetime import UTC, date, datetime

    from helpdesk_tui.screens.settings import SettingsScreen
    from helpdesk_tui.services.sla import close_range
    from helpdesk_tui.services.staff import authenticate

    boss = authenticate(sqlite_seeded, username="demo-supervisor", password="demo-password")
    with sqlite_seeded.write() as s:
        close_range(
            s,
            actor=boss,
            first_day=date(2026, 12, 21),
            last_day=date(2027, 1, 1),
            name="Winter break",
        )
    friday = datetime(2026, 10, 9, 19, 0, tzinfo=UTC)
    monkeypatch.setattr(SettingsScreen, "now", lambda self: friday)

    async def holidays(pilot: Pilot) -> None:
        await settle(pilot)
        await sign_in(pilot, "demo-supervisor")
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("4")
        await steady(pilot)

    assert snap_compare(make_app(sqlite_seeded), terminal_size=size, run_before=holidays)

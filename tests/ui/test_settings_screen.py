"""The settings screen by keyboard (F10, supervisors): business hours with a bad value
(refused in the dialog, nothing saved) then a good one (previewed, confirmed since it
moves due dates, saved and audited); Columbus Day opened from the holiday list; a winter
break closed in one step; agents never reach the screen."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent, ClosureDay, DistrictSettings, OpenDay
from helpdesk_tui.screens.settings import SettingsScreen
from helpdesk_tui.screens.settings.edit_dialog import ConfirmMove, SettingDialog
from tests.ui.helpers import SIZE, make_app, rows, settle, sign_in, text_of

# Friday 9 October 2026, 14:00 in Chicago: Monday is Columbus Day.
FRIDAY = datetime(2026, 10, 9, 19, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SettingsScreen, "now", lambda self: FRIDAY)


async def open_settings(pilot: Pilot, section: str) -> SettingsScreen:  # type: ignore[type-arg]
    await settle(pilot)
    await sign_in(pilot, "demo-supervisor")
    await pilot.press("f10")
    await settle(pilot)
    await pilot.press(section)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def audit_rows(db: Database, action: str) -> list[tuple[str, str, str]]:
    with db.read() as s:
        found = s.exec(select(AuditEvent).where(col(AuditEvent.action) == action)).all()
        return [(r.staff_username or "", r.outcome, r.detail) for r in found]


def hours_open(db: Database) -> str:
    with db.read() as s:
        row = s.get(DistrictSettings, 1)
        assert row is not None
        return row.hours_open


def preview(pilot: Pilot) -> str:  # type: ignore[type-arg]
    return text_of(pilot, "#setting-preview")


async def test_hours_a_bad_value_is_refused_in_place_then_a_good_one_saved(
    sqlite_seeded: Database,
) -> None:
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot, "3")
        assert rows(pilot, "#hours-table")[:3] == [
            ["Opens", "07:30"],
            ["Closes", "15:30"],
            ["Business days", "Mon-Fri (12345)"],
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingDialog)
        await pilot.press(*"16:00")  # the box's value is selected: typing replaces it
        await settle(pilot)
        refused = (
            "The helpdesk must close after it opens (it would open at 16:00 and close at 15:30)."
        )
        assert preview(pilot) == refused
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SettingDialog) and preview(pilot) == refused
        assert hours_open(sqlite_seeded) == "07:30"

        app.screen.query_one("#field-open", Input).value = "8:00"
        await settle(pilot)
        assert preview(pilot).startswith(
            "A ticket created now (other, normal) would be first-response due Tue 13 Oct "
            "14:30 and resolution due Thu 15 Oct 15:30 (now Tue 13 Oct 14:00 and Thu 15 Oct "
            "14:00)"
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmMove)  # it moves due dates: asked once more
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert rows(pilot, "#hours-table")[0] == ["Opens", "08:00"]
        assert text_of(pilot, "#settings-preview").startswith(
            "A ticket created now (other, normal) would be first-response due Tue 13 Oct 14:30"
        )
    assert hours_open(sqlite_seeded) == "08:00"
    assert audit_rows(sqlite_seeded, "business_hours_set") == [
        (
            "demo-supervisor",
            "done",
            "Business hours 08:00 to 15:30, Mon-Fri (were 07:30 to 15:30, Mon-Fri)",
        )
    ]


async def test_columbus_day_is_opened_from_the_holiday_list(sqlite_seeded: Database) -> None:
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, "4")
        # The list opens at the first holiday from today on.
        highlighted = rows(pilot, "#holidays-table")[screen._table("holidays").cursor_row]
        assert highlighted == ["Mon 12 Oct", "Columbus Day", "closed"]
        await pilot.press("o")
        await settle(pilot)
        assert text_of(pilot, "#setting-dialog .dialog-title") == (
            "Open on Columbus Day, Mon 12 Oct 2026?"
        )
        assert preview(pilot).startswith(
            "A ticket created now (other, normal) would be first-response due Mon 12 Oct "
            "14:00 and resolution due Wed 14 Oct 14:00 (now Tue 13 Oct 14:00 and Thu 15 Oct "
            "14:00)"
        )
        await pilot.press("enter")  # the dialog is the confirmation: Open has the focus
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        columbus = next(r for r in rows(pilot, "#holidays-table") if r[1] == "Columbus Day")
        assert columbus[2] == "open (worked)"
    with sqlite_seeded.read() as s:
        assert s.get(OpenDay, date(2026, 10, 12)) is not None
    assert audit_rows(sqlite_seeded, "open_day_added") == [
        (
            "demo-supervisor",
            "done",
            "Open on Columbus Day, Mon 12 Oct 2026 (a public holiday in US-IL)",
        )
    ]


async def test_a_winter_break_is_closed_in_one_step(sqlite_seeded: Database) -> None:
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot, "4")
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"2026-12-21", "enter", *"2027-01-01", "enter", *"Winter break")
        await settle(pilot)
        assert preview(pilot).startswith("A ticket created now (other, normal) would be")
        await pilot.press("enter")  # in the last box: saves (no due date moves: no question)
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert ["21 Dec-31 Dec", "Winter break", "closed, 8 days"] in rows(pilot, "#holidays-table")
    with sqlite_seeded.read() as s:
        days = s.exec(select(ClosureDay.day).order_by(col(ClosureDay.day))).all()
    assert [d.day for d in days] == [21, 22, 23, 24, 28, 29, 30, 31]
    [(who, outcome, detail)] = audit_rows(sqlite_seeded, "closure_added")
    assert (who, outcome) == ("demo-supervisor", "done")
    assert detail.startswith("Closed Mon 21 Dec 2026 to Fri 1 Jan 2027 (Winter break): 8 days")


async def test_agents_do_not_get_the_settings(sqlite_seeded: Database) -> None:
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "demo-agent")
        await pilot.press("f10")
        await settle(pilot)
        assert not isinstance(app.screen, SettingsScreen)
    assert audit_rows(sqlite_seeded, "business_hours_set") == []

"""Driving the real app with Pilot."""

import contextlib

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from textual.worker import WorkerCancelled

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.config import Settings
from helpdesk_tui.data.engine import Database
from helpdesk_tui.screens.guardian import GuardianDetailScreen

SIZE = (120, 40)


def make_app(database: Database, *, settings: Settings | None = None) -> HelpdeskApp:
    """The app as staff run it, but with its timers off: a test runs each periodic
    check (a guardian's watch, the outbox) itself, so nothing races it."""
    return HelpdeskApp(database, demo=True, settings=settings, timers=False)


async def settle(pilot: Pilot) -> None:  # type: ignore[type-arg]
    """Let thread workers finish and their results reach the screen.

    A worker superseded by a newer one (a search per keystroke) ends cancelled; that is
    normal, so wait again until every worker has finished. Then two pauses: the first
    lets widgets handle the results; DataTable sizes its columns when it next goes
    idle, which the second pause waits for."""
    workers = pilot.app.workers
    for _ in range(100):
        if all(w.is_finished for w in workers):
            break
        with contextlib.suppress(WorkerCancelled):
            await workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause()
    await pilot.pause()


async def steady(pilot: Pilot) -> None:  # type: ignore[type-arg]
    """Settle, then show text cursors steadily: before a snapshot. A cursor blinks every
    0.5 s, so on a loaded machine the snapshot could catch it off (a flaky snapshot)."""
    await settle(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def sign_in(
    pilot: Pilot,  # type: ignore[type-arg]
    username: str = "demo-agent",
    password: str = "demo-password",
    *,
    typed: bool = False,
) -> None:
    """Sign in on the sign-in screen: key by key when ``typed`` (what the sign-in tests
    check), else by filling both boxes and pressing Enter (a keypress costs ~50 ms in
    Pilot, and every other test only needs to be signed in)."""
    if typed:
        await pilot.press(*username, "enter", *password, "enter")
    else:
        screen = pilot.app.screen
        screen.query_one("#username", Input).value = username
        password_box = screen.query_one("#password", Input)
        password_box.value = password
        password_box.focus()
        await pilot.press("enter")
    await settle(pilot)


async def search(pilot: Pilot, text: str) -> None:  # type: ignore[type-arg]
    """Type into the lookup box key by key: a search runs on every keystroke."""
    await pilot.press(*text)
    await settle(pilot)


async def find(pilot: Pilot, text: str) -> None:  # type: ignore[type-arg]
    """Put ``text`` in the lookup box at once (one search, as after a paste) and press
    Enter, which opens the guardian when exactly one matches."""
    pilot.app.screen.query_one("#search", Input).value = text
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def open_guardian(pilot: Pilot, text: str) -> GuardianDetailScreen:  # type: ignore[type-arg]
    """``find`` the one guardian ``text`` names, and their record, now in front."""
    await find(pilot, text)
    detail = pilot.app.screen
    assert isinstance(detail, GuardianDetailScreen)
    return detail


def rows(pilot: Pilot, selector: str = "#results") -> list[list[str]]:  # type: ignore[type-arg]
    table = pilot.app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def text_of(pilot: Pilot, selector: str) -> str:  # type: ignore[type-arg]
    widget = pilot.app.screen.query_one(selector)
    if isinstance(widget, Input):
        return widget.value
    assert isinstance(widget, Static)
    return str(widget.render())

"""Driving the real app with Pilot."""

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.data.engine import Database

SIZE = (120, 40)


def make_app(database: Database) -> HelpdeskApp:
    return HelpdeskApp(database, demo=True)


async def settle(pilot: Pilot) -> None:
    """Let thread workers finish and their results reach the screen.

    Two pauses: the first lets widgets handle the results; DataTable then sizes its
    columns when it next goes idle, which the second pause waits for."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def sign_in(
    pilot: Pilot, username: str = "demo-agent", password: str = "demo-password"
) -> None:
    await pilot.press(*username, "enter", *password, "enter")
    await settle(pilot)


async def search(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


def rows(pilot: Pilot, selector: str = "#results") -> list[list[str]]:
    table = pilot.app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def text_of(pilot: Pilot, selector: str) -> str:
    widget = pilot.app.screen.query_one(selector)
    if isinstance(widget, Input):
        return widget.value
    assert isinstance(widget, Static)
    return str(widget.render())

"""Names, subjects and email text come from outside (the SIS, a parent's email client):
every screen shows them as typed. "[red]" stays "[red]", "[/]" (which the markup parser
cannot read) breaks nothing, a link tag makes no link, and a terminal escape never
reaches the terminal."""

from sqlmodel import col, select
from textual.widgets import DataTable, Static

from helpdesk_tui.data.demo.rows import demo_key
from helpdesk_tui.data.tables import ActivationKey, Guardian
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from helpdesk_tui.services import tickets as t
from tests.conftest import SEED
from tests.recovery import pick_guardian, staff
from tests.ui.helpers import SIZE, make_app, settle, sign_in

SUBJECT = "[link=https://evil.example]Click here[/link] [/]"
BODY = "Hello [bold]not bold\x1b[2J [/] [@click=app.quit]quit[/]\nsecond line"
NAME = "[blink]Eve[/]\x1b]0;pwned\x07"


def screen_text(pilot, selector: str) -> str:  # type: ignore[no-untyped-def]
    """A widget as drawn: its lines joined, with no style information."""
    widget = pilot.app.screen.query_one(selector)
    return "\n".join(
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    )


def styled_words(content) -> set[str]:  # type: ignore[no-untyped-def]
    """The text that carries a style in a Static's content or a table cell."""
    plain = str(content)
    return {plain[span.start : span.end] for span in getattr(content, "spans", ())}


async def test_a_ticket_from_outside_reads_as_typed(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    agent = staff(sqlite_seeded, "demo-agent")
    with sqlite_seeded.write() as s:
        ticket_id = t.create_ticket(
            s,
            actor=agent,
            channel="email",
            category="other",
            subject=SUBJECT,
            body=BODY,
            caller_name=NAME,
            caller_email="eve@nowhere.example",
        ).id
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = TicketDetailScreen(ticket_id)
        app.push_screen(screen)
        await settle(pilot)
        title = screen_text(pilot, "#ticket-title")
        assert "[link=https://evil.example]Click here[/link] [/]" in title
        assert "[blink]Eve[/]" in screen_text(pilot, "#ticket-who")
        [message] = screen.query(".message").results(Static)
        drawn = screen_text(pilot, ".message")
        assert "Hello [bold]not bold[2J [/] [@click=app.quit]quit[/]" in drawn
        assert "second line" in drawn and "\x1b" not in drawn and "\x07" not in drawn
        assert not styled_words(message.visual)
        # The queue shows the same subject and caller as typed.
        await pilot.press("f3", "o")  # the queue, newest first
        await settle(pilot)
        table = app.screen.query_one("#queue", DataTable)
        row = table.get_row(str(ticket_id))
        assert str(row[2]).startswith("[link=https://evil.") and not styled_words(row[2])
        assert str(row[5]).startswith("[blink]Eve[/]") and "\x1b" not in str(row[5])


async def test_the_key_check_shows_the_owners_name_as_typed(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    with sqlite_seeded.write() as s:
        key = s.exec(select(ActivationKey).where(col(ActivationKey.status) == "active")).first()
        assert key is not None
        key_id, guardian = key.id or 0, s.get(Guardian, key.guardian_id)
        assert guardian is not None
        guardian.first_name, guardian.last_name = "[/]", "[red]Ng\u202euyen[/]"
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*demo_key(SEED, key_id), "enter")
        await settle(pilot)
        result = screen_text(pilot, "#keycheck-result")
        assert "Issued to: [/] [red]Nguyen[/]" in result


async def test_the_usage_report_lists_names_as_typed(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)  # no account: on the "No account" list
    with sqlite_seeded.write() as s:
        row = s.get(Guardian, guardian.id)
        assert row is not None
        row.first_name, row.last_name = "[on red]Zed[/]", "[/]"
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-supervisor")
        await pilot.press("f4")
        await settle(pilot)
        table = app.screen.query_one("#usage-guardians", DataTable)
        names = [table.get_row_at(i)[1] for i in range(table.row_count)]
        [cell] = [n for n in names if "Zed" in str(n)]
        assert str(cell) == "[on red]Zed[/] [/]" and not styled_words(cell)

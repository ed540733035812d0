"""The queue by keyboard: open it, claim the most urgent unassigned ticket, find it
under Mine."""

import re

from sqlmodel import select

from helpdesk_tui.data.tables import Ticket
from helpdesk_tui.screens.tickets.ticket_queue import TicketQueueScreen
from helpdesk_tui.services.tickets import seed_tickets
from tests.ui.helpers import SIZE, make_app, rows, settle, sign_in, text_of


async def test_claim_from_the_unassigned_queue(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    seed_tickets(sqlite_seeded, count=300, seed=4)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketQueueScreen)
        before = screen.page.counts["unassigned"]
        assert before > 1
        assert f"Unassigned: 1-{min(before, 50)} of {before}" in text_of(pilot, "#queue-status")
        first = rows(pilot, "#queue")[0]
        label = re.search(r"HD-(\d+)", first[0])
        assert label and ("late" in first[1] or "left" in first[1])
        number = int(label.group(1))
        await pilot.press("c")
        await settle(pilot)
        await settle(pilot)
        assert screen.page.counts["unassigned"] == before - 1
        assert label.group(0) not in rows(pilot, "#queue")[0][0]
        await pilot.press("2")  # Mine
        await settle(pilot)
        assert any(label.group(0) in r[0] for r in rows(pilot, "#queue"))
    with sqlite_seeded.read() as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
    assert ticket.assignee_id is not None and app.staff is not None
    assert ticket.assignee_id == app.staff.id


async def test_sort_newest_first_and_filter_by_school(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    from helpdesk_tui.services.kernel.district import list_schools
    from helpdesk_tui.widgets.formatting import short_school

    seed_tickets(sqlite_seeded, count=300, seed=6)
    with sqlite_seeded.read() as s:
        school_id, school_name = list_schools(s)[0]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("6", "o")  # all open, newest first
        await settle(pilot)
        numbers = [int(re.search(r"HD-(\d+)", r[0]).group(1)) for r in rows(pilot, "#queue")]
        assert len(numbers) > 1 and numbers == sorted(numbers, reverse=True)
        app.screen.query_one("#filter-school").value = school_id
        await settle(pilot)
        await settle(pilot)
        schools = {r[6] for r in rows(pilot, "#queue")}
        assert schools == {short_school(school_name)[:11] + "…"} or schools == {
            short_school(school_name)
        }


async def test_another_view_starts_at_its_first_row(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    """The wrong ticket was opened: switching views kept the old view's cursor row."""
    from textual.widgets import DataTable

    from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen

    seed_tickets(sqlite_seeded, count=300, seed=8)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*["down"] * 5)
        screen = app.screen
        assert screen.query_one("#queue", DataTable).cursor_row == 5
        await pilot.press("6")  # All open
        await settle(pilot)
        assert screen.query_one("#queue", DataTable).cursor_row == 0
        first = re.search(r"HD-(\d+)", rows(pilot, "#queue")[0][0])
        assert first
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailScreen)
        assert app.screen.detail.label == first.group(0)

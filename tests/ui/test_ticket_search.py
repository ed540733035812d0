"""Ticket search in the queue (issue 12): / opens the box; a ticket's number and Enter
open that ticket; words list every ticket they match (closed ones too) in the queue's
table, Enter opens the highlighted one; Esc from the ticket comes back to the results,
and Esc again to the view. Letters typed in the box never act on the queue."""

import re

from sqlalchemy import exists, func
from sqlmodel import col, select
from textual import events
from textual.widgets import DataTable

from helpdesk_tui.data.tables import Ticket, TicketMessage
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from helpdesk_tui.screens.tickets.ticket_queue import TicketQueueScreen
from helpdesk_tui.screens.tickets.ticket_search import TicketSearchBox
from helpdesk_tui.services.tickets import seed_tickets
from tests.ui.helpers import SIZE, make_app, rows, settle, sign_in, text_of


async def _queue(pilot) -> TicketQueueScreen:  # type: ignore[no-untyped-def]
    await sign_in(pilot)
    await pilot.press("f3")
    await settle(pilot)
    queue = pilot.app.screen
    assert isinstance(queue, TicketQueueScreen)
    return queue


def _labels(pilot) -> list[str]:  # type: ignore[no-untyped-def]
    return [re.search(r"HD-\d+", r[0]).group(0) for r in rows(pilot, "#queue")]


async def test_a_number_opens_its_ticket_and_esc_comes_back_to_the_view(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    seed_tickets(sqlite_seeded, count=120, seed=3)
    with sqlite_seeded.read() as s:  # a closed ticket: in no view of the queue
        closed = s.exec(
            select(Ticket).where(col(Ticket.status) == "closed").order_by(col(Ticket.id))
        ).first()
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        queue = await _queue(pilot)
        view_rows = _labels(pilot)
        assert f"HD-{closed.number}" not in view_rows
        await pilot.press("slash")
        box = queue.query_one(TicketSearchBox)
        assert box.has_focus and "Esc: back to Unassigned" in text_of(pilot, "#queue-views")
        await pilot.press(*f"HD-{closed.number}", "enter")
        await settle(pilot)
        ticket = app.screen
        assert isinstance(ticket, TicketDetailScreen) and ticket.ticket_id == closed.id
        await pilot.press("escape")  # back to the search, as it was
        await settle(pilot)
        assert app.screen is queue and box.value == f"HD-{closed.number}"
        assert _labels(pilot) == [f"HD-{closed.number}"]
        assert rows(pilot, "#queue")[0][3] == "closed"  # the Status column
        await pilot.press("escape")  # back to the view
        await settle(pilot)
        assert app.screen is queue and not box.display and box.value == ""
        assert _labels(pilot) == view_rows
        assert text_of(pilot, "#queue-status").startswith("Unassigned: 1-")


async def test_words_list_every_ticket_and_enter_opens_the_highlighted_one(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    seed_tickets(sqlite_seeded, count=120, seed=5)
    with sqlite_seeded.read() as s:
        mine_before = s.exec(
            select(func.count()).select_from(Ticket).where(Ticket.assignee_id.is_not(None))
        ).one()  # type: ignore[union-attr]
        said = exists().where(
            col(TicketMessage.ticket_id) == col(Ticket.id),
            col(TicketMessage.body).like("%account%"),
        )
        expected = s.exec(
            select(Ticket.number)  # type: ignore[call-overload]
            .where(col(Ticket.subject).like("%account%") | said)
            .order_by(col(Ticket.id).desc())
            .limit(50)
        ).all()
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        queue = await _queue(pilot)
        await pilot.press("slash", *"ACCOUNT", "enter")  # a, c, o, r: also queue keys
        await settle(pilot)
        box = queue.query_one(TicketSearchBox)
        assert box.value == "ACCOUNT" and app.screen is queue
        # Every ticket with "account" in its subject or messages, of every status,
        # newest first.
        assert _labels(pilot) == [f"HD-{n}" for n in expected]
        assert {r[3] for r in rows(pilot, "#queue")} >= {"closed", "new"}
        table = queue.query_one("#queue", DataTable)
        assert table.has_focus and table.cursor_row == 0
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailScreen)
        assert app.screen.ticket_id == queue.found.rows[1].id
    with sqlite_seeded.read() as s:
        mine_after = s.exec(
            select(func.count()).select_from(Ticket).where(Ticket.assignee_id.is_not(None))
        ).one()  # type: ignore[union-attr]
    assert mine_after == mine_before, "typing in the box claimed or assigned nothing"


async def test_a_pasted_blob_or_a_control_character_gets_a_message(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        queue = await _queue(pilot)
        await pilot.press("slash")
        box = queue.query_one(TicketSearchBox)
        box.post_message(events.Paste("x" * 10_240))
        await pilot.pause()
        await settle(pilot)
        assert box.value == "", "a paste over the limit is not inserted"
        assert any("at most 100 characters" in str(n.message) for n in app._notifications)
        box.post_message(events.Paste("lost\ufdd0key"))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app.screen is queue
        assert "control or unknown character" in text_of(pilot, "#queue-status")
        assert rows(pilot, "#queue") == []

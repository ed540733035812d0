"""A caller the lookup does not find still gets their phone ticket from the lookup
(ctrl+t), with what they gave; clerks do not have the key."""

from sqlmodel import col, select

from helpdesk_tui.data.tables import Ticket
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from tests.ui.helpers import SIZE, make_app, search, settle, sign_in


async def test_ctrl_t_starts_a_ticket_for_a_caller_not_found(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await search(pilot, "Zebediah Quillfeather")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press(*" 630 555 0142", "enter")  # after the name already typed
        await settle(pilot)
        await settle(pilot)
        ticket = app.screen
        assert isinstance(ticket, TicketDetailScreen) and ticket.detail is not None
        assert ticket.detail.guardian_id is None and ticket.detail.assignee
    with sqlite_seeded.read() as s:
        row = s.exec(select(Ticket).where(col(Ticket.id) == ticket.ticket_id)).one()
    assert (row.caller_name, row.caller_phone, row.status) == (
        "Zebediah Quillfeather",
        "630 555 0142",
        "open",
    )


async def test_clerks_do_not_have_it(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-clerk")
        held = app.screen.active_bindings.get("ctrl+t")
        assert held is None or not held.enabled

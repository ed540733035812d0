"""Correcting a ticket by keyboard: e for the category, u for the priority, l to link
the family a caller turned out to be; each shows on the ticket and its timeline."""

from helpdesk_tui.data.tables import Ticket
from helpdesk_tui.services import tickets as t
from helpdesk_tui.vocabulary import Category
from tests.recovery import pick_guardian, staff
from tests.ui.helpers import SIZE, make_app, settle, text_of
from tests.ui.test_ticket_screen import _open_ticket


async def test_category_and_priority_by_keyboard(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    agent = staff(sqlite_seeded, "demo-agent")
    with sqlite_seeded.write() as s:
        call = t.open_call_ticket(s, actor=agent, guardian_id=pick_guardian(sqlite_seeded).id)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_ticket(app, pilot, call.ticket.id)
        before = screen.detail.category
        await pilot.press("e")
        await settle(pilot)
        # The list opens on the current category (the guess from the portal state).
        target = "username_change"
        order = [c.value for c in Category]
        steps = order.index(target) - order.index(before)
        await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
        await settle(pilot)
        await settle(pilot)
        assert screen.detail.category == target
        assert "username change" in text_of(pilot, "#ticket-title")
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # normal -> urgent
        await settle(pilot)
        await settle(pilot)
        assert screen.detail.priority == "urgent"
        changes = [e.detail for e in screen.detail.events if e.kind == "changed"]
        assert changes[-1] == "priority: normal → urgent"
        await pilot.press("u", "escape")  # Esc changes nothing
        await settle(pilot)
        assert app.screen is screen
    with sqlite_seeded.read() as s:
        row = s.get(Ticket, call.ticket.id)
        assert (row.category, row.priority) == ("username_change", "urgent")
        assert row.subject == "Phone call: username change"


async def test_link_the_family_of_a_caller_found_after_the_call(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    agent = staff(sqlite_seeded, "demo-agent")
    guardian = pick_guardian(sqlite_seeded)
    with sqlite_seeded.write() as s:
        ref = t.open_caller_ticket(s, actor=agent, caller="Caller with no name on file")
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_ticket(app, pilot, ref.id)
        assert screen.detail.guardian_id is None
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*guardian.email)
        await settle(pilot)
        await settle(pilot)
        assert "1 found" in text_of(pilot, "#family-status")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await settle(pilot)
        assert screen.detail.guardian_id == guardian.id
        assert f"{guardian.first_name} {guardian.last_name}" in text_of(pilot, "#ticket-who")
    with sqlite_seeded.read() as s:
        assert s.get(Ticket, ref.id).guardian_id == guardian.id

"""The guardian's tickets on their record (issue 12): open ones first with their time
left, then the closed ones with the day they were closed; Enter opens one, Esc comes
back to the record, which shows what was done on the ticket meanwhile."""

from textual.widgets import DataTable

from helpdesk_tui.screens.guardian.family_tickets import FamilyTicketList
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from helpdesk_tui.services import tickets as t
from tests.recovery import pick_guardian, staff
from tests.ui.helpers import SIZE, make_app, open_guardian, rows, settle, sign_in, text_of


def _ticket(db, actor, guardian_id, subject):  # type: ignore[no-untyped-def]
    with db.write() as s:
        return t.create_ticket(
            s,
            actor=actor,
            channel="phone",
            category="lost_key",
            subject=subject,
            body="Called about the key.",
            guardian_id=guardian_id,
        )


async def test_the_record_lists_the_guardians_tickets_and_enter_opens_one(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    supervisor = staff(sqlite_seeded, "demo-supervisor")
    done = _ticket(sqlite_seeded, supervisor, guardian.id, "Lost the letter [red]again[/]")
    waiting = _ticket(sqlite_seeded, supervisor, guardian.id, "Key email never came")
    with sqlite_seeded.write() as s:
        t.resolve(s, actor=supervisor, ticket_id=done.id, note="Reissued the key.")
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        detail = await open_guardian(pilot, guardian.email)
        await settle(pilot)
        listed = detail.query_one(FamilyTicketList)
        assert text_of(pilot, "#family-tickets-title").startswith("Tickets: 1 open, 1 closed")
        shown = rows(pilot, "#family-tickets-table")
        assert [r[0] for r in shown] == [waiting.label, done.label]  # open first
        assert shown[0][2] == "new" and ("left" in shown[0][3] or "late" in shown[0][3])
        assert shown[1][1] == "Lost the letter [red]again[/]"  # as written, never markup
        assert shown[1][2] == "resolved" and "resolved 20" in shown[1][3]
        table = detail.query_one("#family-tickets-table", DataTable)
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        ticket = app.screen
        assert isinstance(ticket, TicketDetailScreen) and ticket.ticket_id == waiting.id
        with sqlite_seeded.write() as s:  # meanwhile, the ticket is dealt with
            t.resolve(s, actor=supervisor, ticket_id=waiting.id, note="Sent it again.")
        loads = listed.loads
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail and listed.loads > loads
        assert text_of(pilot, "#family-tickets-title").startswith("Tickets: 0 open, 2 closed")
        assert [r[2] for r in rows(pilot, "#family-tickets-table")] == ["resolved", "resolved"]


async def test_a_guardian_with_no_ticket_says_so(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        detail = await open_guardian(pilot, guardian.email)
        await settle(pilot)
        assert text_of(pilot, "#family-tickets-title") == "Tickets: 0 open, 0 closed"
        assert rows(pilot, "#family-tickets-table")[0][0] == "no tickets yet"
        table = detail.query_one("#family-tickets-table", DataTable)
        table.focus()
        await pilot.press("enter")  # nothing to open
        await settle(pilot)
        assert app.screen is detail

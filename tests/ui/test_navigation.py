"""Getting around: the areas (lookup, key check, queue, reports) keep their own screens;
Esc goes back to where the user came from; a guardian and their ticket opened back and
forth never pile up; signing out closes the session's screens."""

from helpdesk_tui.messages import OpenTicket
from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.lookup.guardian_lookup import GuardianLookupScreen
from helpdesk_tui.screens.lookup.key_check import KeyCheckScreen
from helpdesk_tui.screens.reports.portal_usage import PortalUsageScreen
from helpdesk_tui.screens.sign_in import SignInScreen
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from helpdesk_tui.screens.tickets.ticket_queue import TicketQueueScreen
from tests.recovery import pick_guardian
from tests.ui.helpers import SIZE, find, make_app, open_guardian, settle, sign_in


def _stack(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [type(s).__name__ for s in app.screen_stack]


async def test_each_area_keeps_its_screens_and_esc_goes_back(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        detail = await open_guardian(pilot, guardian.email)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, TicketQueueScreen) and app.current_mode == "queue"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, KeyCheckScreen)
        await pilot.press("escape")  # back to the queue, where the key check came from
        await settle(pilot)
        assert isinstance(app.screen, TicketQueueScreen)
        await pilot.press("ctrl+f")  # the lookup area, as it was left
        await settle(pilot)
        assert app.screen is detail
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GuardianLookupScreen)
        await pilot.press("f4")  # supervisors only: nothing happens for an agent
        await settle(pilot)
        assert isinstance(app.screen, GuardianLookupScreen)


async def test_a_guardian_and_their_ticket_never_pile_up(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await find(pilot, guardian.email)
        await pilot.press("t")
        await settle(pilot)
        ticket = app.screen
        assert isinstance(ticket, TicketDetailScreen)
        for _ in range(3):  # back and forth between the two
            await pilot.press("g")
            await settle(pilot)
            assert isinstance(app.screen, GuardianDetailScreen)
            app.screen.post_message(OpenTicket(ticket.ticket_id))
            await settle(pilot)
            assert app.screen is ticket, "the same ticket, brought to the front"
        assert _stack(app) == ["GuardianLookupScreen", "GuardianDetailScreen", "TicketDetailScreen"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GuardianDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GuardianLookupScreen)


async def test_a_supervisor_reaches_the_report_and_signing_out_closes_everything(
    sqlite_seeded,
) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-supervisor")
        await find(pilot, guardian.email)  # a guardian open in the lookup area
        assert isinstance(app.screen, GuardianDetailScreen)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, PortalUsageScreen)
        await pilot.press("ctrl+f")  # back to the guardian, then sign out from the palette
        await settle(pilot)
        await pilot.press("ctrl+p", *"sign out")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.staff is None
        await sign_in(pilot, "demo-agent")
        assert isinstance(app.screen, GuardianLookupScreen) and app.current_mode == "lookup"
        assert _stack(app) == ["GuardianLookupScreen"]
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, GuardianLookupScreen), "the agent has no report"

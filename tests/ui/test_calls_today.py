"""The header counts the agent's calls today, and the mail waiting to go out, without
waiting for a delivery run."""

from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from tests.recovery import pick_guardian
from tests.ui.helpers import find, make_app, settle, sign_in


async def test_t_counts_a_call_in_the_header(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await settle(pilot)
        assert "call" not in app.sub_title
        await find(pilot, guardian.email)
        assert isinstance(app.screen, GuardianDetailScreen)
        await pilot.press("t")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailScreen)
        assert "1 call today" in app.sub_title

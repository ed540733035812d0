"""A supervisor demoted at another desk while their desk is locked: unlocking it with
their password signs them out (the rights of the first sign-in no longer hold), instead
of giving back a supervisor's session where F9 still opened staff administration."""

from textual.widgets import Input

from helpdesk_tui.data.engine import Database
from helpdesk_tui.screens.staff import StaffScreen
from helpdesk_tui.services.staff import authenticate, set_staff_role
from helpdesk_tui.vocabulary import Role
from tests.ui.helpers import SIZE, make_app, settle, sign_in
from tests.unit.staff_helpers import second_supervisor


async def test_a_supervisor_demoted_meanwhile_is_an_agent_after_unlocking_the_desk(
    sqlite_seeded: Database,
) -> None:
    boss = authenticate(sqlite_seeded, username="demo-supervisor", password="demo-password")
    boss2 = second_supervisor(sqlite_seeded, boss)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "demo-supervisor")
        assert app.staff is not None and app.staff.role == Role.SUPERVISOR
        # At another desk, boss2 demotes demo-supervisor to agent.
        with sqlite_seeded.write() as session:
            set_staff_role(session, actor=boss2, username="demo-supervisor", role="agent")
        await pilot.press("ctrl+l")
        await settle(pilot)
        box = app.screen.query_one("#unlock-password", Input)
        box.value = "demo-password"
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        # Either the session now has the agent's role, or the desk signed out.
        role = app.staff.role if app.staff is not None else None
        assert role in (Role.AGENT, None), "the session kept the supervisor's role"
        await pilot.press("f9")
        await settle(pilot)
        assert not isinstance(app.screen, StaffScreen), "F9 still opens staff administration"

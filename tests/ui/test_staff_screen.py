"""The staff screen by keyboard (F9, supervisors): disabling an agent who then cannot
sign in; resetting a password, after which the person must choose a new one before
anything else; a refusal shown; agents never reach the screen."""

from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent
from helpdesk_tui.screens.lookup.guardian_lookup import GuardianLookupScreen
from helpdesk_tui.screens.sign_in import SignInScreen
from helpdesk_tui.screens.staff import StaffScreen
from helpdesk_tui.services.staff import SIGN_IN_FAILED
from tests.ui.helpers import SIZE, make_app, rows, settle, sign_in, text_of
from tests.unit.staff_helpers import sign_in_rows, staff_row


async def open_staff(pilot: Pilot, username: str) -> StaffScreen:  # type: ignore[type-arg]
    """Signed in as the supervisor, F9, the cursor on ``username``'s row."""
    await settle(pilot)
    await sign_in(pilot, "demo-supervisor")
    await pilot.press("f9")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StaffScreen)
    names = [row[1] for row in rows(pilot, "#staff-table")]
    for _ in range(names.index(username)):
        await pilot.press("down")
    return screen


def notices(pilot: Pilot) -> str:  # type: ignore[type-arg]
    return " | ".join(str(n.message) for n in pilot.app._notifications)


async def test_a_supervisor_disables_an_agent_who_then_cannot_sign_in(
    sqlite_seeded: Database,
) -> None:
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await open_staff(pilot, "demo-agent")
        agent_row = next(r for r in rows(pilot, "#staff-table") if r[1] == "demo-agent")
        assert agent_row[:5] == ["Alex Rivera", "demo-agent", "agent", "active", ""]
        await pilot.press("d")
        await pilot.press(*"Left the team", "enter")
        await settle(pilot)
        agent_row = next(r for r in rows(pilot, "#staff-table") if r[1] == "demo-agent")
        assert agent_row[3] == "disabled"
        assert "Disabled demo-agent: they can no longer sign in." in notices(pilot)
    assert staff_row(sqlite_seeded).active is False

    again = make_app(sqlite_seeded)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "demo-agent")
        assert isinstance(again.screen, SignInScreen)
        assert text_of(pilot, "#sign-in-message") == SIGN_IN_FAILED
        assert again.staff is None


async def test_a_reset_password_must_be_replaced_at_the_next_sign_in(
    sqlite_seeded: Database,
) -> None:
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await open_staff(pilot, "demo-agent")
        await pilot.press("p")
        await pilot.press(*"Forgot it, called back", "enter")
        await settle(pilot)
        temporary = text_of(pilot, "#temporary-password")
        assert len(temporary) == 14 and temporary.count("-") == 2
        await pilot.press("enter")  # Done
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        state = next(r for r in rows(pilot, "#staff-table") if r[1] == "demo-agent")[3]
        assert state == "active, password reset (a new one at the next sign-in)"

    again = make_app(sqlite_seeded)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "demo-agent")  # the old password
        assert text_of(pilot, "#sign-in-message") == SIGN_IN_FAILED
        await sign_in(pilot, "demo-agent", temporary)
        assert isinstance(again.screen, SignInScreen) and again.staff is None
        assert again.screen.query_one("#new-password-box").display
        assert not again.screen.query_one("#username").display
        # Two different passwords, then one that breaks the rules, then a good one.
        await pilot.press(*"Fresh#pass-2026", "enter", *"Fresh#pass-2027", "enter")
        await settle(pilot)
        assert text_of(pilot, "#sign-in-message") == "Type the same new password in both boxes."
        await pilot.press(*"weakpass", "enter", *"weakpass", "enter")
        await settle(pilot)
        assert text_of(pilot, "#sign-in-message") == "A password needs at least one digit (0-9)."
        assert again.staff is None, "nothing else until a new password is set"
        await pilot.press(*"Fresh#pass-2026", "enter", *"Fresh#pass-2026", "enter")
        await settle(pilot)
        assert isinstance(again.screen, GuardianLookupScreen)
        assert again.staff is not None and again.staff.username == "demo-agent"
    assert not staff_row(sqlite_seeded).must_change_password
    assert sign_in_rows(sqlite_seeded)[-2:] == [
        ("staff_password_changed", "done", "a new password in place of the temporary one"),
        ("staff_signed_in", "done", ""),
    ]


async def test_a_refusal_is_shown_and_changes_nothing(sqlite_seeded: Database) -> None:
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await open_staff(pilot, "demo-supervisor")
        await pilot.press("d")
        await pilot.press(*"Leaving", "enter")
        await settle(pilot)
        assert "You cannot disable your own account" in notices(pilot)
        assert isinstance(app.screen, StaffScreen)
    assert staff_row(sqlite_seeded, "demo-supervisor").active is True


async def test_a_clerk_moves_school_by_the_pickers(sqlite_seeded: Database) -> None:
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await open_staff(pilot, "demo-clerk")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # the picker starts on the current role: school clerk
        await settle(pilot)
        options = app.screen.query_one("#picker-options", OptionList)
        words = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        target = words.index("Maplebrook Elementary School (102)")
        current = options.highlighted or 0
        key = "down" if target > current else "up"
        for _ in range(abs(target - current)):
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        # Confirmed with a reason: Esc there changes nothing.
        assert "Make Carmen Ibáñez (demo-clerk) school clerk at 102?" in str(
            app.screen.query_one(".dialog-title").render()
        )
        await pilot.press("escape")
        await settle(pilot)
        clerk = next(r for r in rows(pilot, "#staff-table") if r[1] == "demo-clerk")
        assert clerk[4] != "Maplebrook Elem."
        await pilot.press("r", "enter")
        await settle(pilot)
        for _ in range(abs(target - current)):
            await pilot.press(key)
        await pilot.press("enter", *"Covering for a leave", "enter")
        await settle(pilot)
        clerk = next(r for r in rows(pilot, "#staff-table") if r[1] == "demo-clerk")
        assert (clerk[2], clerk[4]) == ("school clerk", "Maplebrook Elem.")
    with sqlite_seeded.read() as session:
        reasons = session.exec(
            select(AuditEvent.reason).where(col(AuditEvent.action) == "staff_role_changed")
        ).all()
    assert reasons == ["Covering for a leave"]


async def test_agents_do_not_reach_the_staff_screen(sqlite_seeded: Database) -> None:
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "demo-agent")
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, GuardianLookupScreen)
        table = app.screen.query(DataTable)
        assert not any(t.id == "staff-table" for t in table)


async def test_adding_an_account_and_a_refusal_that_keeps_what_was_typed(
    sqlite_seeded: Database,
) -> None:
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await open_staff(pilot, "demo-agent")
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"demo-agent", "enter", *"Ana Lopez", "enter", "tab", "tab")
        await pilot.press(*"Agent#pass-2026", "enter", *"Agent#pass-2026", "enter")
        await settle(pilot)
        assert text_of(pilot, "#add-error") == "The staff username demo-agent is taken."
        assert text_of(pilot, "#add-name") == "Ana Lopez", "what was typed is given back"
        username = app.screen.query_one("#add-username")
        username.value = "ana.lopez"  # type: ignore[attr-defined]
        username.focus()
        await pilot.press("enter", "enter", "tab", "tab")
        await pilot.press(*"Agent#pass-2026", "enter", *"Agent#pass-2026", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        added = next(r for r in rows(pilot, "#staff-table") if r[1] == "ana.lopez")
        assert added == ["Ana Lopez", "ana.lopez", "agent", "active", "", "never"]
    assert staff_row(sqlite_seeded, "ana.lopez").role == "agent"

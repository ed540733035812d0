"""Signing in at the desk."""

from helpdesk_tui.screens.lookup.guardian_lookup import GuardianLookupScreen
from helpdesk_tui.screens.sign_in import SignInScreen
from helpdesk_tui.services.staff import SIGN_IN_FAILED
from tests.ui.helpers import SIZE, make_app, settle, sign_in, text_of
from tests.unit.staff_helpers import sign_in_rows, staff_row


async def test_wrong_password_says_so_without_saying_which_part(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "demo-agent", "not-the-password", typed=True)
        assert isinstance(app.screen, SignInScreen)
        assert text_of(pilot, "#sign-in-message") == SIGN_IN_FAILED
        assert text_of(pilot, "#password") == "", "the wrong password is cleared"
        assert app.staff is None


async def test_signing_in_opens_the_lookup_as_that_staff_member(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "demo-clerk", typed=True)
        assert isinstance(app.screen, GuardianLookupScreen)
        assert app.staff is not None and app.staff.username == "demo-clerk"
        assert "Carmen Ibáñez" in app.sub_title and "Elementary School" in app.sub_title


async def test_sign_out_from_the_command_palette(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"sign out")
        await settle(pilot)  # the palette gathers matching commands in a worker
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.staff is None


async def test_every_sign_in_at_the_desk_is_audited(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "demo-agent", "not-the-password")
        assert staff_row(sqlite_seeded).failed_sign_ins == 1
        await sign_in(pilot, "demo-agent")
        assert isinstance(app.screen, GuardianLookupScreen)
    assert staff_row(sqlite_seeded).failed_sign_ins == 0
    assert sign_in_rows(sqlite_seeded) == [
        ("staff_sign_in_failed", "failed", "wrong password"),
        ("staff_signed_in", "done", ""),
    ]

"""The checklist opens where the method starts (in person: the photo ID, not four
Tabs through empty screening boxes), and F7 jumps between the answers and the proof."""

from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.guardian.verify_caller import VerifyCallerScreen
from tests.recovery import pick_guardian, staff
from tests.ui.helpers import SIZE, make_app, open_guardian, settle, sign_in


async def _verify(pilot, guardian) -> VerifyCallerScreen:  # type: ignore[no-untyped-def]
    await open_guardian(pilot, guardian.email)
    await pilot.press("v")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, VerifyCallerScreen)
    return screen


async def test_in_person_opens_on_the_photo_id(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    clerk = staff(sqlite_seeded, "demo-clerk")
    guardian = pick_guardian(sqlite_seeded, school_id=clerk.school_id)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-clerk")
        screen = await _verify(pilot, guardian)
        assert screen.focused is not None and screen.focused.id == "id-type"
        await pilot.press("f7")  # to the answers, if the clerk wants them
        assert screen.focused is not None and screen.focused.id == "ans-zip"


async def test_f7_jumps_between_answers_and_proof_on_the_phone(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = await _verify(pilot, guardian)
        assert screen.focused is not None and screen.focused.id == "ans-zip"
        await pilot.press(*guardian.postal_code, "enter")  # answered: on to the next box
        await settle(pilot)
        await pilot.press("f7")
        assert screen.focused is not None and screen.focused.id == "code-to"
        await pilot.press("f7")  # back to the first answer still missing
        assert screen.focused is not None and screen.focused.id == "ans-address"


async def test_v_pressed_while_the_record_loads_opens_the_checklist_when_it_is_in(
    sqlite_seeded,
) -> None:  # type: ignore[no-untyped-def]
    """A quick agent presses v before the record has loaded: it used to do nothing, and
    the answers typed next landed on the guardian screen's own keys (s, t, u...)."""
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = GuardianDetailScreen(guardian.id)
        app.push_screen(screen)
        screen.action_verify()  # before the record's load has come back
        assert screen.detail is None
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, VerifyCallerScreen)

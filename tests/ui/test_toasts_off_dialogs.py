"""A dialog's buttons are on screen at 80x24 and 120x40, and notices that arrive while
it is open never cover them (three stacked over the reissue dialog hid "Issue key")."""

from textual.widgets import Button
from textual.widgets._toast import Toast

from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.guardian.reissue_key import ReissueKeyModal
from tests.recovery import pick_guardian
from tests.ui.helpers import find, make_app, settle, sign_in


async def test_toasts_stay_clear_of_a_dialogs_buttons(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded, account="active")
    for size in ((80, 24), (120, 40)):
        app = make_app(sqlite_seeded)
        async with app.run_test(size=size, notifications=True) as pilot:
            await sign_in(pilot)
            await find(pilot, guardian.email)
            screen = app.screen
            assert isinstance(screen, GuardianDetailScreen) and screen.detail
            app.push_screen(ReissueKeyModal(screen.detail))
            await settle(pilot)
            for n in range(3):
                app.notify(f"Something happened elsewhere, number {n}, in a long sentence.")
            await settle(pilot)
            dialog = app.screen
            toasts = list(dialog.query(Toast))
            assert len(toasts) == 3
            for button in dialog.query(Button):
                # What a click in the middle of the button lands on: the button itself,
                # on screen and under no notice.
                x, y = button.region.center
                assert button.region.area and dialog.get_widget_at(x, y)[0] is button, (
                    size,
                    str(button.label),
                )

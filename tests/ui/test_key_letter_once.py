"""The key letter is saved once: P again does not leave a second PDF holding the live
key on disk (it was written again each time); once the file is printed and deleted,
P saves it again."""

from helpdesk_tui.screens.guardian.key_shown import KeyShownModal
from tests.recovery import letter_key
from tests.ui.helpers import SIZE, make_app, settle, sign_in, text_of


async def test_p_after_the_letter_was_saved_points_to_it_instead_of_a_second_copy(
    sqlite_seeded,
) -> None:  # type: ignore[no-untyped-def]
    issued = letter_key(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        modal = KeyShownModal(issued, letters_dir=app.letters_dir, staff_name="Alex Rivera")
        app.push_screen(modal)
        await settle(pilot)
        first = modal.letter_path
        assert first is not None and first.is_file()  # saved as the dialog opened

        await pilot.press("p")
        await settle(pilot)
        assert list(app.letters_dir.glob("*.pdf")) == [first]
        status = text_of(pilot, "#letter-status")
        assert "already saved" in status and first.name in status

        first.unlink()  # printed, then deleted as the dialog asks
        await pilot.press("p")
        await settle(pilot)
        assert modal.letter_path is not None and modal.letter_path.is_file()
        assert list(app.letters_dir.glob("*.pdf")) == [modal.letter_path]
        assert "Letter saved" in text_of(pilot, "#letter-status")

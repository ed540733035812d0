"""An app started without settings (tests, benchmarks) still writes key letters and
report exports somewhere only its user can read: a temp folder of its own, never a
shared one in /tmp that another user could have made first, or read."""

import gc
import os
import stat
import tempfile

from helpdesk_tui.screens.guardian.key_shown import KeyShownModal
from tests.recovery import letter_key
from tests.ui.helpers import SIZE, make_app, settle, sign_in


def test_without_settings_files_go_to_a_private_folder_of_the_apps_own(
    sqlite_seeded, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this test's own /tmp
    shared = tmp_path / "helpdesk_tui"
    shared.mkdir(mode=0o777)  # made first by someone else, open to all
    one, other = make_app(sqlite_seeded), make_app(sqlite_seeded)
    bases = []
    for app in (one, other):
        assert app.letters_dir.parent == app.reports_dir.parent
        base = app.letters_dir.parent
        assert base != shared and shared not in base.parents
        info = os.stat(base)
        assert info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) == 0o700
        bases.append(base)
    assert bases[0] != bases[1], "one folder per app, not shared"
    del one, app
    gc.collect()
    assert not bases[0].exists() and bases[1].exists(), "removed with its app"


async def test_a_key_letter_saved_without_settings_lands_in_that_folder(
    sqlite_seeded, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    issued = letter_key(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        modal = KeyShownModal(issued, letters_dir=app.letters_dir, staff_name="Alex Rivera")
        app.push_screen(modal)
        await settle(pilot)
        assert modal.letter_path is not None
        assert modal.letter_path.parent.parent == app.letters_dir.parent
        assert modal.letter_path.is_file() and tmp_path in modal.letter_path.parents
        folder = app.letters_dir.parent
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert not folder.exists(), "the app's temp folder goes when the app ends"

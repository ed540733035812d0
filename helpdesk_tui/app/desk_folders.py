"""Where a desk writes files: key letters (live keys), report exports (names) and the
files guardians emailed that staff save. Under the data dir; with no settings (tests,
benchmarks) a temp folder of this app's own, made 0700 when first needed and removed
with the app, never a shared one that another user could have made first, or read.
Saved attachments go to the staff member's Downloads folder when there is one."""

import shutil
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpdesk_tui.services.tickets import attachments_folder


class DeskFolders:
    def __init__(self, owner: object, data_dir: Path | None) -> None:
        self._owner = weakref.ref(owner)
        self._data_dir = data_dir
        self._base = data_dir
        self._chosen: dict[str, Path] = {}
        self._remove_temp: Callable[[], object] | None = None

    def get(self, name: str) -> Path:
        if name in self._chosen:
            return self._chosen[name]
        if name == "attachments" and self._data_dir is not None:
            return attachments_folder(self._data_dir)
        return self._files_base() / name

    def choose(self, name: str, folder: Path) -> None:
        self._chosen[name] = folder

    def _files_base(self) -> Path:
        if self._base is None:
            self._base = Path(tempfile.mkdtemp(prefix="helpdesk_tui-"))
            owner = self._owner()
            if owner is not None:
                self._remove_temp = weakref.finalize(
                    owner, shutil.rmtree, self._base, ignore_errors=True
                )
        return self._base

    def remove_temp(self) -> None:
        """The app is ending: its temp folder goes."""
        if self._remove_temp is not None:
            self._remove_temp()


class Folder:
    """A folder property of the app (``letters_dir``...), settable by tests."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, app: Any, owner: type | None = None) -> Path:
        folders: DeskFolders = app.folders
        return folders.get(self.name)

    def __set__(self, app: Any, folder: Path) -> None:
        folders: DeskFolders = app.folders
        folders.choose(self.name, folder)

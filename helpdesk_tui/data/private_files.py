"""Files and folders only their owner may read: the data folder, the embedded database
with its -wal and -shm, the log, demo mail, key letters and report exports all hold
names, contacts or live keys.

New ones are created owner-only (folders 0700, files 0600) whatever the umask; ones
found readable by others (left by an older version, or made by hand) are tightened
when opened, with one warning in the log per file and process.
"""

import logging
import os
import stat
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)
FOLDER_MODE = 0o700
FILE_MODE = 0o600
_warned: set[str] = set()


def tighten(path: Path, *, warn: bool = True) -> int | None:
    """Take the group's and others' permissions away from ``path``, if it exists and
    has any, with a warning in the log (or, without ``warn``, left to the caller:
    ``warn_tightened``). Returns the mode it had when it was tightened, else None. A
    file we do not own is left as it is, with a warning."""
    try:
        current = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None
    if not current & 0o077:
        return None
    if shared_folder(path):
        # A folder every user shares (/tmp): making it ours would break every other
        # program using it. What we write inside is owner-only all the same.
        if warn:
            warn_shared(path)
        return None
    try:
        os.chmod(path, current & 0o700)
    except PermissionError:
        _warn_once(path, "%s is readable by other users (%04o) and cannot be tightened", current)
        return None
    if warn:
        warn_tightened(path, current)
    return current


def shared_folder(path: Path) -> bool:
    """A folder every user may write to, each their own files (the sticky bit: /tmp)."""
    info = os.stat(path)
    return stat.S_ISDIR(info.st_mode) and bool(info.st_mode & stat.S_ISVTX)


def warn_shared(path: Path) -> None:
    """The warning, once per folder and process, that a shared folder was left as is."""
    _warn_once(
        path,
        "%s is a folder all users share (mode %04o), so its permissions are left as they "
        "are; set HELPDESK_DATA_DIR to a folder of your own",
        stat.S_IMODE(os.stat(path).st_mode),
    )


def warn_tightened(path: Path, old_mode: int) -> None:
    """The warning, once per file and process, that ``path`` was tightened."""
    _warn_once(
        path,
        "tightened the permissions of %s from %04o to %04o: it holds guardians' data, "
        "so only its owner may read it",
        old_mode,
        old_mode & 0o700,
    )


def _warn_once(path: Path, message: str, *args: Any) -> None:
    key = str(path)
    if key not in _warned:
        _warned.add(key)
        log.warning(message, path, *args)


def private_folder(path: Path) -> Path:
    """``path`` as a folder only its owner can enter: created 0700 if missing (with any
    missing parents, which keep the system's usual mode), tightened if looser."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    tighten(path)
    return path


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and 0600 unless it exists (then tighten it)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        tighten(path)


def open_private(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """``open(path, mode)`` for writing a file only its owner can read: created 0600,
    an existing file tightened before anything is written to it."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    descriptor = os.open(path, flags, FILE_MODE)
    try:
        if stat.S_IMODE(os.fstat(descriptor).st_mode) & 0o077:
            tighten(path)
        return os.fdopen(descriptor, mode, **kwargs)
    except BaseException:
        os.close(descriptor)
        raise


def sqlite_files(database: Path) -> tuple[Path, ...]:
    """The database file and the ones SQLite keeps beside it."""
    return (database, *(Path(f"{database}{suffix}") for suffix in ("-wal", "-shm", "-journal")))


def private_sqlite(database: Path) -> None:
    """Prepare an embedded database file: its folder created 0700 if missing, the file
    created empty and 0600 before SQLite first opens it (SQLite gives the -wal and
    -shm it creates later the database file's mode), looser existing files tightened."""
    if not database.parent.exists():
        private_folder(database.parent)
    create_private_file(database)
    for path in sqlite_files(database)[1:]:
        tighten(path)

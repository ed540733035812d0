"""Logging, configured once per process: a rotating file in the data directory (and
stderr for the command line with -v). One line per failed service call, per retry of
the database, per background job run, per sign-in and sign-out.

Never a key, code, password or token: services never put one in a message, and as a
second line of defence every record is scrubbed of anything shaped like one (an
activation key in any spelling, a 6-digit code, a link token) before it is written.
"""

import logging
import logging.handlers
import re
import sys
from pathlib import Path
from typing import Any

from helpdesk_tui.data.private_files import (
    FOLDER_MODE,
    open_private,
    shared_folder,
    tighten,
    warn_shared,
    warn_tightened,
)

LOG_FILE = "helpdesk.log"
MAX_BYTES = 5_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_OURS: list[logging.Handler] = []  # the handlers configure_logging added

# An activation key however it is written (braces, dashes, spaces, any case), a 6-digit
# one-time code, and the token of a reset or verification link.
_KEY = re.compile(r"(?<![0-9A-Za-z])\{?(?:[0-9A-Fa-f][-\s]?){31}[0-9A-Fa-f]\}?(?![0-9A-Za-z])")
_CODE = re.compile(r"(?<![#\d-])\d{3}[\s-]?\d{3}(?![\d-])")
_LINK_TOKEN = re.compile(r"([?&](?:reset|verify)=)[^&\s]+")
_PASSWORD = re.compile(r"(password\S*\s*[=:]\s*)\S+", re.IGNORECASE)


def scrub(text: str) -> str:
    text = _KEY.sub("[key removed]", text)
    text = _LINK_TOKEN.sub(r"\1[token removed]", text)
    text = _PASSWORD.sub(r"\1[removed]", text)
    return _CODE.sub("[code removed]", text)


class ScrubSecrets(logging.Filter):
    """Rewrites each record's message (and traceback) without secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = scrub(formatted)
            record.exc_info = None
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file, the ones started at each rotation included, only
    its owner can read."""

    def _open(self) -> Any:
        return open_private(
            Path(self.baseFilename), self.mode, encoding=self.encoding, errors=self.errors
        )


def configure_logging(data_dir: Path, *, stderr: bool = False, verbose: bool = False) -> Path:
    """Send the package's logs to ``<data_dir>/logs/helpdesk.log`` (rotated, readable
    only by this user, in folders only this user can enter) and, with ``stderr``, to
    the terminal too. Idempotent: a second call replaces the handlers of the first."""
    folder = data_dir / "logs"
    for new in (data_dir, folder):  # made 0700 when missing (their parents as usual)
        new.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    path = folder / LOG_FILE
    # What an older version left readable to others, tightened now and said in the log
    # once the log is set up (rotated copies included).
    loose = [data_dir, folder, path, *folder.glob(f"{LOG_FILE}.*")]
    tightened = [(p, mode) for p in loose if (mode := tighten(p, warn=False)) is not None]
    stop_logging()
    root = logging.getLogger("helpdesk_tui")
    handlers: list[logging.Handler] = [
        PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    ]
    if stderr:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(ScrubSecrets())
        root.addHandler(handler)
        _OURS.append(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for loose_path, mode in tightened:
        warn_tightened(loose_path, mode)
    if shared_folder(data_dir):
        warn_shared(data_dir)
    return path


def stop_logging() -> None:
    """Close and remove the handlers configure_logging added, and its level."""
    root = logging.getLogger("helpdesk_tui")
    root.setLevel(logging.NOTSET)
    while _OURS:
        handler = _OURS.pop()
        root.removeHandler(handler)
        handler.close()

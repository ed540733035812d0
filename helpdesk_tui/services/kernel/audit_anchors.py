"""Anchors kept in files: one JSON object per line, appended, never rewritten, readable
only by their owner. `helpdesk audit anchor --append FILE` adds one whenever the
district likes (a cron job on another machine is best: an anchor is only as safe as
the place it is kept); the app adds one a day to its data dir with
``write_daily_anchor`` (a background worker will call the same function).
"""

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from helpdesk_tui.data.engine import Database
from helpdesk_tui.services.kernel.audit import Anchor, BadAnchor, extend_anchor, take_anchor
from helpdesk_tui.services.kernel.clock import resolve_now

try:
    import fcntl
except ImportError:  # Windows: appends of one short line are atomic enough there
    fcntl = None  # type: ignore[assignment]

FILE_MODE = 0o600


class BadAnchorFile(ValueError):
    """An anchor file that cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class AnchorLine:
    """An anchor and where it was read, so a failure can point at the line."""

    anchor: Anchor
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"line {self.line} of {self.path}"


def read_anchors(path: Path) -> list[AnchorLine]:
    """Every anchor in ``path`` (blank lines and lines starting with # are notes)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadAnchorFile(f"Cannot read the anchor file {path}: {exc}") from None
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            found.append(AnchorLine(Anchor.from_json(line), path, number))
        except BadAnchor as exc:
            raise BadAnchorFile(f"Line {number} of {path} is not an anchor: {exc}.") from None
    if not found:
        raise BadAnchorFile(
            f"{path} holds no anchors. Take one with `helpdesk audit anchor --append {path}`."
        )
    return found


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[int]:
    """``path`` open for appending (created owner-only), locked against another
    process appending at the same time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)  # an existing file readable by others is tightened
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


def _append(fd: int, anchor: Anchor) -> None:
    size = os.fstat(fd).st_size
    # A line cut short (a full disk, a crash) must not swallow the next anchor.
    lead = "\n" if size and os.pread(fd, 1, size - 1) != b"\n" else ""
    os.write(fd, f"{lead}{anchor.to_json()}\n".encode())
    os.fsync(fd)


def append_anchor(path: Path, anchor: Anchor) -> None:
    """Add ``anchor`` as the last line of ``path``."""
    with _locked(path) as fd:
        _append(fd, anchor)


def _last_anchor(path: Path) -> Anchor | None:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for line in reversed(path.read_text(encoding="utf-8").splitlines()):
            with contextlib.suppress(BadAnchor):
                return Anchor.from_json(line)
    return None


def database_label(database: Database) -> str:
    """Which database, without the user or password: a SQLite file's full path, or a
    server's host:port/name."""
    url = database.engine.url
    if database.is_sqlite:
        return str(Path(url.database or "").expanduser().resolve())
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def daily_anchor_file(data_dir: Path, database: Database) -> Path:
    """Where the app keeps its daily anchors of ``database``: one file per database
    (an anchor checked against another database's trail would only raise alarms)."""
    label = database_label(database)
    name = Path(label).stem if database.is_sqlite else label.rsplit("/", 1)[-1]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)[:40] or "database"
    digest = hashlib.sha256(label.encode("utf-8")).hexdigest()[:8]
    return data_dir / f"audit-anchors-{slug}-{digest}.jsonl"


def write_daily_anchor(
    database: Database, path: Path, *, now: datetime | None = None
) -> Anchor | None:
    """Append today's anchor (a UTC day) unless ``path`` already holds one; returns it,
    or None when today's was already written. The trail must still extend the file's
    last anchor: if not (rows deleted or rewritten since), or if the chain is broken,
    AuditTrailBroken is raised and nothing is written."""
    now = resolve_now(now)
    with _locked(path) as fd:
        last = _last_anchor(path)
        if last is not None and last.at.astimezone(UTC).date() >= now.astimezone(UTC).date():
            return None
        label = database_label(database)
        if last is None:
            anchor = database.run(lambda s: take_anchor(s, database=label, now=now), write=False)
        else:  # only the rows since the last one are walked (a big trail, a busy desk)
            anchor = database.run(
                lambda s: extend_anchor(s, last, database=label, now=now), write=False
            )
        _append(fd, anchor)
    return anchor

"""A run's keys, a group of families per transaction, then its letters as one PDF.

Keys are kept only as digests, so a family's letter is written (to the run's own
folder, owner-only) before the transaction that saves its key commits: a run killed at
any moment has, for every key saved, its letter on disk. Run again, it carries on with
the families still pending; a letter that went missing (or was cut short) is issued
again, its key replaced. At the end the letters are merged in order into one PDF, the
run is marked finished, and only then are the per-family files deleted.

The caller's loop, on the command line and in the app:

    progress = start_key_batch(...)  # or key_batch_progress(...) to resume
    while True:                      # one transaction each; once at least (resuming, it
        progress = continue_key_batch(...)  # finds the letters lost since)
        if not progress.pending: break
    merge_batch_letters(...)         # a read: no desk waits for it
    progress = finish_key_batch(...)
    discard_letter_parts(progress)
"""

import contextlib
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import Select, update
from sqlmodel import Session, col, select

from helpdesk_tui.data.key_codec import key_digest
from helpdesk_tui.data.private_files import open_private, private_folder
from helpdesk_tui.data.tables import ActivationKey, KeyBatch, KeyBatchItem, core_table
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.kernel.errors import DomainError, NotFound
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.key_batches.pdf_merge import merge_pages
from helpdesk_tui.services.key_batches.runs import BatchProgress, progress_of
from helpdesk_tui.services.recovery import (
    BatchKeyRequest,
    IssuedKey,
    issue_batch_keys,
    render_key_letters,
)
from helpdesk_tui.vocabulary import AuditAction, BatchItemState, KeyBatchState

GROUP = 40  # families per transaction: on SQLite a desk's write waits for one group
LETTER_FILES = "letters-*.pdf"  # a group's letters each (item-*.pdf: a letter each, before)
_items = core_table(KeyBatchItem)
_keys = core_table(ActivationKey)


def _tag(key: str) -> str:
    """What a group's file says of a page's key: enough of its digest to tell it from a
    key of an attempt that never committed (a run killed, then resumed)."""
    return key_digest(key)[:16]


def _lock_batch(session: Session, batch_id: int) -> KeyBatch:
    """The run's row, locked (PostgreSQL) so that two desks resuming the same run take
    turns, group by group; taken before the guardians' locks."""
    batch = session.exec(
        select(KeyBatch).where(col(KeyBatch.id) == batch_id).with_for_update()
    ).first()
    if batch is None:
        raise NotFound(f"There is no batch #{batch_id}.")
    return batch


def continue_key_batch(
    session: Session,
    *,
    actor: StaffMember,
    batch_id: int,
    limit: int = GROUP,
    now: datetime | None = None,
) -> BatchProgress:
    """Keys for the next ``limit`` pending families, in letter order: each checked
    again, given a key (emailed in the same transaction and/or its letter written to
    the run's folder) or skipped with the reason; one audit row per key."""
    now = resolve_now(now)
    require_supervisor(session, actor=actor, action=AuditAction.KEY_BATCH_RUN, now=now)
    batch = _lock_batch(session, batch_id)
    if batch.state == KeyBatchState.DONE:
        return progress_of(session, batch_id)
    folder = Path(batch.parts_folder) if batch.parts_folder else None
    items = _pending(session, batch_id, limit)
    if items:
        outcomes = issue_batch_keys(
            session,
            actor=actor,
            requests=[
                BatchKeyRequest(i.guardian_id, batch.by_email, batch.by_letter, i.key_id)
                for i in items
            ],
            batch_label=f"batch #{batch_id}",
            since=batch.started_at,
            now=now,
        )
        letters = [
            (item.id or 0, outcome.issued, item.routing)
            for item, outcome in zip(items, outcomes, strict=True)
            if outcome.issued is not None and outcome.by_letter
        ]
        if folder is not None and letters:
            # Before this transaction commits: the keys exist nowhere else.
            _private(folder)
            _write_letters(
                folder, letters, district=get_district(session), staff_name=actor.full_name,
                now=now,
            )  # fmt: skip
        for item, outcome in zip(items, outcomes, strict=True):
            item.state = BatchItemState.ISSUED if outcome.issued else BatchItemState.SKIPPED
            item.reason = outcome.skipped
            item.by_email, item.by_letter = outcome.by_email, outcome.by_letter
            item.key_id = outcome.key_id
            item.issued_at = now if outcome.issued else None
        session.flush()
    if folder is not None and not _pending(session, batch_id, 1):
        _requeue_lost_letters(session, batch_id, folder)
    return progress_of(session, batch_id)


def _pending(session: Session, batch_id: int, limit: int) -> list[KeyBatchItem]:
    return list(
        session.exec(
            select(KeyBatchItem)
            .where(
                col(KeyBatchItem.batch_id) == batch_id,
                col(KeyBatchItem.state) == BatchItemState.PENDING,
            )
            .order_by(col(KeyBatchItem.position))
            .limit(limit)
        ).all()
    )


def _write_letters(
    folder: Path,
    letters: list[tuple[int, IssuedKey, str]],
    *,
    district: DistrictInfo,
    staff_name: str,
    now: datetime,
) -> None:
    """A group's letters, ``(item id, key, routing line)`` each, as one file whose
    properties list each page's item and key tag, named after its first: an attempt of
    its own never overwrites a letter that was saved."""
    first_item, first_key, _ = letters[0]
    path = folder / f"letters-{first_item}-{_tag(first_key.key)}.pdf"
    pdf = render_key_letters(
        [(issued, routing) for _, issued, routing in letters],
        district=district,
        staff_name=staff_name,
        issued_on=now.astimezone(district.zone),
        keywords=" ".join(f"{item_id}:{_tag(issued.key)}" for item_id, issued, _ in letters),
    )
    try:
        with open_private(path, "wb") as out:
            out.write(pdf)
    except OSError as exc:
        raise _cannot_write(path.parent, exc) from exc


def _private(folder: Path) -> None:
    try:
        private_folder(folder)
    except OSError as exc:
        raise _cannot_write(folder, exc) from exc


def _cannot_write(folder: Path, exc: OSError) -> DomainError:
    # Nothing of this group is saved: no key goes without its letter.
    return DomainError(
        f"Cannot write the letters in {folder} ({exc.strerror}); no key of this group was "
        "saved. Free some space or fix the folder, then resume the batch."
    )


def _whole(path: Path) -> bool:
    """A letter written to its end (a PDF ends with %%EOF)."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(path.stat().st_size - 16, 0))
            return b"%%EOF" in handle.read()
    except OSError:
        return False


def _letters_on_disk(folder: Path) -> dict[tuple[int, str], tuple[Path, int]]:
    """Every letter in the run's folder: (item id, key tag) to (file, page). A file
    cut short, or not a group's, holds none."""
    found: dict[tuple[int, str], tuple[Path, int]] = {}
    for path in sorted(folder.glob(LETTER_FILES)) if folder.is_dir() else []:
        try:
            info = PdfReader(path).metadata
            keywords = str(info.get("/Keywords", "")) if info is not None else ""
        except (PdfReadError, OSError, ValueError):
            continue
        if _whole(path):
            for page, entry in enumerate(keywords.split()):
                item_id, _, tag = entry.partition(":")
                if item_id.isdigit():
                    found[(int(item_id), tag)] = (path, page)
    return found


def _lettered(batch_id: int) -> Select[Any]:
    """The run's families given a key by letter, in letter order, with their key's
    digest."""
    return (
        select(_items.c.id, _keys.c.digest)
        .join(_keys, _keys.c.id == _items.c.key_id)
        .where(
            _items.c.batch_id == batch_id,
            _items.c.state == BatchItemState.ISSUED,
            _items.c.by_letter,
        )
        .order_by(_items.c.position)
    )


def _requeue_lost_letters(session: Session, batch_id: int, folder: Path) -> None:
    """Families whose key was saved but whose letter is not in the run's folder (the
    folder deleted, the run resumed on another computer, a crash before the file
    reached the disk): pending again, their key to be replaced."""
    on_disk = _letters_on_disk(folder)
    lost = [
        item_id
        for item_id, digest in session.connection().execute(_lettered(batch_id))
        if (item_id, digest[:16]) not in on_disk
    ]
    for start in range(0, len(lost), 500):
        session.connection().execute(
            update(_items)
            .where(_items.c.id.in_(lost[start : start + 500]))
            .values(state=BatchItemState.PENDING)
        )


def merge_batch_letters(
    session: Session, *, actor: StaffMember, batch_id: int, now: datetime | None = None
) -> Path | None:
    """The run's letters, in order, as one PDF (owner-only) where the run said; None
    when the run has no letters. Reads only: run it in a read transaction."""
    require_supervisor(session, actor=actor, action=AuditAction.KEY_BATCH_RUN, now=now)
    progress = progress_of(session, batch_id)
    if progress.state == KeyBatchState.DONE:  # merged already; its parts may be gone
        return progress.letters_to if progress.lettered else None
    if progress.pending:
        raise DomainError(
            f"{progress.pending:,} families of {progress.label} still wait for their key: "
            "resume the batch first."
        )
    if progress.parts_folder is None or progress.letters_to is None or not progress.lettered:
        return None
    folder, target = progress.parts_folder, progress.letters_to
    on_disk = _letters_on_disk(folder)
    wanted = [
        on_disk.get((item_id, digest[:16]))
        for item_id, digest in session.connection().execute(_lettered(batch_id))
    ]
    pages = [page for page in wanted if page is not None]
    missing = len(wanted) - len(pages)
    if missing:
        raise DomainError(
            f"{missing:,} letters of {progress.label} are not in {folder}: resume the batch "
            "on the computer that started it (a letter that is lost is issued again)."
        )
    partial = target.with_name(target.name + ".part")
    try:
        with open_private(partial, "wb") as out:
            merge_pages(pages, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except OSError as exc:
        raise DomainError(
            f"Cannot write {target} ({exc.strerror}). Make room or fix the folder, then "
            "resume the batch: its letters are kept until the PDF is written."
        ) from exc
    return target


def finish_key_batch(
    session: Session, *, actor: StaffMember, batch_id: int, now: datetime | None = None
) -> BatchProgress:
    """Mark the run finished, once every family has its key or its reason and the
    letters' PDF is written."""
    now = resolve_now(now)
    require_supervisor(session, actor=actor, action=AuditAction.KEY_BATCH_RUN, now=now)
    batch = _lock_batch(session, batch_id)
    progress = progress_of(session, batch_id)
    if progress.state == KeyBatchState.DONE:
        return progress_of(session, batch_id, with_skipped=True)
    if progress.pending:
        raise DomainError(
            f"{progress.pending:,} families of {progress.label} still wait: resume it first."
        )
    if progress.lettered and progress.letters_to and not progress.letters_to.exists():
        raise DomainError(f"The letters of {progress.label} are not merged yet: resume it.")
    batch.state, batch.finished_at = KeyBatchState.DONE, now
    session.flush()
    return progress_of(session, batch_id, with_skipped=True)


def discard_letter_parts(progress: BatchProgress) -> int:
    """Delete a finished run's per-family letters (the merged PDF holds them); returns
    how many. Nothing is deleted before the run is marked finished."""
    folder = progress.parts_folder
    if progress.state != KeyBatchState.DONE or folder is None or not folder.is_dir():
        return 0
    removed = 0
    for path in [*folder.glob(LETTER_FILES + "*"), *folder.glob("item-*.pdf*")]:
        path.unlink(missing_ok=True)
        removed += 1
    with contextlib.suppress(OSError):  # something else was put there: left as it is
        folder.rmdir()
    return removed

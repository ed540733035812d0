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

from sqlalchemy import update
from sqlmodel import Session, col, select

from helpdesk_tui.data.private_files import open_private, private_folder
from helpdesk_tui.data.tables import KeyBatch, KeyBatchItem, core_table
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.kernel.errors import DomainError, NotFound
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.key_batches.pdf_merge import merge_pdfs
from helpdesk_tui.services.key_batches.runs import BatchProgress, progress_of
from helpdesk_tui.services.recovery import (
    BatchKeyRequest,
    IssuedKey,
    issue_batch_keys,
    render_key_letter,
)
from helpdesk_tui.vocabulary import AuditAction, BatchItemState, KeyBatchState

GROUP = 40  # families per transaction: on SQLite a desk's write waits for one group
_items = core_table(KeyBatchItem)


def part_path(folder: Path, item_id: int) -> Path:
    return folder / f"item-{item_id}.pdf"


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
        district = get_district(session)
        if folder is not None and any(o.issued and o.by_letter for o in outcomes):
            _private(folder)
        for item, outcome in zip(items, outcomes, strict=True):
            if outcome.issued is not None and outcome.by_letter and folder is not None:
                # Before this transaction commits: the key exists nowhere else.
                _write_letter(
                    part_path(folder, item.id or 0),
                    outcome.issued,
                    district=district,
                    staff_name=actor.full_name,
                    now=now,
                    routing=item.routing,
                )
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


def _write_letter(
    path: Path,
    issued: IssuedKey,
    *,
    district: DistrictInfo,
    staff_name: str,
    now: datetime,
    routing: str,
) -> None:
    pdf = render_key_letter(
        issued,
        district=district,
        staff_name=staff_name,
        issued_on=now.astimezone(district.zone),
        routing=routing,
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


def _requeue_lost_letters(session: Session, batch_id: int, folder: Path) -> None:
    """Families whose key was saved but whose letter is not in the run's folder (the
    folder deleted, the run resumed on another computer, a crash before the file
    reached the disk): pending again, their key to be replaced."""
    lost = [
        item_id
        for item_id in session.connection()
        .execute(
            select(_items.c.id).where(
                _items.c.batch_id == batch_id,
                _items.c.state == BatchItemState.ISSUED,
                _items.c.by_letter,
            )
        )
        .scalars()
        if not _whole(part_path(folder, item_id))
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
    ids = session.connection().execute(
        select(_items.c.id)
        .where(
            _items.c.batch_id == batch_id,
            _items.c.state == BatchItemState.ISSUED,
            _items.c.by_letter,
        )
        .order_by(_items.c.position)
    )
    paths = [part_path(folder, item_id) for item_id in ids.scalars()]
    missing = sum(not p.exists() for p in paths)
    if missing:
        raise DomainError(
            f"{missing:,} letters of {progress.label} are not in {folder}: resume the batch "
            "on the computer that started it (a letter that is lost is issued again)."
        )
    partial = target.with_name(target.name + ".part")
    try:
        with open_private(partial, "wb") as out:
            merge_pdfs(paths, out)
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
    for path in folder.glob("item-*.pdf*"):
        path.unlink(missing_ok=True)
        removed += 1
    with contextlib.suppress(OSError):  # something else was put there: left as it is
        folder.rmdir()
    return removed

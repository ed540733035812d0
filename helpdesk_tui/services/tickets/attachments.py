"""Files that came with incoming email: kept with the message (email_in.py), listed on
the ticket, and saved by staff to a folder of their own.

The helpdesk never opens, runs or previews a file: staff save it (owner-only, never
over another file) and open it themselves with their own viewer. What a file is was
decided from its content when the email came in (email_parse.py), and the saved copy
ends with that kind's extension. Listing needs to see the ticket; saving is audited
("attachment saved", on the family's record and so on the ticket's timeline). Nothing
of a file reaches the guardian lookup: the search index is built from guardians'
records only (data/search_index.py).
"""

import errno
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from platformdirs import user_downloads_path
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Ticket, TicketMessage, core_table
from helpdesk_tui.data.tables.tickets import TicketAttachment
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.tickets.email_parse import (
    KEPT_TYPES,
    MailAttachment,
    clean_filename,
    size_words,
)
from helpdesk_tui.services.tickets.records import (
    TicketError,
    require_visible_ticket,
    ticket_label,
)
from helpdesk_tui.vocabulary import AuditAction

FILE_MODE = 0o600
FOLDER_MODE = 0o700
MAX_COPIES = 999  # "name (2).png" ... "name (999).png", then staff are asked to tidy up


@dataclass(frozen=True, slots=True)
class AttachmentView:
    """One file on a ticket, as the list shows it (never its content)."""

    id: int
    filename: str
    media_type: str
    kind: str  # "PNG picture", "PDF document", "text file"
    size: int
    size_words: str  # "240 KB"
    author: str  # who sent the email it came with
    at: datetime  # when that email came in, in the district's time zone


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    """A file's content, to save: ``filename`` is safe to save under as it is."""

    id: int
    ticket_label: str
    filename: str
    media_type: str
    sha256: str
    content: bytes


def kind_of(media_type: str) -> str:
    return KEPT_TYPES[media_type][0] if media_type in KEPT_TYPES else media_type


def keep_attachments(
    session: Session, *, message: TicketMessage, files: Sequence[MailAttachment]
) -> tuple[int, ...]:
    """Store the files kept from an email with its message (already added to
    ``session``), in the message's transaction; returns their ids."""
    if not files:
        return ()
    session.flush()  # the message's id
    rows = [
        TicketAttachment(
            message_id=message.id or 0,
            ticket_id=message.ticket_id,
            filename=clean_filename(f.filename),
            media_type=f.media_type,
            size=len(f.content),
            sha256=hashlib.sha256(f.content).hexdigest(),
            content=f.content,
        )
        for f in files
    ]
    session.add_all(rows)
    session.flush()
    return tuple(r.id or 0 for r in rows)


def attachment_counts(session: Session, *, ticket_id: int) -> dict[int, int]:
    """Message id -> how many files came with it, for a ticket's conversation (the
    caller has checked that the actor may see the ticket)."""
    rows = session.exec(
        select(TicketAttachment.message_id, func.count())
        .join(TicketMessage, col(TicketMessage.id) == col(TicketAttachment.message_id))
        .where(col(TicketMessage.ticket_id) == ticket_id)
        .group_by(col(TicketAttachment.message_id))
    ).all()
    return {message_id: count for message_id, count in rows}


def _ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"Ticket #{ticket_id} does not exist.")
    return ticket


def attachments_of(
    session: Session, *, actor: StaffMember, ticket_id: int
) -> tuple[AttachmentView, ...]:
    """The files that came with the ticket's emails, oldest first; for whoever may see
    the ticket (a refusal leaves a "denied" audit row). Contents are not read."""
    ticket = _ticket(session, ticket_id)
    require_visible_ticket(session, actor=actor, ticket=ticket, action=AuditAction.TICKET_VIEWED)
    zone = get_district(session).zone
    files, messages = core_table(TicketAttachment), core_table(TicketMessage)
    rows = session.connection().execute(
        # The message's ticket, not the row's copy of it: after a merge the files are
        # wherever their email went. The content is not read.
        sa_select(
            files.c.id,
            files.c.filename,
            files.c.media_type,
            files.c.size,
            messages.c.author_name,
            messages.c.created_at,
        )
        .select_from(files.join(messages, messages.c.id == files.c.message_id))
        .where(messages.c.ticket_id == ticket_id)
        .order_by(messages.c.created_at, files.c.id)
    )
    return tuple(
        AttachmentView(
            id=aid,
            filename=name,
            media_type=media,
            kind=kind_of(media),
            size=size,
            size_words=size_words(size),
            author=author,
            at=at.astimezone(zone),
        )
        for aid, name, media, size, author, at in rows
    )


def attachment_content(
    session: Session, *, actor: StaffMember, attachment_id: int, now: datetime | None = None
) -> AttachmentFile:
    """A file's content, for whoever may see its ticket; audited ("attachment saved",
    with the ticket and the file's name and checksum). Run it in a write transaction."""
    now = resolve_now(now)
    found = session.exec(
        select(Ticket.id, Ticket.guardian_id)
        .join(TicketMessage, col(TicketMessage.ticket_id) == col(Ticket.id))
        .join(TicketAttachment, col(TicketAttachment.message_id) == col(TicketMessage.id))
        .where(col(TicketAttachment.id) == attachment_id)
    ).first()
    if found is None:
        raise NotFound(f"Attachment #{attachment_id} does not exist.")
    ticket_id, guardian_id = found
    if guardian_id is not None:
        lock_guardian(session, guardian_id)  # first: a refusal writes an audit row for it
    ticket = _ticket(session, ticket_id or 0)
    require_visible_ticket(
        session, actor=actor, ticket=ticket, action=AuditAction.ATTACHMENT_OPENED, now=now
    )
    row = session.get(TicketAttachment, attachment_id)
    if row is None:  # removed since the first read: nothing to save
        raise NotFound(f"Attachment #{attachment_id} does not exist.")
    label = ticket_label(ticket.number)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.ATTACHMENT_OPENED,
        guardian_id=ticket.guardian_id,
        detail=f"{label}: {row.filename} ({size_words(row.size)}, sha256 {row.sha256[:16]})",
        now=now,
    )
    return AttachmentFile(
        id=row.id or 0,
        ticket_label=label,
        filename=clean_filename(row.filename),
        media_type=row.media_type,
        sha256=row.sha256,
        content=bytes(row.content),
    )


def attachments_folder(data_dir: Path, *, downloads: Path | None = None) -> Path:
    """Where staff's saved files go: their Downloads folder when they have one (the
    XDG download folder on Linux), else ``attachments/`` in the helpdesk's data folder."""
    folder = downloads if downloads is not None else user_downloads_path()
    return folder if folder.is_dir() else data_dir / "attachments"


def _numbered(name: str, n: int) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"


def write_attachment(file: AttachmentFile, folder: Path) -> Path:
    """Save ``file`` in ``folder`` (created owner-only if missing; an existing one, such
    as Downloads, is left as it is): readable and writable by its owner only, never
    executable, never over an existing file ("name (2).png" instead), never through a
    link. The app does not open it. Returns where it went."""
    name = clean_filename(file.filename)
    try:
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        for n in range(1, MAX_COPIES + 1):
            path = folder / (name if n == 1 else _numbered(name, n))
            try:
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                fd = os.open(path, flags, FILE_MODE)
            except FileExistsError:
                continue
            try:
                with os.fdopen(fd, "wb") as out:
                    os.fchmod(out.fileno(), FILE_MODE)  # whatever the umask
                    out.write(file.content)
            except OSError:
                path.unlink(missing_ok=True)  # no half-written file left behind
                raise
            return path
    except OSError as exc:
        reason = exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))
        raise TicketError(f"{name} could not be saved in {folder}: {reason}.") from exc
    raise TicketError(
        f"{folder} already holds {MAX_COPIES} copies of {name}; "
        "move or delete some, then save again."
    )

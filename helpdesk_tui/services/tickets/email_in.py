"""Email in: read new messages from the support mailbox over IMAP and turn them into
tickets, or into replies on the ticket they answer.

A message is matched to a ticket by "HD-1042" in its subject or by In-Reply-To /
References naming one of our replies; otherwise it opens a ticket, linked to the
guardian whose email it came from. Each message is imported in its own transaction,
then moved to the "Helpdesk-Processed" folder; its Message-ID is kept, so a message
read again after a crash adds nothing. A message that cannot be imported is moved to
"Helpdesk-Errors", where staff can see it: nothing is lost or silently skipped.

The files that come with a message (screenshots of the portal's error, a scanned
form) are kept with it when they are pictures, PDFs or plain text within the size
limits; the message says which were not kept and why (email_parse.py, attachments.py).

A parent replying to a key or code email quotes the secret back: the ticket keeps
the message without it (email_parse.py), and the copy moved to either folder is a
redacted rewrite of the original (email_redact.py), never the original in clear.
"""

import contextlib
import hashlib
import imaplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from helpdesk_tui.config import ConfigError, ImapSettings, require_secret
from helpdesk_tui.data.engine import Database, DatabaseUnavailable
from helpdesk_tui.data.tables import Guardian, OutboxMessage, Ticket, TicketMessage
from helpdesk_tui.services.tickets import lifecycle as tickets
from helpdesk_tui.services.tickets.attachments import keep_attachments
from helpdesk_tui.services.tickets.category_rules import suggest_category
from helpdesk_tui.services.tickets.email_failures import (
    put_back_requested,
    raw_header,
    record_failure,
)
from helpdesk_tui.services.tickets.email_parse import IncomingMail, parse_mail
from helpdesk_tui.services.tickets.email_redact import redacted_raw
from helpdesk_tui.services.tickets.records import add_event, ticket_label
from helpdesk_tui.vocabulary import Channel, MessageKind, TicketEventKind, TicketStatus

PROCESSED = "Helpdesk-Processed"
ERRORS = "Helpdesk-Errors"
BATCH = 200


class MailboxUnavailable(Exception):
    """The mailbox cannot be read (server down, bad password, no keyring)."""


@dataclass
class FetchReport:
    created: list[str] = field(default_factory=list)
    threaded: list[str] = field(default_factory=list)
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def _connect(settings: ImapSettings) -> imaplib.IMAP4:
    try:
        password = require_secret("imap")
    except ConfigError as exc:
        raise MailboxUnavailable(str(exc)) from exc
    try:
        if settings.security == "ssl":
            context = ssl.create_default_context(cafile=settings.ca_file)
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                settings.host, settings.port, ssl_context=context, timeout=settings.timeout
            )
        else:
            imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
            if settings.security == "starttls":
                imap.starttls(ssl_context=ssl.create_default_context(cafile=settings.ca_file))
        imap.login(settings.username, password)
    except imaplib.IMAP4.error as exc:
        raise MailboxUnavailable(
            f"the mailbox refused the login for {settings.username} ({exc}); check the password (`helpdesk secrets set imap`)"
        ) from exc
    except OSError as exc:
        raise MailboxUnavailable(f"cannot reach {settings.host}:{settings.port} ({exc})") from exc
    return imap


def _ok(response: tuple[str, list[Any]], what: str) -> list[Any]:
    status, data = response
    if status != "OK":
        raise MailboxUnavailable(f"{what} failed: {data}")
    return data


def fetch_mail(
    database: Database, settings: ImapSettings, *, now: datetime | None = None
) -> FetchReport:
    """Import everything in the inbox folder; returns what happened to each message."""
    report = FetchReport()
    imap = _connect(settings)
    try:
        for folder in (PROCESSED, ERRORS):
            imap.create(folder)  # "already exists" is fine
        put_back_requested(database, imap, errors_folder=ERRORS, inbox=settings.folder)
        _ok(imap.select(settings.folder), f"opening {settings.folder}")
        found = _ok(imap.uid("SEARCH", "ALL"), "listing messages")[0]
        uids = [u.decode() for u in found.split()] if isinstance(found, bytes) else []
        for uid in uids[:BATCH]:
            data = _ok(imap.uid("FETCH", uid, "(BODY.PEEK[])"), "reading a message")
            raw = next((part[1] for part in data if isinstance(part, tuple)), b"")
            at = now or datetime.now(UTC)
            try:
                outcome = _import(database, bytes(raw), now=at)
            except DatabaseUnavailable:
                raise  # not the message's fault: it stays in the inbox for the next read
            except Exception as exc:  # noqa: BLE001 - one bad message must not stop the rest
                why = f"{type(exc).__name__}: {exc}"
                report.errors.append(f"message {uid}: {why}"[:300])
                _move(imap, uid, ERRORS, bytes(raw))
                record_failure(database, bytes(raw), message_id=_message_id(raw), error=why, now=at)
                continue
            kind, label = outcome
            if kind == "created":
                report.created.append(label)
            elif kind == "threaded":
                report.threaded.append(label)
            else:
                report.duplicates += 1
            _move(imap, uid, PROCESSED, bytes(raw))
        imap.expunge()
    except (imaplib.IMAP4.error, OSError) as exc:
        raise MailboxUnavailable(f"the mailbox connection failed ({exc})") from exc
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()
    return report


def _move(imap: imaplib.IMAP4, uid: str, folder: str, raw: bytes) -> None:
    """Into ``folder``: the message as it came, or, when it holds a key, code or link,
    a redacted copy in its place (the original is deleted with the rest)."""
    redacted = redacted_raw(raw, message_id=_fallback_id(raw))
    if redacted is None:
        _ok(imap.uid("COPY", uid, folder), f"moving a message to {folder}")
    else:
        _ok(imap.append(folder, r"(\Seen)", None, redacted), f"keeping a message in {folder}")
    _ok(imap.uid("STORE", uid, "+FLAGS", r"(\Deleted)"), "marking a message moved")


def _message_id(raw: bytes) -> str:
    """The Message-ID a message is found by in the errors folder: its own, or the one
    its redacted copy carries (``_fallback_id``)."""
    return (raw_header(raw, "Message-ID").strip() or _fallback_id(raw))[:300]


def _fallback_id(raw: bytes) -> str:
    """A Message-ID for a message without one, from its content, so a re-read matches."""
    return f"<no-message-id-{hashlib.sha256(raw).hexdigest()[:32]}@helpdesk.invalid>"


def _existing_ticket(session: Session, mail: IncomingMail) -> Ticket | None:
    """The ticket an email answers: by its "HD-n" only when it comes from the ticket's
    own requester (anyone can type a number; a stranger's mail, and its files, must not
    land on a family's ticket), or by the message it replies to."""
    if mail.ticket_number is not None:
        ticket = session.exec(
            select(Ticket).where(col(Ticket.number) == mail.ticket_number)
        ).first()
        if ticket is not None and mail.sender_email in _requester_addresses(session, ticket):
            return ticket
    if mail.in_reply_to:
        return session.exec(
            select(Ticket)
            .join(TicketMessage, col(TicketMessage.ticket_id) == col(Ticket.id))
            .join(
                OutboxMessage,
                col(OutboxMessage.id) == col(TicketMessage.outbox_message_id),
                isouter=True,
            )
            .where(
                or_(
                    col(OutboxMessage.message_id).in_(mail.in_reply_to),
                    col(TicketMessage.email_message_id).in_(mail.in_reply_to),
                )
            )
            .limit(1)
        ).first()
    return None


def _requester_addresses(session: Session, ticket: Ticket) -> set[str]:
    found = {ticket.caller_email or ""}
    guardian = session.get(Guardian, ticket.guardian_id) if ticket.guardian_id else None
    if guardian is not None:
        found |= {guardian.email or "", guardian.alt_email or ""}
    return {a.lower() for a in found if a}


def _guardian_for(session: Session, address: str) -> int | None:
    if not address:
        return None
    return session.exec(
        select(Guardian.id)
        .where(
            or_(func.lower(Guardian.email) == address, func.lower(Guardian.alt_email) == address)
        )
        .order_by(col(Guardian.id))
        .limit(1)
    ).first()


def _import(database: Database, raw: bytes, *, now: datetime) -> tuple[str, str]:
    mail = parse_mail(raw, fallback_id=_fallback_id(raw))
    with database.write() as session:
        seen = session.exec(
            select(TicketMessage.id).where(col(TicketMessage.email_message_id) == mail.message_id)
        ).first()
        if seen is not None:
            return "duplicate", ""
        ticket = _existing_ticket(session, mail)
        if ticket is not None and ticket.status != TicketStatus.CLOSED:
            _add_message(session, ticket.id or 0, mail, now)
            if ticket.status in (TicketStatus.PENDING, TicketStatus.RESOLVED):
                tickets.reopen(session, actor=None, ticket_id=ticket.id or 0, now=now)
            ticket.updated_at = now
            return "threaded", ticket_label(ticket.number)
        guardian_id = _guardian_for(session, mail.sender_email)
        suggestion = suggest_category(mail.subject, mail.body)
        ref = tickets.create_ticket(
            session,
            actor=None,
            channel=Channel.EMAIL,
            category=suggestion.category,
            priority=suggestion.priority,
            subject=mail.subject,
            guardian_id=guardian_id,
            caller_name=None if guardian_id else (mail.sender_name or None),
            caller_email=None if guardian_id else (mail.sender_email or "unknown sender"),
            now=now,
        )
        _add_message(session, ref.id, mail, now)
        if suggestion.matched:  # why this category: staff correct it with e if wrong
            created = session.get(Ticket, ref.id)
            assert created is not None
            add_event(session, created, None, TicketEventKind.SUGGESTED, suggestion.because, now)
        return "created", ref.label


def _add_message(session: Session, ticket_id: int, mail: IncomingMail, now: datetime) -> None:
    """The email on its ticket, with the files kept from it."""
    message = TicketMessage(
        ticket_id=ticket_id,
        kind=MessageKind.INCOMING,
        author_name=mail.sender_name or mail.sender_email or "unknown sender",
        body=mail.body,
        created_at=now,
        email_message_id=mail.message_id,
    )
    session.add(message)
    keep_attachments(session, message=message, files=mail.attachments)

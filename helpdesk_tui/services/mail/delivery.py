"""Delivering the outbox: SMTP with STARTTLS, or .eml files in demo mode.

Each message is claimed in its own short transaction (status "sending" with a lease),
sent, then marked sent with its secret erased. A message that fails for good (the
server refuses the address, or every try failed) has its secret erased too, in the
same transaction, its body replaced by a note for staff that says what to send again:
a key nobody received must not wait in the database in clear (each run also erases
any an older version left in a failed message). A crash after the action commits
leaves the message pending, and it is sent once by the next run. A crash in the
instant between the server accepting a message and our marking it sent makes it go
again after the lease, with the same Message-ID, so mail software can drop the copy.
"""

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import not_
from sqlmodel import Session, col, or_, select

from helpdesk_tui.config import ConfigError, Settings, SmtpSettings, require_secret
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.private_files import open_private, private_folder
from helpdesk_tui.data.tables import OutboxMessage
from helpdesk_tui.data.tables.outbox import SECRET_MARK
from helpdesk_tui.vocabulary import OutboxStatus

# SMTP failures that mean the server cannot be reached (rather than refusing us).
_UNREACHABLE = (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
REDACTED = "[removed after sending]"
ERASED_NOTE = "[Not delivered: "
# What a message of each kind carried, and what staff do once it failed for good.
_SECRETS = {
    "activation_key": ("activation key", "reissue the key from the guardian's screen"),
    "verification_code": ("one-time code", "send a new code from the caller's verification"),
    "link:": ("link", "send it again from the guardian's screen"),
    "username": ("username", "send it again from the guardian's screen"),
}


def _secret_words(kind: str) -> tuple[str, str]:
    for prefix, words in _SECRETS.items():
        if kind.startswith(prefix):
            return words
    return ("secret", "send it again from the guardian's screen")


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failed try, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """One connection per delivery run, upgraded with STARTTLS before any login."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        password = require_secret("smtp") if s.username else None
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            smtp.ehlo()
            smtp.starttls(context=ssl.create_default_context(cafile=s.ca_file))
            smtp.ehlo()
            if s.username and password:
                smtp.login(s.username, password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.send_message(message)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class EmlFolderTransport:
    """Demo mode: each message becomes one .eml file, named by its Message-ID, so a
    message delivered twice is still one file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        private_folder(self.folder)  # the messages hold keys and codes in clear
        name = "".join(c for c in str(message["Message-ID"]) if c.isalnum())[:60]
        target = self.folder / f"{name}.eml"
        partial = target.with_suffix(".part")
        with open_private(partial, "wb") as out:
            out.write(bytes(message))
        partial.replace(target)

    def close(self) -> None:
        pass


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: int
    message_id: str
    kind: str
    to: str
    subject: str
    body: str
    secret: str | None
    attempts: int
    created_at: datetime
    in_reply_to: str | None = None


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    error: str | None = None
    # Failed for good with a key, code or link in them, now erased: {kind's words: n}.
    erased_by_kind: dict[str, int] = field(default_factory=dict)
    # The error is the server being unreachable (not our set-up, say a missing password).
    unreachable: bool = False

    @property
    def erased(self) -> int:
        return sum(self.erased_by_kind.values())

    def count_erased(self, kind: str) -> None:
        what = _secret_words(kind)[0]
        self.erased_by_kind[what] = self.erased_by_kind.get(what, 0) + 1

    def reissue_note(self) -> str:
        """What staff must send again, in words; "" when nothing was erased."""
        todo = {what: task for what, task in _SECRETS.values()}
        return " ".join(
            f"{n} {what}{'s' if n > 1 else ''} could not be delivered and "
            f"{'was' if n == 1 else 'were'} erased: {todo.get(what, 'send it again')}."
            for what, n in self.erased_by_kind.items()
        )


def _claim(database: Database, sender_now: datetime) -> _Claimed | None:
    with database.write() as session:
        query = (
            select(OutboxMessage)
            .where(
                or_(
                    (col(OutboxMessage.status) == OutboxStatus.PENDING)
                    & (col(OutboxMessage.next_attempt_at) <= sender_now),
                    (col(OutboxMessage.status) == OutboxStatus.SENDING)
                    & (col(OutboxMessage.claimed_until) < sender_now),
                )
            )
            .order_by(col(OutboxMessage.id))
            .limit(1)
        )
        if not database.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        row = session.exec(query).first()
        if row is None:
            return None
        row.status = OutboxStatus.SENDING
        row.claimed_until = sender_now + LEASE
        row.attempts += 1
        return _Claimed(
            id=row.id or 0,
            message_id=row.message_id,
            kind=row.kind,
            to=row.to_address,
            subject=row.subject,
            body=row.body,
            secret=row.secret,
            attempts=row.attempts,
            created_at=row.created_at,
            in_reply_to=row.in_reply_to,
        )


def _email(claimed: _Claimed, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = claimed.to
    message["Subject"] = claimed.subject
    message["Message-ID"] = claimed.message_id
    message["Date"] = format_datetime(claimed.created_at.astimezone(UTC))
    if claimed.in_reply_to:
        message["In-Reply-To"] = claimed.in_reply_to
        message["References"] = claimed.in_reply_to
    message.set_content(claimed.body.replace(SECRET_MARK, claimed.secret or REDACTED))
    return message


def _finish(
    database: Database, claimed: _Claimed, *, error: str | None, permanent: bool, now: datetime
) -> tuple[str, bool]:
    """Mark the message sent, to retry, or failed for good; returns its status and
    whether a secret was erased with the failure."""
    with database.write() as session:
        row = session.get(OutboxMessage, claimed.id)
        assert row is not None
        row.claimed_until = None
        if error is None:
            row.status, row.sent_at, row.secret, row.last_error = OutboxStatus.SENT, now, None, None
        elif permanent or row.attempts >= MAX_ATTEMPTS:
            row.status, row.last_error = OutboxStatus.FAILED, error[:500]
            if row.secret is not None or SECRET_MARK in row.body:
                _erase(row, error)
                return row.status, True
        else:
            row.status, row.last_error = OutboxStatus.PENDING, error[:500]
            row.next_attempt_at = now + backoff(row.attempts)
        return row.status, False


def _erase(row: OutboxMessage, error: str) -> None:
    """The secret out of a message that will never go: the body becomes a note for
    staff (the letter around the secret is worth nothing without it)."""
    what, todo = _secret_words(row.kind)
    reason = " ".join(error.split())[:200]
    row.secret = None
    row.body = (
        f"{ERASED_NOTE}{reason}. The {what} this message carried was erased, so it never "
        f"reached the guardian: {todo} once the address or the mail server is fixed.]"
    )
    row.last_error = f"{reason}. The {what} in it was erased: {todo}."[:500]


def _erase_failed_secrets(database: Database, report: "DeliveryReport") -> None:
    """Secrets still held by messages that failed for good (left by a version that kept
    them): erased, and counted for staff like a failure of this run."""
    with database.write() as session:
        rows = session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.status) == OutboxStatus.FAILED,
                col(OutboxMessage.secret).is_not(None),
            )
        ).all()
        for row in rows:
            _erase(row, row.last_error or "failed")
            report.count_erased(row.kind)


def _release(database: Database, claimed: _Claimed, *, error: str) -> None:
    with database.write() as session:
        row = session.get(OutboxMessage, claimed.id)
        assert row is not None
        row.status, row.claimed_until, row.last_error = OutboxStatus.PENDING, None, error[:500]
        row.attempts -= 1


def deliver_due(
    database: Database,
    transport: Transport,
    *,
    sender: str,
    limit: int = 100,
    now: datetime | None = None,
) -> DeliveryReport:
    """Send what is due, oldest first. A connection failure stops the run (the rest
    would fail the same way) and leaves the messages to be retried with backoff."""
    report = DeliveryReport()
    _erase_failed_secrets(database, report)
    erased = report.erased > 0
    try:
        for _ in range(limit):
            at = now or datetime.now(UTC)
            claimed = _claim(database, at)
            if claimed is None:
                break
            try:
                transport.send(_email(claimed, sender))
            except smtplib.SMTPRecipientsRefused as exc:
                refused = f"recipient refused: {exc.recipients}"
                _, lost = _finish(database, claimed, error=refused, permanent=True, now=at)
                report.failed += 1
                if lost:
                    report.count_erased(claimed.kind)
                    erased = True
                continue
            except ConfigError as exc:
                # Our set-up, not the message, is at fault: give the try back.
                _release(database, claimed, error=str(exc))
                report.error = str(exc)
                break
            except (smtplib.SMTPException, OSError) as exc:
                status, lost = _finish(
                    database, claimed, error=str(exc) or type(exc).__name__, permanent=False, now=at
                )
                if lost:
                    report.count_erased(claimed.kind)
                    erased = True
                report.failed += status == OutboxStatus.FAILED
                report.retrying += status == OutboxStatus.PENDING
                report.error = f"{type(exc).__name__}: {exc}"
                report.unreachable = isinstance(exc, (OSError, *_UNREACHABLE))
                break
            _finish(database, claimed, error=None, permanent=False, now=at)
            report.sent += 1
            erased = erased or claimed.secret is not None
    finally:
        transport.close()
    if erased:
        database.checkpoint()
    return report


def is_erased(message: OutboxMessage) -> bool:
    """Its key, code or link was erased when it failed for good: sending it now would
    only confuse the guardian; staff send a new one instead."""
    return message.body.startswith(ERASED_NOTE)


def requeue(message: OutboxMessage, now: datetime) -> None:
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, now


def retry_failed(session: Session) -> int:
    """Put failed messages back in the queue (after fixing the address or server),
    except those erased (``is_erased``) or discarded by a supervisor."""
    rows = session.exec(
        select(OutboxMessage).where(
            col(OutboxMessage.status) == OutboxStatus.FAILED,
            col(OutboxMessage.discarded_at).is_(None),
            not_(col(OutboxMessage.body).startswith(ERASED_NOTE, autoescape=True)),
        )
    ).all()
    now = datetime.now(UTC)
    for row in rows:
        requeue(row, now)
    return len(rows)


def transport_for(settings: Settings, *, demo: bool) -> Transport:
    """Demo mode never sends real mail: it writes .eml files. Otherwise the SMTP relay
    from the settings, or an error that says how to set one up."""
    if demo:
        return EmlFolderTransport(settings.demo_mail_dir)
    if settings.smtp is None:
        raise ConfigError(
            "No mail server is set up. Add an [smtp] table with host (and port, username, "
            "sender) to helpdesk.toml, or set HELPDESK_SMTP_HOST; store its password with "
            "`helpdesk secrets set smtp`."
        )
    return SmtpTransport(settings.smtp)


def sender_for(settings: Settings) -> str:
    return settings.smtp.sender if settings.smtp else "helpdesk@localhost"

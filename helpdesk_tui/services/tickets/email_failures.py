"""Emails that could not be imported, as the supervisors' decision list sees them: a
row per message (by Message-ID) saying who sent it, its subject and why it failed; and
the messages a supervisor asked to try again, put back in the inbox by the next
mailbox read."""

import imaplib
from datetime import datetime
from email import policy
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from functools import partial

from sqlmodel import Session, col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.normalize import clean_text
from helpdesk_tui.data.tables import MailImportFailure
from helpdesk_tui.services.tickets.email_redact import redact_secrets
from helpdesk_tui.vocabulary import ImportOutcome


def raw_header(raw: bytes, name: str) -> str:
    """One header as text, however broken the message (the import failed on it)."""
    try:
        value = BytesHeaderParser(policy=policy.default).parsebytes(raw).get(name, "")
        return str(value or "")
    except Exception:  # noqa: BLE001 - a header the parser cannot read is shown as unknown
        return ""


def record_failure(
    database: Database, raw: bytes, *, message_id: str, error: str, now: datetime
) -> None:
    """On the list (again, if a retried message failed once more)."""
    _, address = parseaddr(raw_header(raw, "From"))
    subject = " ".join(redact_secrets(clean_text(raw_header(raw, "Subject"))).split())

    def write(session: Session) -> None:
        row = session.exec(
            select(MailImportFailure).where(col(MailImportFailure.message_id) == message_id)
        ).first()
        if row is None:
            row = MailImportFailure(
                message_id=message_id, failed_at=now, sender="", subject="", error=""
            )
            session.add(row)
        row.failed_at, row.error = now, clean_text(error)[:500]
        row.sender = clean_text(address).strip()[:254] or "unknown sender"
        row.subject = subject[:200] or "(no subject)"
        row.handled_at = row.handled_by_staff_id = row.outcome = None

    database.run(write)


def put_back_requested(
    database: Database, imap: imaplib.IMAP4, *, errors_folder: str, inbox: str
) -> int:
    """Move each message a supervisor asked to retry from the errors folder back to the
    inbox (the same read then imports it). One that cannot be found there goes back on
    the list saying so. Returns how many were put back."""
    wanted = database.run(
        lambda s: [
            (f.id or 0, f.message_id or "")
            for f in s.exec(
                select(MailImportFailure).where(
                    col(MailImportFailure.outcome) == ImportOutcome.RETRY
                )
            ).all()
        ],
        write=False,
    )
    if not wanted:
        return 0
    imap.select(errors_folder)
    moved = 0
    for failure_id, message_id in wanted:
        status, found = imap.uid("SEARCH", "HEADER", "Message-ID", f'"{message_id}"')
        uids = found[0].split() if status == "OK" and found and found[0] else []
        if uids:
            uid = uids[-1].decode()
            imap.uid("COPY", uid, inbox)
            imap.uid("STORE", uid, "+FLAGS", r"(\Deleted)")
            moved += 1
        found_it = bool(uids)
        database.run(partial(_after_put_back, failure_id=failure_id, found=found_it))
    imap.expunge()
    return moved


def _after_put_back(session: Session, *, failure_id: int, found: bool) -> None:
    row = session.get(MailImportFailure, failure_id)
    if row is None:
        return
    if found:
        row.outcome = ImportOutcome.RETRIED
    else:
        row.handled_at = row.handled_by_staff_id = row.outcome = None
        row.error = (
            "Asked to try again, but it is no longer in the Helpdesk-Errors folder: "
            "look for it in the mailbox, or dismiss it."
        )

"""The outbox delivered to a real SMTP server on loopback (aiosmtpd, STARTTLS, AUTH),
with the password from a real keyring backend."""

import smtplib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked
from sqlalchemy import text
from sqlmodel import select

from helpdesk_tui.config import KEYRING_SERVICE, SmtpSettings
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import OutboxMessage
from helpdesk_tui.services.mail import (
    MAX_ATTEMPTS,
    EmlFolderTransport,
    SmtpTransport,
    deliver_due,
    outbox_counts,
    queue,
    retry_failed,
)
from helpdesk_tui.services.mail.delivery import _claim as claim_one
from helpdesk_tui.services.texts import code_email, key_email
from tests.conftest import MemoryKeyring
from tests.support.smtp_server import SMTP_PASSWORD, SMTP_USER, SmtpServer

KEY = "{E69293F4-1CB5-4E29-8F1E-EEF6FF3BB7F7}"
SENDER = "helpdesk@district.example"


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def relay_password(memory_keyring: MemoryKeyring) -> MemoryKeyring:
    memory_keyring.set_password(KEYRING_SERVICE, "smtp", SMTP_PASSWORD)
    return memory_keyring


def transport(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport(
        SmtpSettings(
            host="127.0.0.1",
            port=server.port,
            username=SMTP_USER,
            sender=SENDER,
            ca_file=str(server.ca_file),
            timeout=5,
        )
    )


def queue_key_mail(database: Database, to: str = "parent@example.org") -> int:
    letter = key_email(
        "en",
        name="Ana Muñoz",
        district="Test District",
        portal_url="https://portal.example",
        expires="2027-02-01",
        phone="555-0100",
    )
    with database.write() as session:
        message = queue(
            session,
            kind="activation_key",
            to=to,
            letter=letter,
            now=datetime.now(UTC),
            guardian_id=None,
            secret=KEY,
        )
        session.flush()
        return message.id or 0


def row(database: Database, message_id: int) -> OutboxMessage:
    with database.read() as session:
        found = session.get(OutboxMessage, message_id)
        assert found is not None
        session.expunge(found)
        return found


def test_delivers_over_starttls_with_the_keyring_password_then_erases_the_key(
    db, smtp, relay_password
):
    mid = queue_key_mail(db)
    report = deliver_due(db, transport(smtp), sender=SENDER)
    assert (report.sent, report.error) == (1, None)
    assert smtp.mailbox.tls_seen == [True]
    [received] = smtp.mailbox.messages
    assert received["To"] == "parent@example.org" and received["From"] == SENDER
    assert KEY in received.get_payload(decode=True).decode()
    assert "Ana Muñoz" in received.get_payload(decode=True).decode()
    stored = row(db, mid)
    assert (stored.status, stored.secret) == ("sent", None)
    assert KEY not in stored.body and received["Message-ID"] == stored.message_id
    # A second run finds nothing to send: delivered exactly once.
    assert deliver_due(db, transport(smtp), sender=SENDER).sent == 0
    assert len(smtp.mailbox.messages) == 1


def test_server_down_then_back_retries_with_backoff_and_delivers_once(db, tmp_path, relay_password):
    server = SmtpServer(tmp_path)  # not started: connection refused
    mid = queue_key_mail(db)
    report = deliver_due(db, transport(server), sender=SENDER)
    assert report.sent == 0 and report.retrying == 1 and "Connection" in (report.error or "")
    waiting = row(db, mid)
    assert (waiting.status, waiting.attempts, waiting.secret) == ("pending", 1, KEY)
    assert waiting.next_attempt_at > datetime.now(UTC)
    server.start()
    try:
        assert deliver_due(db, transport(server), sender=SENDER).sent == 0  # still backing off
        later = datetime.now(UTC) + timedelta(minutes=2)
        assert deliver_due(db, transport(server), sender=SENDER, now=later).sent == 1
        assert deliver_due(db, transport(server), sender=SENDER, now=later).sent == 0
        assert len(server.mailbox.messages) == 1
    finally:
        server.stop()
    assert row(db, mid).status == "sent"


def test_a_crash_mid_send_resends_after_the_lease_with_the_same_message_id(
    db, smtp, relay_password
):
    mid = queue_key_mail(db)
    claimed = claim_one(db, datetime.now(UTC))  # the process dies right after claiming
    assert claimed is not None and row(db, mid).status == "sending"
    assert deliver_due(db, transport(smtp), sender=SENDER).sent == 0  # lease still held
    after_lease = datetime.now(UTC) + timedelta(minutes=6)
    assert deliver_due(db, transport(smtp), sender=SENDER, now=after_lease).sent == 1
    assert [m["Message-ID"] for m in smtp.mailbox.messages] == [claimed.message_id]


def test_failures_become_visible_and_stop_retrying(db, tmp_path, relay_password):
    server = SmtpServer(tmp_path)
    mid = queue_key_mail(db)
    at = datetime.now(UTC)
    for _ in range(MAX_ATTEMPTS):
        deliver_due(db, transport(server), sender=SENDER, now=at)
        at += timedelta(hours=2)
    with db.read() as session:
        counts = outbox_counts(session)
    assert (counts.failed, counts.pending) == (1, 0)
    assert row(db, mid).status == "failed" and row(db, mid).last_error


def test_no_keyring_backend_gives_an_actionable_message_and_keeps_the_mail(db, smtp):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        mid = queue_key_mail(db)
        report = deliver_due(db, transport(smtp), sender=SENDER)
    finally:
        keyring.set_keyring(previous)
    assert report.sent == 0 and "No OS keyring is available" in (report.error or "")
    kept = row(db, mid)
    assert (kept.status, kept.attempts) == ("pending", 0), "a set-up problem uses no delivery try"
    assert smtp.mailbox.messages == []


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("collection is locked")


def test_a_locked_keyring_says_to_unlock_it(db, smtp):
    previous = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    try:
        queue_key_mail(db)
        report = deliver_due(db, transport(smtp), sender=SENDER)
    finally:
        keyring.set_keyring(previous)
    assert "keyring is locked" in (report.error or "") and "Unlock it" in (report.error or "")


def test_demo_mode_writes_one_eml_file_per_message(db, tmp_path):
    folder = tmp_path / "mail"
    mid = queue_key_mail(db)
    assert deliver_due(db, EmlFolderTransport(folder), sender=SENDER).sent == 1
    [eml] = list(folder.glob("*.eml"))
    assert KEY in eml.read_text() and row(db, mid).secret is None


def test_mail_send_command_says_how_to_set_up_then_delivers(db, smtp, relay_password):
    from tests.unit.test_cli import _run

    queue_key_mail(db)
    unset = _run(db, "mail", "send", env={"HELPDESK_SMTP_HOST": ""})
    assert unset.exit_code == 1 and "No mail server is set up" in unset.output
    env = {
        "HELPDESK_SMTP_HOST": "127.0.0.1",
        "HELPDESK_SMTP_PORT": str(smtp.port),
        "HELPDESK_SMTP_USERNAME": SMTP_USER,
        "HELPDESK_SMTP_SENDER": SENDER,
        "HELPDESK_SMTP_CA_FILE": str(smtp.ca_file),
    }
    sent = _run(db, "mail", "send", env=env)
    assert sent.exit_code == 0 and sent.output.startswith("Sent 1;"), sent.output
    assert _run(db, "mail", "status").output.strip() == "pending 0 · sending 0 · sent 1 · failed 0"


def key_text_in(value: object) -> bool:
    """Whether ``value`` holds the key in any spelling (braces, dashes, case)."""
    compact = "".join(ch for ch in str(value) if ch.isalnum()).upper()
    return "E69293F41CB54E298F1EEEF6FF3BB7F7" in compact


def every_column(database: Database, message_id: int) -> dict[str, object]:
    with database.read() as session:
        found = session.exec(
            text("SELECT * FROM outbox_message WHERE id = :id").bindparams(id=message_id)
        ).one()
        return dict(found._mapping)


def test_a_key_that_can_never_be_delivered_is_erased_and_staff_are_told_to_reissue(
    db, tmp_path, relay_password
):
    server = SmtpServer(tmp_path)  # never started: every try fails
    mid = queue_key_mail(db)
    at = datetime.now(UTC)
    for _ in range(MAX_ATTEMPTS):
        report = deliver_due(db, transport(server), sender=SENDER, now=at)
        at += timedelta(hours=2)
    assert report.failed == 1 and report.erased == 1
    columns = every_column(db, mid)
    assert columns["status"] == "failed"
    assert not [name for name, value in columns.items() if key_text_in(value)]
    assert "erased" in columns["body"] and "reissue" in columns["body"]
    assert "erased" in columns["last_error"] and "reissue the key" in columns["last_error"]
    if db.is_sqlite:  # nor anywhere in the file or its WAL (zeroed, checkpointed)
        path = Path(db.engine.url.database or "")
        for f in (path, Path(f"{path}-wal")):
            if f.exists():
                raw = f.read_bytes()
                assert KEY.encode() not in raw and KEY.strip("{}").encode() not in raw
    # Sending the note instead of the key would only confuse the guardian.
    with db.write() as session:
        assert retry_failed(session) == 0
    assert row(db, mid).status == "failed"


class RefusingTransport:
    """A relay that answers 550 for the recipient, as for a mistyped address."""

    def send(self, message) -> None:  # type: ignore[no-untyped-def]
        raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"5.1.1 no such user")})

    def close(self) -> None:
        pass


def test_a_code_refused_by_the_server_is_erased_at_once(db):
    letter = code_email("en", name="Ana Muñoz", district="Test District", minutes=10)
    with db.write() as session:
        message = queue(
            session,
            kind="verification_code",
            to="typo@example.org",
            letter=letter,
            now=datetime.now(UTC),
            guardian_id=None,
            secret="482913",
        )
        session.flush()
        mid = message.id or 0
    report = deliver_due(db, RefusingTransport(), sender=SENDER)
    assert (report.failed, report.erased) == (1, 1)
    columns = every_column(db, mid)
    assert not [name for name, value in columns.items() if "482913" in str(value)]
    assert "no such user" in columns["last_error"] and "send a new code" in columns["last_error"]


def test_mail_send_says_which_keys_must_be_reissued(db, relay_password):
    from tests.unit.test_cli import _run

    queue_key_mail(db, to="nobody@example.org")
    env = {"HELPDESK_SMTP_HOST": "127.0.0.1", "HELPDESK_SMTP_PORT": "1"}  # nothing listens
    for _ in range(MAX_ATTEMPTS):
        with db.write() as session:  # as if the backoff had passed
            for message in session.exec(select(OutboxMessage)).all():
                message.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)
        result = _run(db, "mail", "send", env=env)
    assert "1 activation key could not be delivered and was erased" in result.output
    assert "reissue" in result.output


def test_a_key_left_in_a_failed_message_by_an_older_version_is_erased_on_the_next_run(db, tmp_path):
    mid = queue_key_mail(db)
    with db.write() as session:  # failed for good before erasing on failure existed
        message = session.get(OutboxMessage, mid)
        message.status, message.last_error = "failed", "recipient refused"
    report = deliver_due(db, EmlFolderTransport(tmp_path / "out"), sender=SENDER)
    assert (report.sent, report.erased) == (0, 1)
    columns = every_column(db, mid)
    assert not [name for name, value in columns.items() if key_text_in(value)]
    assert "reissue the key" in columns["last_error"]

"""Mail waiting to go out, written in the same transaction as the action it reports.

A secret (an activation key, a code, a reset link) is never part of ``body``: the body
holds the placeholder ``SECRET_MARK`` and the secret waits in ``secret`` until the
message is sent, when it is erased.
"""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from helpdesk_tui.data.tables.checks import one_of
from helpdesk_tui.vocabulary import OutboxStatus

SECRET_MARK = "[[secret]]"


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __table_args__ = (
        one_of("status", OutboxStatus, name="ck_outbox_status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=200, unique=True)
    created_at: datetime
    kind: str = Field(max_length=30)
    guardian_id: int | None = Field(default=None, foreign_key="guardian.id", index=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=20_000)
    secret: str | None = Field(default=None, max_length=500)
    status: str = Field(default=OutboxStatus.PENDING, max_length=10)
    attempts: int = 0
    next_attempt_at: datetime
    claimed_until: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    sent_at: datetime | None = None
    # Threading: the guardian's message this one answers (In-Reply-To and References).
    in_reply_to: str | None = Field(default=None, max_length=300)
    # A failed message a supervisor looked at and decided not to send (audited with
    # the reason): off the decision list and never retried.
    discarded_at: datetime | None = None


class MailImportFailure(SQLModel, table=True):
    """An email from the support mailbox that could not become a ticket. The message
    itself waits in the mailbox's Helpdesk-Errors folder; this row is the supervisors'
    decision-list entry: retried (moved back to the inbox) or dismissed with a reason."""

    __tablename__ = "mail_import_failure"
    __table_args__ = (Index("ix_mail_import_failure_open", "handled_at", "failed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    failed_at: datetime
    message_id: str | None = Field(default=None, max_length=300)
    sender: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    error: str = Field(max_length=500)
    handled_at: datetime | None = None
    handled_by_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    outcome: str | None = Field(default=None, max_length=10)  # retried or dismissed

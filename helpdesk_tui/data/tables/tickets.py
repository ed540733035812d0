"""Tickets: one request from a guardian (or an unknown caller), its conversation and
its timeline. Service-level due times are stored so queue views are index scans."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Index, LargeBinary, text
from sqlmodel import Field, SQLModel

from helpdesk_tui.data.tables.checks import one_of
from helpdesk_tui.vocabulary import Category, Channel, MessageKind, Priority, TicketStatus

_LIVE = "merged_into_id IS NULL"  # a merged duplicate counts in no service-level figure


def _live_index(name: str, *columns: str) -> Index:
    """A partial index over the tickets that count in the service-level figures: each
    serves some of the dashboard's reads as index-only ranges (docs/performance.md)."""
    return Index(name, *columns, sqlite_where=text(_LIVE), postgresql_where=text(_LIVE))


class Ticket(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        one_of("channel", Channel, name="ck_ticket_channel"),
        one_of("category", Category, name="ck_ticket_category"),
        one_of("priority", Priority, name="ck_ticket_priority"),
        one_of("status", TicketStatus, name="ck_ticket_status"),
        # Queue views read these in order and stop after a page. ``due_at`` is set
        # exactly while a clock runs (new or open), so "due_at IS NOT NULL" is the
        # working queue and needs no status in the index.
        Index("ix_ticket_due", "due_at", "id"),
        Index("ix_ticket_assignee_due", "assignee_id", "due_at", "id"),
        Index("ix_ticket_category_due", "category", "due_at", "id"),
        Index("ix_ticket_school_due", "school_id", "due_at", "id"),
        Index("ix_ticket_status_pending", "status", "pending_since", "id"),
        Index("ix_ticket_guardian", "guardian_id", "created_at"),
        Index("ix_ticket_creator", "created_by_id", "created_at"),  # calls today
        # Service-level figures (services/reports), each read as index ranges in order,
        # one per business day (and per assignee): arrivals by channel and category;
        # calls taken; first responses due with what decides met or breached, and
        # resolutions due; tickets resolved with their measured times, and tickets
        # closed unresolved, for the backlog; open now by age band; first-response
        # times measured.
        _live_index("ix_ticket_sla_arrived", "channel", "category", "created_at"),
        _live_index("ix_ticket_sla_calls", "created_by_id", "channel", "created_at"),
        _live_index(
            "ix_ticket_sla_first_due",
            "assignee_id",
            "first_response_due_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "pending_since",
        ),
        _live_index(
            "ix_ticket_sla_resolution_due",
            "resolution_due_at",
            "resolved_at",
            "closed_at",
            "pending_since",
        ),
        _live_index(
            "ix_ticket_sla_resolved",
            "assignee_id",
            "resolved_at",
            "business_calendar_key",
            "resolution_measured_at",
            "resolution_business_seconds",
        ),
        _live_index(
            "ix_ticket_sla_ended",
            "resolved_at",
            "closed_at",
            "business_calendar_key",
            "resolution_measured_at",
            "resolution_business_seconds",
        ),
        _live_index("ix_ticket_sla_open", "status", "assignee_id", "created_at"),
        _live_index(
            "ix_ticket_sla_answered",
            "first_response_at",
            "business_calendar_key",
            "first_response_business_seconds",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True, description="shown as HD-<number>")
    channel: str = Field(max_length=10)
    category: str = Field(max_length=20)
    priority: str = Field(default=Priority.NORMAL, max_length=10)
    status: str = Field(default=TicketStatus.NEW, max_length=10)
    subject: str = Field(max_length=200)
    guardian_id: int | None = Field(default=None, foreign_key="guardian.id")
    # An unknown caller: what they gave us.
    caller_name: str | None = Field(default=None, max_length=120)
    caller_phone: str | None = Field(default=None, max_length=40)
    caller_email: str | None = Field(default=None, max_length=254)
    school_id: int | None = Field(default=None, foreign_key="school.id")
    assignee_id: int | None = Field(default=None, foreign_key="staff.id")
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime
    updated_at: datetime
    # Service levels: the clocks start at the next business minute after created_at.
    first_response_at: datetime | None = None
    first_response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    # The clock now running: first response until there is one, then resolution;
    # empty while pending, resolved or closed.
    due_at: datetime | None = None
    pending_since: datetime | None = None
    paused_seconds: float = 0.0  # business seconds spent pending on the guardian
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    merged_into_id: int | None = Field(default=None, foreign_key="ticket.id")
    # Bumped by every reply, so a reply written on a stale view can warn first.
    reply_count: int = 0
    # Business times measured for the service-level figures' percentiles: arrival to the
    # first response, and arrival to resolution less the wait on the guardian. Derived
    # data, kept right by services/reports/business_times.py: each holds only while
    # ``business_calendar_key`` is the key of the calendar as it is now (a closure added
    # afterwards changes the key) and, for resolution, while ``resolution_measured_at``
    # is still ``resolved_at``; the figures measure anything else themselves.
    first_response_business_seconds: float | None = None
    resolution_business_seconds: float | None = None
    resolution_measured_at: datetime | None = None
    business_calendar_key: int | None = None


class TicketMessage(SQLModel, table=True):
    """A reply to the guardian, an internal note, or a message from the guardian."""

    __tablename__ = "ticket_message"
    __table_args__ = (
        one_of("kind", MessageKind, name="ck_ticket_message_kind"),
        Index("ix_ticket_message_ticket", "ticket_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    kind: str = Field(max_length=10)
    author_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    author_name: str = Field(max_length=120)
    body: str = Field(max_length=50_000)
    created_at: datetime
    outbox_message_id: int | None = Field(default=None, foreign_key="outbox_message.id")
    # The Message-ID of an email that came in: reading the mailbox twice adds nothing.
    email_message_id: str | None = Field(default=None, max_length=300, unique=True)


class TicketAttachment(SQLModel, table=True):
    """A file that came with an incoming email (a screenshot of the portal's error, a
    scanned form), kept only when it is a picture, a PDF or plain text within the size
    limits (services/tickets/email_parse.py). The content is stored in the database,
    so a backup holds it and every desk reads it. ``ticket_id`` is the message's ticket
    (a merge moves both); the timeline counts by it."""

    __tablename__ = "ticket_attachment"
    __table_args__ = (
        CheckConstraint("size >= 0", name="ck_ticket_attachment_size"),
        Index("ix_ticket_attachment_ticket", "ticket_id", "message_id"),
        Index("ix_ticket_attachment_message", "message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="ticket_message.id")
    ticket_id: int = Field(foreign_key="ticket.id")
    filename: str = Field(max_length=200, description="no folder, no control characters")
    media_type: str = Field(max_length=100, description="what the content was found to be")
    size: int = Field(description="bytes")
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class TicketEvent(SQLModel, table=True):
    """The ticket's timeline: status changes, assignments, and actions on the guardian."""

    __tablename__ = "ticket_event"
    __table_args__ = (Index("ix_ticket_event_ticket", "ticket_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    at: datetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    kind: str = Field(max_length=40)
    detail: str = Field(default="", max_length=500)


class SlaTarget(SQLModel, table=True):
    """Business minutes to the first response and to resolution, per category and
    priority; category '*' is the default."""

    __tablename__ = "sla_target"
    __table_args__ = (Index("uq_sla_target", "category", "priority", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    category: str = Field(max_length=20)
    priority: str = Field(max_length=10)
    first_response_minutes: int
    resolution_minutes: int


class ClosureDay(SQLModel, table=True):
    """A day the district's helpdesk is closed beyond public holidays."""

    __tablename__ = "closure_day"

    day: date = Field(primary_key=True)
    name: str = Field(max_length=120)


class OpenDay(SQLModel, table=True):
    """A public holiday on which the district's helpdesk works all the same (many
    districts work Columbus Day, Veterans Day, Lincoln's Birthday...)."""

    __tablename__ = "open_day"

    day: date = Field(primary_key=True)
    name: str = Field(max_length=120)


class BusyPeriodRow(SQLModel, table=True):
    __tablename__ = "busy_period"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    first_day: date
    last_day: date
    stretch_percent: int = Field(default=150, ge=100)


class Presence(SQLModel, table=True):
    """Who has a ticket or a guardian open right now, kept fresh by heartbeats."""

    __tablename__ = "presence"
    __table_args__ = (
        Index("uq_presence_staff_target", "staff_id", "target", unique=True),
        Index("ix_presence_target", "target", "heartbeat_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    target: str = Field(max_length=40, description='"guardian:<id>" or "ticket:<id>"')
    heartbeat_at: datetime

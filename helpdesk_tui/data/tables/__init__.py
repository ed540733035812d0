"""All SQLModel tables; importing this package registers them on SQLModel.metadata.

``core_table(Model)`` gives a model's Core table, typed."""

from helpdesk_tui.data.tables.audit import AuditEvent
from helpdesk_tui.data.tables.core_table import core_table
from helpdesk_tui.data.tables.district import DistrictSettings, School
from helpdesk_tui.data.tables.key_batches import KeyBatch, KeyBatchItem
from helpdesk_tui.data.tables.outbox import MailImportFailure, OutboxMessage
from helpdesk_tui.data.tables.people import (
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    Student,
)
from helpdesk_tui.data.tables.portal import AccountToken, ActivationKey, LoginAttempt, PortalAccount
from helpdesk_tui.data.tables.search import SearchTerm
from helpdesk_tui.data.tables.staff import Staff
from helpdesk_tui.data.tables.tickets import (
    BusyPeriodRow,
    ClosureDay,
    OpenDay,
    Presence,
    SlaTarget,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
)
from helpdesk_tui.data.tables.verification import Verification, VerificationBlock, VerificationCode

__all__ = [
    "BusyPeriodRow",
    "ClosureDay",
    "OpenDay",
    "SlaTarget",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketMessage",
    "AccountToken",
    "AuditEvent",
    "MailImportFailure",
    "OutboxMessage",
    "Presence",
    "Verification",
    "VerificationBlock",
    "VerificationCode",
    "ActivationKey",
    "DistrictSettings",
    "Guardian",
    "GuardianStudent",
    "Household",
    "HouseholdMember",
    "KeyBatch",
    "KeyBatchItem",
    "LoginAttempt",
    "PortalAccount",
    "School",
    "SearchTerm",
    "Staff",
    "Student",
    "core_table",
]

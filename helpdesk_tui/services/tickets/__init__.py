"""Tickets: the lifecycle (create, claim, reply, note, pending, resolve, merge), the
ticket's detail and timeline, the queues, and email in from the support mailbox."""

from helpdesk_tui.services.tickets.attachments import (
    AttachmentFile,
    AttachmentView,
    attachment_content,
    attachments_folder,
    attachments_of,
    write_attachment,
)
from helpdesk_tui.services.tickets.calls import (
    CallTicket,
    call_note,
    caller_and_phone,
    calls_today,
    open_call_ticket,
    open_caller_ticket,
    resolve_call,
)
from helpdesk_tui.services.tickets.category_rules import (
    RULES,
    Rule,
    Suggestion,
    rules_markdown,
    suggest_category,
)
from helpdesk_tui.services.tickets.conversation import add_note, reply
from helpdesk_tui.services.tickets.demo import seed_tickets
from helpdesk_tui.services.tickets.detail import (
    CannedText,
    TicketDetail,
    canned_for,
    closing_note,
    get_ticket_detail,
)
from helpdesk_tui.services.tickets.editing import change_ticket, link_guardian
from helpdesk_tui.services.tickets.email_in import ERRORS, PROCESSED, MailboxUnavailable, fetch_mail
from helpdesk_tui.services.tickets.lifecycle import (
    assign,
    claim,
    create_ticket,
    merge_tickets,
    reopen,
    resolve,
    set_pending,
)
from helpdesk_tui.services.tickets.queue import PAGE, QueueFilter, QueuePage, QueueRow, queue_page
from helpdesk_tui.services.tickets.records import (
    StaleReply,
    TicketError,
    TicketRef,
    ticket_id_for,
    ticket_label,
)
from helpdesk_tui.services.tickets.reminders import (
    STALE_PENDING_DAYS,
    close_stale_pending,
    remind_stale_pending,
)
from helpdesk_tui.services.tickets.search import (
    MAX_SEARCH_LENGTH,
    FamilyTicket,
    FamilyTickets,
    SearchPage,
    search_tickets,
    tickets_of_guardian,
)

__all__ = [
    "AttachmentFile",
    "AttachmentView",
    "CallTicket",
    "CannedText",
    "ERRORS",
    "FamilyTicket",
    "FamilyTickets",
    "MAX_SEARCH_LENGTH",
    "MailboxUnavailable",
    "PAGE",
    "PROCESSED",
    "QueueFilter",
    "QueuePage",
    "QueueRow",
    "RULES",
    "Rule",
    "STALE_PENDING_DAYS",
    "SearchPage",
    "StaleReply",
    "Suggestion",
    "TicketDetail",
    "TicketError",
    "TicketRef",
    "add_note",
    "assign",
    "attachment_content",
    "attachments_folder",
    "attachments_of",
    "call_note",
    "caller_and_phone",
    "calls_today",
    "canned_for",
    "change_ticket",
    "closing_note",
    "claim",
    "close_stale_pending",
    "create_ticket",
    "fetch_mail",
    "get_ticket_detail",
    "link_guardian",
    "merge_tickets",
    "open_call_ticket",
    "open_caller_ticket",
    "queue_page",
    "remind_stale_pending",
    "reopen",
    "reply",
    "resolve_call",
    "resolve",
    "rules_markdown",
    "search_tickets",
    "seed_tickets",
    "set_pending",
    "suggest_category",
    "ticket_id_for",
    "ticket_label",
    "tickets_of_guardian",
    "write_attachment",
]

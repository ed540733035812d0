"""Tickets: the lifecycle (create, claim, reply, note, pending, resolve, merge), the
ticket's detail and timeline, the queues, and email in from the support mailbox."""

from helpdesk_tui.services.tickets.demo import seed_tickets
from helpdesk_tui.services.tickets.detail import (
    CannedText,
    TicketDetail,
    canned_for,
    get_ticket_detail,
    merge_tickets,
)
from helpdesk_tui.services.tickets.email_in import ERRORS, PROCESSED, MailboxUnavailable, fetch_mail
from helpdesk_tui.services.tickets.email_parse import parse_mail
from helpdesk_tui.services.tickets.lifecycle import (
    CATEGORY_LABELS,
    StaleReply,
    TicketError,
    TicketRef,
    add_note,
    assign,
    claim,
    close_stale_pending,
    create_ticket,
    reopen,
    reply,
    resolve,
    set_pending,
    ticket_id_for,
    ticket_label,
)
from helpdesk_tui.services.tickets.queue import (
    PAGE,
    VIEWS,
    QueueFilter,
    QueuePage,
    QueueRow,
    queue_page,
)

__all__ = [
    "CATEGORY_LABELS",
    "CannedText",
    "ERRORS",
    "MailboxUnavailable",
    "PAGE",
    "PROCESSED",
    "QueueFilter",
    "QueuePage",
    "QueueRow",
    "StaleReply",
    "TicketDetail",
    "TicketError",
    "TicketRef",
    "VIEWS",
    "add_note",
    "assign",
    "canned_for",
    "claim",
    "close_stale_pending",
    "create_ticket",
    "fetch_mail",
    "get_ticket_detail",
    "merge_tickets",
    "parse_mail",
    "queue_page",
    "reopen",
    "reply",
    "resolve",
    "seed_tickets",
    "set_pending",
    "ticket_id_for",
    "ticket_label",
]

"""Tickets: the lifecycle (create, claim, reply, note, pending, resolve, merge), the
ticket's detail and timeline, the queues, and email in from the support mailbox."""

from helpdesk_tui.services.tickets.calls import CallTicket, open_call_ticket
from helpdesk_tui.services.tickets.conversation import add_note, reply
from helpdesk_tui.services.tickets.demo import seed_tickets
from helpdesk_tui.services.tickets.detail import (
    CannedText,
    TicketDetail,
    canned_for,
    get_ticket_detail,
)
from helpdesk_tui.services.tickets.email_in import ERRORS, PROCESSED, MailboxUnavailable, fetch_mail
from helpdesk_tui.services.tickets.lifecycle import (
    assign,
    claim,
    close_stale_pending,
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

__all__ = [
    "CallTicket",
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
    "add_note",
    "assign",
    "canned_for",
    "claim",
    "close_stale_pending",
    "create_ticket",
    "fetch_mail",
    "get_ticket_detail",
    "merge_tickets",
    "open_call_ticket",
    "queue_page",
    "reopen",
    "reply",
    "resolve",
    "seed_tickets",
    "set_pending",
    "ticket_id_for",
    "ticket_label",
]

"""The ticket queues and one ticket: its conversation, its timeline, and replying."""

from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from helpdesk_tui.screens.tickets.ticket_queue import TicketQueueScreen

__all__ = ["TicketDetailScreen", "TicketQueueScreen"]

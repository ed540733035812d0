"""A ticket's two clocks (first response, resolution): due times from its arrival, its
targets and the business time it spent waiting on the guardian."""

from datetime import datetime

from sqlmodel import Session

from helpdesk_tui.data.tables import Ticket
from helpdesk_tui.services.sla.calendar import BusinessCalendar
from helpdesk_tui.services.sla.targets import load_calendar, targets_for
from helpdesk_tui.vocabulary import RUNNING


def set_clocks(
    session: Session, ticket: Ticket, now: datetime, calendar: BusinessCalendar | None = None
) -> None:
    """Recompute both due times from the arrival time, the targets and the paused
    business time, and which of them runs now."""
    calendar = calendar or load_calendar(session, now=now)
    targets = targets_for(session, ticket.category, ticket.priority)
    paused = ticket.paused_seconds
    ticket.first_response_due_at = calendar.due(
        ticket.created_at, targets.first_response_minutes, paused_seconds=paused
    )
    ticket.resolution_due_at = calendar.due(
        ticket.created_at, targets.resolution_minutes, paused_seconds=paused
    )
    running = ticket.status in RUNNING
    ticket.due_at = (
        None
        if not running
        else ticket.first_response_due_at
        if ticket.first_response_at is None
        else ticket.resolution_due_at
    )

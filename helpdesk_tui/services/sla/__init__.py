"""Service levels: business time (hours, holidays, closures, busy periods), targets
per category and priority, ticket clocks, and the supervisors' calendar settings."""

from helpdesk_tui.services.sla.admin import add_busy_period, add_closure, set_target
from helpdesk_tui.services.sla.calendar import BusyPeriod, build_calendar
from helpdesk_tui.services.sla.clocks import set_clocks
from helpdesk_tui.services.sla.targets import load_calendar, targets_for

__all__ = [
    "BusyPeriod",
    "add_busy_period",
    "add_closure",
    "build_calendar",
    "load_calendar",
    "set_clocks",
    "set_target",
    "targets_for",
]

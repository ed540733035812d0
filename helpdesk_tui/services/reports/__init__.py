"""Reports for supervisors: portal usage per school; service-level figures (supervisors
for the team, agents for themselves)."""

from helpdesk_tui.services.reports.business_times import (
    measure_business_times,
    measured_here,
)
from helpdesk_tui.services.reports.service_level_figures import (
    AgeBand,
    AgentFigures,
    ClockFigures,
    Count,
    DayFigures,
    LateTicket,
    ServiceLevels,
    TeamFigures,
    TimeFigures,
)
from helpdesk_tui.services.reports.service_level_report import (
    AGE_BANDS,
    MAX_RANGE_DAYS,
    recent_business_days,
    service_levels,
)
from helpdesk_tui.services.reports.service_level_words import (
    business_time,
    clock_line,
    percent,
    time_line,
)
from helpdesk_tui.services.reports.usage_report import (
    MAX_DAYS,
    SchoolUsage,
    UsageEntry,
    export_usage_csv,
    portal_usage,
    spreadsheet_cell,
    usage_entries,
)

__all__ = [
    "AGE_BANDS",
    "MAX_DAYS",
    "MAX_RANGE_DAYS",
    "AgeBand",
    "AgentFigures",
    "ClockFigures",
    "Count",
    "DayFigures",
    "LateTicket",
    "SchoolUsage",
    "ServiceLevels",
    "TeamFigures",
    "TimeFigures",
    "UsageEntry",
    "business_time",
    "clock_line",
    "export_usage_csv",
    "measure_business_times",
    "measured_here",
    "percent",
    "portal_usage",
    "recent_business_days",
    "service_levels",
    "spreadsheet_cell",
    "time_line",
    "usage_entries",
]

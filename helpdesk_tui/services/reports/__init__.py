"""Reports for supervisors: portal usage per school."""

from helpdesk_tui.services.reports.usage_report import (
    MAX_DAYS,
    SchoolUsage,
    UsageEntry,
    export_usage_csv,
    portal_usage,
    usage_entries,
)

__all__ = [
    "MAX_DAYS",
    "SchoolUsage",
    "UsageEntry",
    "export_usage_csv",
    "portal_usage",
    "usage_entries",
]

"""Reports for supervisors: portal usage per school."""

from helpdesk_tui.services.reports.portal_usage import (
    CONDITIONS,
    MAX_DAYS,
    SchoolUsage,
    UsageEntry,
    export_usage_csv,
    portal_usage,
    usage_entries,
)

__all__ = [
    "CONDITIONS",
    "MAX_DAYS",
    "SchoolUsage",
    "UsageEntry",
    "export_usage_csv",
    "portal_usage",
    "usage_entries",
]

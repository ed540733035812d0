"""Reports for supervisors: portal usage per school."""

from helpdesk_tui.screens.reports.portal_usage import PortalUsageScreen

__all__ = ["PortalUsageScreen"]

"""Reports: portal usage per school (supervisors); service levels (supervisors for the
team, agents for themselves)."""

from helpdesk_tui.screens.reports.portal_usage import PortalUsageScreen
from helpdesk_tui.screens.reports.service_levels import ServiceLevelsScreen

__all__ = ["PortalUsageScreen", "ServiceLevelsScreen"]

"""Reports: portal usage per school (supervisors); service levels (supervisors for the
team, agents for themselves); the supervisors' decision lists."""

from helpdesk_tui.screens.reports.decisions import DecisionsScreen
from helpdesk_tui.screens.reports.portal_usage import PortalUsageScreen
from helpdesk_tui.screens.reports.service_levels import ServiceLevelsScreen

__all__ = ["DecisionsScreen", "PortalUsageScreen", "ServiceLevelsScreen"]

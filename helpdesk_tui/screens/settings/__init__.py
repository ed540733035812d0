"""Settings for supervisors: the verification and desk policies, business hours,
holidays and closures, busy periods and service targets."""

from helpdesk_tui.screens.settings.settings_screen import SettingsScreen

__all__ = ["SettingsScreen"]

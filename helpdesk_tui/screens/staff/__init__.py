"""Staff administration for supervisors: the accounts, adding, disabling and enabling,
role and school, password resets."""

from helpdesk_tui.screens.staff.staff_screen import StaffScreen

__all__ = ["StaffScreen"]

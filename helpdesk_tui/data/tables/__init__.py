"""All SQLModel tables; importing this package registers them on SQLModel.metadata."""

from helpdesk_tui.data.tables.district import DistrictSettings, School
from helpdesk_tui.data.tables.people import (
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    Student,
)
from helpdesk_tui.data.tables.portal import ActivationKey, LoginAttempt, PortalAccount
from helpdesk_tui.data.tables.search import SearchTerm
from helpdesk_tui.data.tables.staff import Staff

__all__ = [
    "ActivationKey",
    "DistrictSettings",
    "Guardian",
    "GuardianStudent",
    "Household",
    "HouseholdMember",
    "LoginAttempt",
    "PortalAccount",
    "School",
    "SearchTerm",
    "Staff",
    "Student",
]

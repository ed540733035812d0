"""Who acts: a signed-in staff member, or the system (the portal, a roster import)."""

from dataclasses import dataclass

from helpdesk_tui.data.tables import Staff
from helpdesk_tui.vocabulary import Role


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: int
    username: str
    full_name: str
    role: Role
    school_id: int | None
    school_name: str | None

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.CLERK

    @property
    def role_label(self) -> str:
        if self.is_clerk and self.school_name:
            return f"clerk, {self.school_name}"
        return self.role

    @classmethod
    def of(cls, staff: Staff, school_name: str | None) -> "StaffMember":
        """The staff member a ``staff`` row (with its school's name) stands for."""
        return cls(
            id=staff.id or 0,
            username=staff.username,
            full_name=staff.full_name,
            role=Role(staff.role),
            school_id=staff.school_id,
            school_name=school_name,
        )


@dataclass(frozen=True, slots=True)
class SystemActor:
    """Who acts when no staff member does (the parent portal, a roster import): named in
    the audit trail, never able to pass a staff permission check."""

    username: str
    id: None = None


PORTAL = SystemActor("portal")


ROSTER_IMPORT = SystemActor("roster-import")

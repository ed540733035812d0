"""The district's policy for staff desks (wrong passwords before an account locks, idle
minutes before a desk locks itself), and the audit row of a desk locking."""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from helpdesk_tui.data.tables import DistrictSettings
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.district import record_policy_change, settings_row
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.vocabulary import AuditAction


@dataclass(frozen=True, slots=True)
class DeskPolicy:
    lockout_threshold: int = 5  # failed sign-ins in a row that lock a staff account
    idle_lock_minutes: int = 10  # minutes without a key or mouse input before a desk locks

    def describe(self) -> str:
        return (
            f"a staff account locks after {self.lockout_threshold} wrong passwords in a row; "
            f"an idle desk locks after {self.idle_lock_minutes} min"
        )


def desk_policy(session: Session) -> DeskPolicy:
    """The district's settings; the defaults while there are none yet (a new database)."""
    row = session.get(DistrictSettings, 1)
    if row is None:
        return DeskPolicy()
    return DeskPolicy(row.staff_lockout_threshold, row.desk_idle_lock_minutes)


def record_desk_locked(
    session: Session, *, actor: StaffMember, idle_minutes: int | None, now: datetime | None = None
) -> None:
    """A desk hid its screen: left idle ``idle_minutes``, or locked on demand (None).
    Anyone signed in locks their own desk; there is nothing to refuse."""
    audit.record(
        session,
        actor=actor,
        action=AuditAction.DESK_LOCKED,
        guardian_id=None,
        detail=f"idle for {idle_minutes} minutes" if idle_minutes else "locked on demand",
        now=now,
    )


def check_desk_policy(
    session: Session, *, lockout_threshold: int | None = None, idle_lock_minutes: int | None = None
) -> DeskPolicy:
    """The desk policy as it would be after these changes, checked as
    ``set_desk_policy`` checks it; saves nothing."""
    now_is = desk_policy(session)
    if lockout_threshold is not None:
        if not 3 <= lockout_threshold <= 20:
            raise DomainError("Wrong passwords before a staff account locks: 3 to 20.")
        now_is = replace(now_is, lockout_threshold=lockout_threshold)
    if idle_lock_minutes is not None:
        if not 1 <= idle_lock_minutes <= 120:
            raise DomainError("Idle minutes before a desk locks: 1 to 120.")
        now_is = replace(now_is, idle_lock_minutes=idle_lock_minutes)
    return now_is


def set_desk_policy(
    session: Session,
    *,
    actor: StaffMember,
    lockout_threshold: int | None = None,
    idle_lock_minutes: int | None = None,
    now: datetime | None = None,
) -> DeskPolicy:
    """Change the desk policy (supervisors; audited with the before and after)."""
    require_supervisor(
        session,
        actor=actor,
        action=AuditAction.POLICY_CHANGED,
        message="Only a supervisor can change the desk policy.",
        now=now,
    )
    row = settings_row(session)
    before = desk_policy(session)
    wanted = check_desk_policy(
        session, lockout_threshold=lockout_threshold, idle_lock_minutes=idle_lock_minutes
    )
    row.staff_lockout_threshold = wanted.lockout_threshold
    row.desk_idle_lock_minutes = wanted.idle_lock_minutes
    session.flush()
    after = desk_policy(session)
    record_policy_change(
        session, actor=actor, was=before.describe(), now_is=after.describe(), now=now
    )
    return after

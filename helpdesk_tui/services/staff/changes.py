"""Changing staff accounts (supervisors only): disabling and enabling one, changing its
role or a clerk's school, resetting its password.

Each change is one transaction with one audit row that says what it was before. The
acting supervisor is checked again against the database (a supervisor disabled or
demoted at another desk can change nothing more), with every active supervisor's row
locked first, in id order, so two supervisors acting at once can never leave the
district without one: the last active supervisor can be neither disabled nor demoted,
and nobody disables themselves.

A reset gives the account a temporary password, made by ``new_temporary_password``
before the transaction (argon2 is slow) and shown once to the supervisor, who passes it
on; it signs nobody in, it only lets the person choose a new password (see
``sign_in.set_own_password``). The old password stops working at once.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.passwords import hash_password
from helpdesk_tui.data.tables import School, Staff
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.permissions import RIGHTS_CHANGED, require_supervisor
from helpdesk_tui.services.kernel.text import clean_text
from helpdesk_tui.services.staff.admin import staff_named
from helpdesk_tui.services.staff.sign_in import TEMPORARY_PASSWORD_LIFE
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome, Role

# No 0/O, 1/l/I: read out over the phone or from a screen without mistakes.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LAST_SUPERVISOR = (
    "{name} is the last supervisor who can sign in (active and not locked): make someone "
    "else a supervisor, or unlock one, first, so the district is never left without one."
)


@dataclass(frozen=True, slots=True)
class TemporaryPassword:
    """A reset's password: ``text`` shown once, ``hash`` stored."""

    text: str
    hash: str

    def __repr__(self) -> str:  # never in a log or a traceback
        return "TemporaryPassword(<hidden>)"


def new_temporary_password() -> TemporaryPassword:
    """Twelve random letters and digits in three groups (``abcd-efgh-jkmn``), about 69
    bits; call it outside any transaction (it hashes)."""
    text = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
    return TemporaryPassword(text, hash_password(text))


def disable_staff(
    session: Session,
    *,
    actor: StaffMember,
    username: str,
    reason: str,
    now: datetime | None = None,
) -> str:
    """Disable an account: it can no longer sign in (its history stays)."""
    return _set_active(session, actor, username, reason, active=False, now=now)


def enable_staff(
    session: Session,
    *,
    actor: StaffMember,
    username: str,
    reason: str,
    now: datetime | None = None,
) -> str:
    """Enable a disabled account again: it signs in with its password."""
    return _set_active(session, actor, username, reason, active=True, now=now)


def _set_active(
    session: Session,
    actor: StaffMember,
    username: str,
    reason: str,
    *,
    active: bool,
    now: datetime | None,
) -> str:
    now = resolve_now(now)
    action = AuditAction.STAFF_ENABLED if active else AuditAction.STAFF_DISABLED
    require_supervisor(session, actor=actor, action=action, now=now)
    why = audit.clean_reason(reason, required=True)
    supervisors = _lock_supervisors(session, actor, action, now)
    staff = staff_named(session, username)
    if staff.active == active:
        state = "active" if active else "disabled"
        raise DomainError(f"{staff.username} is already {state}.")
    if not active:
        if staff.id == actor.id:
            raise DomainError("You cannot disable your own account; another supervisor can.")
        if _last_supervisor(supervisors, staff):
            raise DomainError(LAST_SUPERVISOR.format(name=staff.username))
    staff.active = active
    before, after = ("disabled", "active") if active else ("active", "disabled")
    audit.record(
        session,
        actor=actor,
        action=action,
        guardian_id=None,
        outcome=AuditOutcome.CLEARED if active else AuditOutcome.BLOCKED,
        reason=why,
        detail=f"{staff.username}: was {before}, now {after}",
        now=now,
    )
    if active:
        return f"Enabled {staff.username}: they can sign in again."
    return f"Disabled {staff.username}: they can no longer sign in."


def set_staff_role(
    session: Session,
    *,
    actor: StaffMember,
    username: str,
    role: str,
    school_code: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> str:
    """Change an account's role (agent, clerk, supervisor) and, for a clerk, the school
    they work at (a clerk has one; agents and supervisors none)."""
    now = resolve_now(now)
    action = AuditAction.STAFF_ROLE_CHANGED
    require_supervisor(session, actor=actor, action=action, now=now)
    why = audit.clean_reason(reason, required=False)
    if not Role.has(role):
        raise DomainError(f"The role is one of: {', '.join(Role)}.")
    school_id: int | None = None
    school_code = clean_text(school_code or "").strip() or None  # echoed in refusals
    if role == Role.CLERK:
        if school_code is None:
            raise DomainError("A school clerk works at one school: give its code.")
        school_id = session.exec(select(School.id).where(col(School.code) == school_code)).first()
        if school_id is None:
            raise DomainError(f"No school has the code {school_code}.")
    elif school_code is not None:
        raise DomainError(f"Only a school clerk has a school; a {Role(role).label} has none.")
    supervisors = _lock_supervisors(session, actor, action, now)
    staff = staff_named(session, username)
    if staff.role == role and staff.school_id == school_id:
        raise DomainError(f"{staff.username} is already {_role_words(session, staff)}.")
    if role != Role.SUPERVISOR and _last_supervisor(supervisors, staff):
        raise DomainError(LAST_SUPERVISOR.format(name=staff.username))
    before = _role_words(session, staff)
    staff.role = role
    staff.school_id = school_id
    after = _role_words(session, staff)
    audit.record(
        session,
        actor=actor,
        action=action,
        guardian_id=None,
        reason=why,
        detail=f"{staff.username}: was {before}, now {after}",
        now=now,
    )
    return f"{staff.username} is now {after}."


def reset_staff_password(
    session: Session,
    *,
    actor: StaffMember,
    username: str,
    reason: str,
    temporary: TemporaryPassword,
    now: datetime | None = None,
) -> str:
    """Give an account the ``temporary`` password (``new_temporary_password()``): its
    old password stops working, a lock after failed sign-ins is lifted, and at the next
    sign-in the person must choose a new password. Not for your own account."""
    now = resolve_now(now)
    action = AuditAction.STAFF_PASSWORD_RESET
    require_supervisor(session, actor=actor, action=action, now=now)
    why = audit.clean_reason(reason, required=True)
    _lock_supervisors(session, actor, action, now)
    staff = staff_named(session, username)
    if staff.id == actor.id:
        raise DomainError("You cannot reset your own password; another supervisor can.")
    before = ["own password" if not staff.must_change_password else "an earlier reset"]
    if staff.locked_at is not None:
        before.append(f"locked since {staff.locked_at:%Y-%m-%d %H:%M}")
    staff.password_hash = temporary.hash
    staff.must_change_password = True
    staff.temporary_password_expires_at = now + TEMPORARY_PASSWORD_LIFE
    staff.locked_at = None
    staff.failed_sign_ins = 0
    audit.record(
        session,
        actor=actor,
        action=action,
        guardian_id=None,
        reason=why,
        detail=f"{staff.username}: was {', '.join(before)}; now a temporary password",
        now=now,
    )
    state = "" if staff.active else " (the account is disabled: enable it too)"
    return (
        f"Reset {staff.username}'s password{state}. Give them the temporary password; "
        "at their next sign-in in the app they choose a new one. It works for "
        f"{TEMPORARY_PASSWORD_LIFE.days} days."
    )


# -- shared -------------------------------------------------------------------------
def _lock_supervisors(
    session: Session, actor: StaffMember, action: AuditAction, now: datetime
) -> list[Staff]:
    """Every active supervisor's row, locked in id order; the actor must be one."""
    rows = list(
        session.exec(
            select(Staff)
            .where(col(Staff.active), col(Staff.role) == Role.SUPERVISOR)
            .order_by(col(Staff.id))
            .with_for_update()
        ).all()
    )
    if actor.id not in [s.id for s in rows]:
        raise audit.deny(
            session,
            actor=actor,
            action=action,
            guardian_id=None,
            message=RIGHTS_CHANGED,
            now=now,
        )
    return rows


def _last_supervisor(supervisors: list[Staff], staff: Staff) -> bool:
    """Whether ``staff`` is a supervisor and no other one could sign in without it: a
    locked supervisor can only be unlocked by another, so it does not count."""
    ids = [s.id for s in supervisors]
    return staff.id in ids and not any(
        s.id != staff.id and s.locked_at is None for s in supervisors
    )


def _role_words(session: Session, staff: Staff) -> str:
    label = Role(staff.role).label
    if staff.school_id is None:
        return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"
    school = session.get(School, staff.school_id)
    where = f"{school.name} ({school.code})" if school else f"school {staff.school_id}"
    return f"a {label} at {where}"


def school_choices(session: Session) -> list[tuple[str, str]]:
    """Every school as (code, name), by name: what a clerk can be given."""
    rows = session.exec(select(School.code, School.name).order_by(col(School.name))).all()
    return [(code, name) for code, name in rows]

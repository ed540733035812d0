"""Staff sign-in. The signed-in ``StaffMember`` is the actor of every call.

Signing in runs its own transactions, so the argon2 check (a tenth of a second) never
holds the write lock: a read (the account, its failures), the check outside any
transaction, then a short write that looks again at what may have changed meanwhile
(a failure from another desk, a lock, an unlock) and records the outcome. Every attempt
leaves an audit row; the throttle and lockout rules are in ``throttle``.

After a supervisor reset the password (``reset_staff_password``), the temporary one
signs nobody in: ``authenticate`` refuses with PasswordChangeRequired, and only
``set_own_password`` (the temporary password and a new one) takes the person in.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk_tui.data.engine import CommitThenRaise
from helpdesk_tui.data.passwords import hash_password, verify_password
from helpdesk_tui.data.tables import School, Staff
from helpdesk_tui.services.accounts import password_problem
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember, SystemActor
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError, SignInFailed
from helpdesk_tui.services.staff.desk import desk_policy
from helpdesk_tui.services.staff.throttle import (
    INACTIVE,
    MAX_NAME,
    UNKNOWN_NAME,
    WRONG_PASSWORD,
    Failures,
    Refusal,
    clean_name,
    refusal,
    unknown_name_failures,
)
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome, Role

T = TypeVar("T")

MAX_CREDENTIAL_LENGTH = 200
SIGN_IN_FAILED = (
    "That username and password do not match an active staff account. Check both and try "
    "again; after several wrong passwords the account locks, and a supervisor must unlock it."
)
NEW_PASSWORD_NEEDED = (
    # No "password:" in it: the log's secret scrubber would hide the rest of the line.
    "A supervisor reset your password. Sign in to the helpdesk app with the temporary "
    "one and choose a new password there first."
)
MUST_CHANGE = "temporary password, a new one to be chosen first"  # the audit row's detail
NOTHING_TO_CHANGE = "Your password was not reset: sign in with it as usual."
# Long enough to span a weekend between the reset and the person's next shift.
TEMPORARY_PASSWORD_LIFE = timedelta(days=3)
TEMPORARY_EXPIRED = (
    "That temporary password has expired (it works for 3 days). Ask a supervisor to "
    "reset your password again."
)


class Transactions(Protocol):
    """What sign-in needs of the database: ``Database``, or the desk's."""

    def run(self, call: Callable[[Session], T], *, write: bool = ...) -> T: ...


class SignInRefused(SignInFailed, CommitThenRaise):
    """A refused sign-in: its audit row and counters are committed, then this is raised."""


class PasswordChangeRequired(SignInRefused):
    """The right temporary password after a reset: the person must choose a new one
    (``set_own_password``) before anything else."""


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the read found: the account (None for an unknown name) and whether the
    password is to be checked."""

    staff: StaffMember | None
    password_hash: str | None
    refused: Refusal | None


def authenticate(
    database: Transactions,
    *,
    username: str,
    password: str,
    now: datetime | None = None,
) -> StaffMember:
    """The staff member for these credentials. Anything else raises SignInFailed with
    the same words (an unknown name, a wrong password, an inactive or locked account;
    an unknown name costs the same argon2 check), or says how long to wait after
    repeated failures. The temporary password of a reset account raises
    PasswordChangeRequired. It runs its own transactions: never call it inside one."""
    return _sign_in(database, username, password, new_hash=None, now=now)


def set_own_password(
    database: Transactions,
    *,
    username: str,
    temporary_password: str,
    new_password: str,
    now: datetime | None = None,
) -> StaffMember:
    """After a reset: the temporary password checked like a sign-in (the same throttle,
    lockout and audit), then the new password (the staff password rules) replaces it and
    the person is signed in. It runs its own transactions: never call it inside one."""
    problem = password_problem(new_password)
    if problem:
        raise DomainError(problem)
    if new_password == temporary_password:
        raise DomainError("Choose a new password, not the temporary one.")
    new_hash = hash_password(new_password)  # slow: before any transaction
    return _sign_in(database, username, temporary_password, new_hash=new_hash, now=now)


def _sign_in(
    database: Transactions,
    username: str,
    password: str,
    *,
    new_hash: str | None,
    now: datetime | None,
) -> StaffMember:
    now = resolve_now(now)
    full = clean_name(username)
    name = full[:MAX_NAME]
    known = 0 < len(full) <= MAX_NAME  # anything longer is no staff username
    seen = database.run(lambda s: _look(s, name, known=known, now=now), write=False)
    ok = False
    if seen.refused is None:  # the one slow step, outside any transaction
        if len(password) > MAX_CREDENTIAL_LENGTH:
            verify_password(None, password[:MAX_CREDENTIAL_LENGTH])
        else:
            ok = verify_password(seen.password_hash, password)
    return database.run(lambda s: _record(s, name, seen, ok=ok, new_hash=new_hash, now=now))


def _failures(staff: Staff) -> Failures:
    return Failures(
        staff.failed_sign_ins, staff.last_failed_sign_in_at, staff.locked_at is not None
    )


def _look(session: Session, name: str, *, known: bool, now: datetime) -> _Seen:
    threshold = desk_policy(session).lockout_threshold
    row = None
    if known:
        row = session.exec(
            select(Staff, School.name)
            .join(School, col(School.id) == col(Staff.school_id), isouter=True)
            .where(col(Staff.username) == name)
        ).first()
    if row is None:
        failures = unknown_name_failures(session, name, threshold=threshold)
        return _Seen(None, None, refusal(failures, now, generic=SIGN_IN_FAILED))
    staff, school_name = row
    return _Seen(
        StaffMember.of(staff, school_name),
        staff.password_hash,
        refusal(_failures(staff), now, generic=SIGN_IN_FAILED),
    )


def _record(
    session: Session, name: str, seen: _Seen, *, ok: bool, new_hash: str | None, now: datetime
) -> StaffMember:
    """The write: the outcome on fresh state, with its audit rows. A refusal raises
    SignInRefused after the counters and audit rows are written."""
    threshold = desk_policy(session).lockout_threshold
    if seen.staff is None:
        failures = unknown_name_failures(session, name, threshold=threshold)
        refused = refusal(failures, now, generic=SIGN_IN_FAILED) or seen.refused
        _failed(session, SystemActor(name), refused.detail if refused else UNKNOWN_NAME, now)
        raise SignInRefused(refused.message if refused else SIGN_IN_FAILED)
    actor = seen.staff
    staff = session.exec(select(Staff).where(col(Staff.id) == actor.id).with_for_update()).one()
    # A failure or a lock from another desk since the read wins over this check's result;
    # a refusal at the read stands even if a supervisor unlocked meanwhile (no check ran).
    refused = refusal(_failures(staff), now, generic=SIGN_IN_FAILED) or seen.refused
    if refused is not None:
        _failed(session, actor, refused.detail, now)
        raise SignInRefused(refused.message)
    if ok and staff.active and staff.password_hash == seen.password_hash:
        staff.failed_sign_ins = 0
        _change_password(session, staff, actor, new_hash, now)
        audit.record(
            session, actor=actor, action=AuditAction.STAFF_SIGNED_IN, guardian_id=None, now=now
        )
        return actor
    staff.failed_sign_ins += 1
    staff.last_failed_sign_in_at = now
    _failed(session, actor, WRONG_PASSWORD if staff.active else INACTIVE, now)
    if staff.failed_sign_ins >= threshold and staff.locked_at is None:
        staff.locked_at = now
        audit.record(
            session,
            actor=actor,
            action=AuditAction.STAFF_LOCKED,
            guardian_id=None,
            outcome=AuditOutcome.BLOCKED,
            detail=f"after {staff.failed_sign_ins} failed sign-ins in a row",
            now=now,
        )
    raise SignInRefused(SIGN_IN_FAILED)


def _change_password(
    session: Session, staff: Staff, actor: StaffMember, new_hash: str | None, now: datetime
) -> None:
    """A reset account's temporary password takes nobody in; with a new password it is
    replaced. Without a reset there is nothing to change."""
    if not staff.must_change_password:
        if new_hash is not None:
            _failed(session, actor, "no reset to complete", now)
            raise SignInRefused(NOTHING_TO_CHANGE)
        return
    expires = staff.temporary_password_expires_at
    if expires is not None and expires <= now:
        _failed(session, actor, "temporary password expired", now)
        raise SignInRefused(TEMPORARY_EXPIRED)
    if new_hash is None:
        _failed(session, actor, MUST_CHANGE, now)
        raise PasswordChangeRequired(NEW_PASSWORD_NEEDED)
    staff.password_hash = new_hash
    staff.must_change_password = False
    staff.temporary_password_expires_at = None
    audit.record(
        session,
        actor=actor,
        action=AuditAction.STAFF_PASSWORD_CHANGED,
        guardian_id=None,
        detail="a new password in place of the temporary one",
        now=now,
    )


def _failed(session: Session, actor: StaffMember | SystemActor, detail: str, now: datetime) -> None:
    audit.record(
        session,
        actor=actor,
        action=AuditAction.STAFF_SIGN_IN_FAILED,
        guardian_id=None,
        outcome=AuditOutcome.FAILED,
        detail=detail,
        now=now,
    )


def active_staff_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Staff).where(col(Staff.active))).one()


def has_staff_accounts(session: Session) -> bool:
    """Whether this database ever had a staff account (accounts are never deleted,
    only made inactive; only wiping a demo district removes them)."""
    return session.exec(select(Staff.id).limit(1)).first() is not None


@dataclass(frozen=True, slots=True)
class StaffChoice:
    id: int
    full_name: str
    role: Role


def active_staff(session: Session) -> list[StaffChoice]:
    """Who a ticket can be assigned to."""
    rows = session.exec(select(Staff).where(col(Staff.active)).order_by(col(Staff.full_name))).all()
    return [StaffChoice(s.id or 0, s.full_name, Role(s.role)) for s in rows]


def standing_changed(session: Session, *, actor: StaffMember) -> str:
    """Why the session signed in as ``actor`` should end now, in words ("" if it need
    not): the account disabled, its password reset, or its role or school changed by a
    supervisor since the sign-in. The desk asks every few seconds."""
    staff = session.get(Staff, actor.id)
    if staff is None or not staff.active:
        return "A supervisor disabled your account, so you are signed out."
    if staff.must_change_password:
        return (
            "A supervisor reset your password, so you are signed out. Sign in with the "
            "temporary one to choose a new password."
        )
    if (staff.role, staff.school_id) != (actor.role, actor.school_id):
        return "A supervisor changed your role or school, so you are signed out: sign in again."
    return ""

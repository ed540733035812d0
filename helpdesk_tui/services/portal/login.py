"""Signing in on the portal: every attempt in the access log; the fifth failure in a
row disables the login and tells everyone on file.

The answer gives nothing away: an unknown username, a wrong password, the failure that
disables the login and a disabled login all get the same words, after the same work
(one argon2 verify, against a dummy hash when the name is unknown). Only the lockout
notice, sent to the addresses on file, tells the owner. A source with too many recent
failures is told to wait instead (throttle.py), without its password being checked.

The password is verified outside any transaction (locks.py): a read transaction finds
the login, argon2 runs with nothing held, and a short write transaction checks that
the login's hash is still the one verified before it records the outcome.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.passwords import verify_password
from helpdesk_tui.data.tables import Guardian, LoginAttempt, PortalAccount
from helpdesk_tui.services.accounts import username_key
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.portal.common import (
    PortalRefusal,
    call_us,
    checked_username,
    client_ip,
    notify_portal_event,
    portal_audit,
)
from helpdesk_tui.services.portal.throttle import throttle_wait, wait_words
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, PortalEvent

MAX_USERNAME_TRIED = 64
MAX_PASSWORD = 1000
_TRIES = 3  # a password changed while it was being verified: look again, this often


class SignInRefused(PortalRefusal):
    """Unknown name, wrong password or a login that cannot sign in: the same words."""


class SignInThrottled(PortalRefusal):
    """Too many recent failures from this address or for this username; ``retry_after``
    is how long to wait (a portal may send it as Retry-After)."""

    def __init__(self, message: str, retry_after: timedelta) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class SignedIn:
    account_id: int
    username: str
    kind: str  # guardian or student
    last_login_at: datetime | None  # the previous successful sign-in


def refused_words(district: DistrictInfo) -> str:
    return (
        "That username and password do not match a login that can sign in. Check both "
        '(the password is case-sensitive) and try again, or use "Forgot password?". A '
        f"login is disabled after {district.lockout_threshold} failed sign-ins in a row; "
        f"to have it unlocked, {call_us(district)}, or visit your school's office with a "
        "photo ID."
    )


def throttled_words(wait: timedelta) -> str:
    return (
        "There have been too many failed sign-ins from your network or for this username. "
        f"Wait {wait_words(wait)}, then try again; if you have forgotten your password, "
        'use "Forgot password?" instead of guessing.'
    )


@dataclass(frozen=True, slots=True)
class _Seen:
    """The login as the read transaction found it, for the write to check again."""

    account_id: int | None
    guardian_id: int | None
    password_hash: str | None


@dataclass(frozen=True, slots=True)
class _Outcome:
    refused: str  # the words for a refusal
    signed: SignedIn | None = None
    wait: timedelta | None = None  # turned away by the throttle
    changed: bool = False  # the login changed while its password was verified


def sign_in(
    database: Database, *, username: str, password: str, ip: str, now: datetime | None = None
) -> SignedIn:
    """One sign-in attempt, written to the access log whatever its outcome. Raises
    SignInRefused (the same words for every reason) or SignInThrottled."""
    signed, _ = check_password(database, username=username, password=password, ip=ip, now=now)
    return signed


def check_password(
    database: Database, *, username: str, password: str, ip: str, now: datetime | None = None
) -> tuple[SignedIn, str]:
    """``sign_in``, also returning the password hash that was verified, for a caller
    that then changes the login in a transaction of its own and must check that the
    password did not change in between."""
    now = resolve_now(now)
    ip = client_ip(ip)
    tried = checked_username(username.strip())
    name_key = username_key(tried)[:MAX_USERNAME_TRIED]
    for _ in range(_TRIES):
        wait, seen = database.run(lambda s: _look(s, name_key, ip, now), write=False)  # noqa: B023
        if wait > timedelta(0):
            outcome = database.run(lambda s: _turn_away(s, seen, name_key, ip, now))  # noqa: B023
        else:
            # An unknown name is verified against a dummy hash: the same time as a wrong
            # password. Nothing is locked or open while argon2 runs.
            ok = verify_password(seen.password_hash, password[:MAX_PASSWORD])
            outcome = database.run(lambda s: _record(s, seen, ok, name_key, ip, now))  # noqa: B023
        if not outcome.changed:
            break
    if outcome.wait is not None:
        raise SignInThrottled(throttled_words(outcome.wait), outcome.wait)
    if outcome.signed is None:  # refused (or the login kept changing: refused alike)
        raise SignInRefused(outcome.refused)
    return outcome.signed, seen.password_hash or ""


def _look(session: Session, name_key: str, ip: str, now: datetime) -> tuple[timedelta, _Seen]:
    account = session.exec(
        select(PortalAccount).where(col(PortalAccount.username_key) == name_key)
    ).first()
    seen = _Seen(
        account.id if account else None,
        account.guardian_id if account else None,
        account.password_hash if account else None,
    )
    return throttle_wait(session, ip=ip, name_key=name_key, now=now), seen


def _log(
    session: Session,
    account_id: int | None,
    name_key: str,
    ip: str,
    now: datetime,
    *,
    success: bool,
    throttled: bool = False,
) -> None:
    session.add(
        LoginAttempt(
            account_id=account_id,
            username_tried=name_key,
            attempted_at=now,
            ip_address=ip,
            success=success,
            throttled=throttled,
        )
    )


def _turn_away(session: Session, seen: _Seen, name_key: str, ip: str, now: datetime) -> _Outcome:
    """Log a throttled attempt (a failure in the access log, not toward the lockout) and
    say how long the source must now wait, this attempt counted."""
    _log(session, seen.account_id, name_key, ip, now, success=False, throttled=True)
    session.flush()
    wait = throttle_wait(session, ip=ip, name_key=name_key, now=now)
    return _Outcome(refused="", wait=wait)


def _record(
    session: Session, seen: _Seen, ok: bool, name_key: str, ip: str, now: datetime
) -> _Outcome:
    """The write after the verify: the guardian first, then the login, checked again."""
    district = get_district(session)
    words = refused_words(district)
    if seen.guardian_id is not None:
        lock_guardian(session, seen.guardian_id)
    account = session.exec(
        select(PortalAccount)
        .where(col(PortalAccount.username_key) == name_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if (account.id if account else None) != seen.account_id or (
        account is not None
        and (account.password_hash != seen.password_hash or account.guardian_id != seen.guardian_id)
    ):
        return _Outcome(refused=words, changed=True)
    # Attempts that raced this one from the same source count before it (exactly on
    # SQLite, whose writers take turns; PostgreSQL sees the ones committed by now).
    if throttle_wait(session, ip=ip, name_key=name_key, now=now) > timedelta(0):
        return _turn_away(session, seen, name_key, ip, now)
    refused = _Outcome(refused=words)
    if account is None:
        _log(session, None, name_key, ip, now, success=False)
        return refused
    guardian = session.get(Guardian, account.guardian_id) if account.guardian_id else None
    if account.status == AccountStatus.DISABLED or (guardian is not None and not guardian.active):
        _log(session, account.id, name_key, ip, now, success=False)
        return refused
    if ok:
        previous = account.last_login_at
        account.failed_login_count, account.last_login_at = 0, now
        _log(session, account.id, name_key, ip, now, success=True)
        signed = SignedIn(account.id or 0, account.username, account.kind, previous)
        return _Outcome(refused=words, signed=signed)
    account.failed_login_count += 1
    _log(session, account.id, name_key, ip, now, success=False)
    if account.failed_login_count >= district.lockout_threshold:
        _lock_out(session, account, guardian, district, ip, now)
    return refused


def _lock_out(
    session: Session,
    account: PortalAccount,
    guardian: Guardian | None,
    district: DistrictInfo,
    ip: str,
    now: datetime,
) -> None:
    """Disable the login; staff see why, and everyone on file is told (the parent at
    the keyboard is not: their answer is the same as for any other failure)."""
    account.status, account.disabled_at = AccountStatus.DISABLED, now
    account.disabled_reason = f"{account.failed_login_count} consecutive failed logins"
    portal_audit(
        session,
        AuditAction.ACCOUNT_LOCKED,
        account.guardian_id,
        f"login {account.username} disabled after "
        f"{account.failed_login_count} failed sign-ins (last from {ip})",
        now,
    )
    if guardian is not None:
        notify_portal_event(
            session,
            guardian,
            event=PortalEvent.ACCOUNT_LOCKED,
            detail=str(account.failed_login_count),
            district=district,
            now=now,
        )

"""Signing in on the portal: every attempt in the access log; the fifth failure in a
row disables the login and tells everyone on file."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.passwords import verify_password
from helpdesk_tui.data.tables import Guardian, LoginAttempt, PortalAccount
from helpdesk_tui.services.accounts import username_key
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.portal.common import (
    PortalRefusal,
    call_us,
    client_ip,
    notify_portal_event,
    portal_audit,
)
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, PortalEvent

MAX_USERNAME_TRIED = 64


class SignInRefused(PortalRefusal):
    pass


class AccountDisabled(PortalRefusal):
    pass


@dataclass(frozen=True, slots=True)
class SignedIn:
    account_id: int
    username: str
    kind: str  # guardian or student
    last_login_at: datetime | None  # the previous successful sign-in


def _how_to_unlock(district: DistrictInfo) -> str:
    return (
        f"To have it unlocked, {call_us(district)}, or visit your school's office with a photo ID."
    )


# -- signing in ---------------------------------------------------------------------
BAD_CREDENTIALS = (
    "That username and password do not match. Check both (the password is case-sensitive) "
    'and try again, or use "Forgot password?".'
)


def sign_in(
    session: Session, *, username: str, password: str, ip: str, now: datetime | None = None
) -> SignedIn:
    """One sign-in attempt, written to the access log whatever its outcome."""
    now = resolve_now(now)
    ip = client_ip(ip)
    district = get_district(session)
    tried = username.strip()[:MAX_USERNAME_TRIED]
    account = session.exec(
        select(PortalAccount)
        .where(col(PortalAccount.username_key) == username_key(tried))
        .with_for_update()
    ).first()
    # An unknown username costs the same hashing time as a wrong password.
    ok = verify_password(account.password_hash if account else None, password[:1000])

    def attempt(success: bool) -> None:
        session.add(
            LoginAttempt(
                account_id=account.id if account else None,
                username_tried=tried,
                attempted_at=now,
                ip_address=ip,
                success=success,
            )
        )

    if account is None:
        attempt(False)
        raise SignInRefused(BAD_CREDENTIALS)
    guardian = session.get(Guardian, account.guardian_id) if account.guardian_id else None
    if account.status == AccountStatus.DISABLED or (guardian is not None and not guardian.active):
        attempt(False)
        raise AccountDisabled(
            "This login is disabled, so it cannot sign in even with the right password. "
            + _how_to_unlock(district)
        )
    if ok:
        previous = account.last_login_at
        account.failed_login_count, account.last_login_at = 0, now
        attempt(True)
        return SignedIn(account.id or 0, account.username, account.kind, previous)
    account.failed_login_count += 1
    attempt(False)
    if account.failed_login_count < district.lockout_threshold:
        raise SignInRefused(BAD_CREDENTIALS)
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
    raise AccountDisabled(
        f"That was failed sign-in number {account.failed_login_count} in a row, so this "
        "login is now disabled. " + _how_to_unlock(district)
    )

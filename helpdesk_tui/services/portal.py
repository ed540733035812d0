"""The parent portal's side of the story: redeem an activation key, sign in (every try
in the access log; the fifth failure in a row disables the login), set and verify the
security email, "forgot password / username", and reset the password by link.

Recovery (security email, forgot password or username, reset) is in portal_recovery.py.
These are the functions a parent portal calls; `helpdesk portal ...` runs each one so a
district can wire them up or rehearse a call. The actor is the portal (audit rows name
it), and messages are written for a parent, not for staff. Whatever happens here is in
the shared database at once, so every desk's guardian screen shows it.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from helpdesk_tui.data.engine import CommitThenRaise
from helpdesk_tui.data.key_codec import canonical_hex, key_digest
from helpdesk_tui.data.passwords import hash_password, verify_password
from helpdesk_tui.data.search_index import reindex_guardian
from helpdesk_tui.data.tables import ActivationKey, Guardian, LoginAttempt, PortalAccount
from helpdesk_tui.services import audit
from helpdesk_tui.services.account_tokens import retire_tokens
from helpdesk_tui.services.district import DistrictInfo, get_district
from helpdesk_tui.services.errors import DomainError
from helpdesk_tui.services.keys import lock_guardian, portal_refusal
from helpdesk_tui.services.outbox import notice_fields, notify_all
from helpdesk_tui.services.portal_rules import password_problem, username_key, username_problem
from helpdesk_tui.services.portal_texts import portal_notice
from helpdesk_tui.services.staff import PORTAL
from helpdesk_tui.services.verification import resolve_now

MAX_USERNAME_TRIED = 64


class PortalError(DomainError):
    """A portal request refused; ``str()`` is what the parent is shown."""


class PortalRefusal(PortalError, CommitThenRaise):
    """A refusal whose record (access-log row, "denied" audit row, lockout) is kept."""


class KeyAlreadyUsed(PortalRefusal):
    pass


class UsernameTaken(PortalError):
    pass


class SignInRefused(PortalRefusal):
    pass


class AccountDisabled(PortalRefusal):
    pass


@dataclass(frozen=True, slots=True)
class Redeemed:
    username: str
    guardian_name: str
    replaced_login: str | None  # an earlier login of this guardian, now closed


@dataclass(frozen=True, slots=True)
class SignedIn:
    account_id: int
    username: str
    kind: str  # guardian or student
    last_login_at: datetime | None  # the previous successful sign-in


def client_ip(ip: str) -> str:
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        raise PortalError(
            f"{ip[:60]!r} is not an IP address; the portal passes the client's address."
        ) from None


def _taken(username: str) -> UsernameTaken:
    return UsernameTaken(f"The username {username} is already taken. Choose another one.")


def _how_to_unlock(district: DistrictInfo) -> str:
    return (
        f"To have it unlocked, {call_us(district)}, or visit your school's office with a photo ID."
    )


def call_us(district: DistrictInfo) -> str:
    return (
        f"call the Parent Portal helpdesk at {district.helpdesk_phone} "
        f"(Monday to Friday, {district.hours_open}-{district.hours_close})"
    )


def portal_audit(
    session: Session,
    action: str,
    guardian_id: int | None,
    detail: str,
    now: datetime,
    *,
    outcome: str = "done",
) -> None:
    """An audit row whose actor is the portal: it shows in the guardian's history."""
    audit.record(
        session,
        actor=PORTAL,
        action=action,
        guardian_id=guardian_id,
        outcome=outcome,
        detail=detail,
        now=now,
    )


def notify_portal_event(
    session: Session,
    guardian: Guardian,
    *,
    event: str,
    detail: str,
    district: DistrictInfo,
    now: datetime,
) -> int:
    letter = portal_notice(event=event, detail=detail, **notice_fields(guardian, district, now))
    return notify_all(
        session, guardian=guardian, action=event, district=district, now=now, letter=letter
    )


# -- redeeming a key ---------------------------------------------------------------
def redeem_key(
    session: Session,
    *,
    key_text: str,
    username: str,
    password: str,
    ip: str,
    now: datetime | None = None,
) -> Redeemed:
    """Create the guardian's login with their key: any case, braces, dashes or spaces.
    A key makes one login; "already used" and "username taken" are told apart."""
    now = resolve_now(now)
    ip = client_ip(ip)
    district = get_district(session)
    if len(key_text) > 200 or canonical_hex(key_text) is None:
        raise PortalError(
            "That is not an activation key. A key has 32 letters A-F and digits, printed "
            "like {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}; copy it from your key email or "
            "letter (spaces and dashes do not matter)."
        )
    username = username.strip()
    problem = username_problem(username) or password_problem(password)
    if problem:
        raise PortalError(problem)
    key = session.exec(
        select(ActivationKey)
        .where(col(ActivationKey.digest) == key_digest(key_text))
        .with_for_update()
    ).first()
    if key is None:
        raise PortalError(
            "We do not recognise this activation key. Check it character by character "
            f"against your key email or letter; if it still fails, {call_us(district)}."
        )
    lock_guardian(session, key.guardian_id)
    guardian = session.get(Guardian, key.guardian_id)
    assert guardian is not None  # a foreign key
    _refuse_unusable_key(session, key, guardian, district, now)
    taken = session.exec(
        select(PortalAccount).where(col(PortalAccount.username_key) == username_key(username))
    ).first()
    if taken is not None and taken.guardian_id != guardian.id:
        raise _taken(username)
    account = session.exec(
        select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian.id)
    ).first()
    replaced = account.username if account else None
    if account is None:
        account = PortalAccount(
            kind="guardian",
            guardian_id=guardian.id,
            username=username,
            username_key=username_key(username),
            created_at=now,
        )
        session.add(account)
    _new_login(account, username=username, password=password, now=now)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # taken in the instant since the check, by another request
        raise _taken(username) from None
    retire_tokens(session, account_id=account.id or 0, purpose=None, now=now)  # the old login's
    key.status, key.redeemed_at, key.redeemed_by_account_id = "redeemed", now, account.id
    reindex_guardian(session, guardian.id or 0)
    portal_audit(
        session,
        "key_redeemed",
        guardian.id,
        f"key …{key.last4} made login {username} from {ip}"
        + (f"; replaced login {replaced}" if replaced else ""),
        now,
    )
    notify_portal_event(
        session, guardian, event="key_redeemed", detail=username, district=district, now=now
    )
    return Redeemed(username, f"{guardian.first_name} {guardian.last_name}", replaced)


def _refuse_unusable_key(
    session: Session,
    key: ActivationKey,
    guardian: Guardian,
    district: DistrictInfo,
    now: datetime,
) -> None:
    """Raise (keeping a "denied" audit row the helpdesk will see on the guardian) when
    this key cannot make a login now."""
    call = call_us(district)
    problem: tuple[type[PortalRefusal], str, str] | None = None
    if key.status == "redeemed":
        login = session.get(PortalAccount, key.redeemed_by_account_id or 0)
        problem = (
            KeyAlreadyUsed,
            "This activation key has already been used to create a login; a key makes only "
            "one. If you did not create that login, another family member may have used "
            f"your key: {call}.",
            f"key …{key.last4} already used (login {login.username if login else '?'})",
        )
    elif key.status == "revoked":
        problem = (
            PortalRefusal,
            "This activation key was replaced by a newer one. Use the key in your most "
            f"recent email or letter, or {call}.",
            f"key …{key.last4} was revoked",
        )
    elif key.status == "expired" or (key.expires_at is not None and key.expires_at <= now):
        problem = (
            PortalRefusal,
            f"This activation key has expired. For a new one, {call}.",
            f"key …{key.last4} expired",
        )
    else:
        reason = portal_refusal(session, guardian.id or 0)
        if reason is None and not guardian.active:
            reason = "guardian inactive in the roster"
        if reason:
            # The parent is not told why (a custody order is not theirs to read here).
            problem = (
                PortalRefusal,
                f"This activation key cannot be used at the moment. Please {call}.",
                f"key …{key.last4}: {reason}",
            )
    if problem:
        error, message, detail = problem
        portal_audit(session, "key_redeemed", guardian.id, detail, now, outcome="denied")
        raise error(message)


def _new_login(account: PortalAccount, *, username: str, password: str, now: datetime) -> None:
    """A fresh login on this row: a guardian has one account, so a key redeemed after
    "reset account" (or a reissue with a login) replaces the old login."""
    account.username, account.username_key = username, username_key(username)
    account.password_hash = hash_password(password)
    account.status, account.failed_login_count = "active", 0
    account.disabled_at = account.disabled_reason = None
    account.last_login_at = None
    account.created_at = now
    account.security_email = None
    account.security_email_verified = False
    account.security_email_verified_at = None


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
    if account.status == "disabled" or (guardian is not None and not guardian.active):
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
    account.status, account.disabled_at = "disabled", now
    account.disabled_reason = f"{account.failed_login_count} consecutive failed logins"
    portal_audit(
        session,
        "account_locked",
        account.guardian_id,
        f"login {account.username} disabled after "
        f"{account.failed_login_count} failed sign-ins (last from {ip})",
        now,
    )
    if guardian is not None:
        notify_portal_event(
            session,
            guardian,
            event="account_locked",
            detail=str(account.failed_login_count),
            district=district,
            now=now,
        )
    raise AccountDisabled(
        f"That was failed sign-in number {account.failed_login_count} in a row, so this "
        "login is now disabled. " + _how_to_unlock(district)
    )

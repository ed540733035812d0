"""The portal's recovery paths: set and verify the security email, "forgot password"
and "forgot username" (same answer and same response time whether or not an account
matches, as OWASP advises), and setting a new password with a reset link.

Links are single-use, expiring tokens kept only as a digest (accounts/tokens.py); only
a *verified* security email receives anything.
"""

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from helpdesk_tui.data.email_check import email_problem, normalized_email
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.passwords import hash_password
from helpdesk_tui.data.tables import AccountToken, Guardian, PortalAccount
from helpdesk_tui.services.accounts import (
    find_token,
    password_problem,
    queue_link,
    queue_username,
    spend_token,
    username_key,
)
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.locks import lock_guardian, lock_guardians
from helpdesk_tui.services.kernel.masking import mask_email
from helpdesk_tui.services.portal.common import (
    PortalError,
    call_us,
    checked_email,
    checked_username,
    client_ip,
    notify_portal_event,
    portal_audit,
    unusable_characters,
)
from helpdesk_tui.services.portal.login import check_password, refused_words
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, PortalEvent, TokenPurpose


def set_security_email(
    database: Database,
    *,
    username: str,
    password: str,
    email: str,
    ip: str,
    now: datetime | None = None,
) -> str:
    """Signed in with the current password (an attempt like any other: wrong passwords
    count towards the lockout, the throttle applies), set the address that self-service
    recovery uses. It works only once verified by the link sent to it. Returns the
    address, masked."""
    now = resolve_now(now)
    if unusable_characters(email.strip()):
        raise PortalError(
            "That email address cannot be used: it holds control characters (a line "
            "break, a tab or an invisible character). Type it again."
        )
    problem = email_problem(email.strip())
    if problem:
        raise PortalError(f"That email address cannot be used: {problem}.")
    signed, verified_hash = check_password(
        database, username=username, password=password, ip=ip, now=now
    )
    address = normalized_email(email)
    return database.run(lambda s: _set_email(s, signed.account_id, verified_hash, address, now))


def _set_email(
    session: Session, account_id: int, verified_hash: str, address: str, now: datetime
) -> str:
    account = _locked_account(session, col(PortalAccount.id) == account_id)
    if account is None or account.guardian_id is None:
        raise PortalError("Student logins are managed by the school, not the parent portal.")
    district = get_district(session)
    if account.password_hash != verified_hash or account.status != AccountStatus.ACTIVE:
        # Changed since the password was checked (a reset, a lockout): sign in again.
        raise PortalError(refused_words(district))
    guardian = session.get(Guardian, account.guardian_id)
    assert guardian is not None
    # The notice goes out first, so the address being replaced hears of it too.
    notify_portal_event(
        session,
        guardian,
        event=PortalEvent.SECURITY_EMAIL_CHANGED,
        detail=mask_email(address),
        district=district,
        now=now,
    )
    account.security_email = address
    account.security_email_verified, account.security_email_verified_at = False, None
    queue_link(
        session,
        account=account,
        guardian=guardian,
        district=district,
        purpose=TokenPurpose.VERIFY_EMAIL,
        to=address,
        now=now,
    )
    portal_audit(
        session,
        AuditAction.SECURITY_EMAIL_SET,
        guardian.id,
        f"set to {mask_email(address)} (not yet verified)",
        now,
    )
    return mask_email(address)


def _locked_account(session: Session, where: ColumnElement[bool]) -> PortalAccount | None:
    """The login ``where`` picks, read again after its guardian was locked (locks.py)."""
    guardian_id = session.exec(select(PortalAccount.guardian_id).where(where)).first()
    if guardian_id is not None:
        lock_guardian(session, guardian_id)
    account = session.exec(
        select(PortalAccount)
        .where(where)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if account is not None and account.guardian_id != guardian_id:
        return None  # moved to another guardian in the meantime: as if not found
    return account


def verify_security_email(session: Session, *, link: str, now: datetime | None = None) -> str:
    """The guardian opened the verification link (or pasted its token)."""
    now = resolve_now(now)
    found = find_token(session, text=link, purpose=TokenPurpose.VERIFY_EMAIL, now=now)
    account = _locked_account(session, col(PortalAccount.id) == found.account_id) if found else None
    token = spend_token(session, text=link, purpose=TokenPurpose.VERIFY_EMAIL, now=now)
    if token is None or account is None or token.account_id != account.id:
        raise PortalError(
            "This verification link has expired or was already used. Sign in and set the "
            "security email again for a new link."
        )
    assert account.security_email
    account.security_email_verified, account.security_email_verified_at = True, now
    portal_audit(
        session,
        AuditAction.SECURITY_EMAIL_VERIFIED,
        account.guardian_id,
        f"{mask_email(account.security_email)} verified",
        now,
    )
    return mask_email(account.security_email)


_LINK_GONE = (
    'This reset link has expired or was already used. Ask for a new one with "Forgot '
    'password?"; only the newest link works.'
)


def reset_password(
    database: Database, *, link: str, new_password: str, ip: str, now: datetime | None = None
) -> str:
    """Set a new password with a reset link; returns the username it signs in with.

    The link is checked in a read transaction, the password hashed with nothing held,
    then a short write locks the guardian, spends the link (checked again) and sets
    the new hash (locks.py)."""
    now = resolve_now(now)
    ip = client_ip(ip)
    problem = password_problem(new_password)
    if problem:
        raise PortalError(problem)
    database.run(lambda s: _usable_reset_link(s, link, now), write=False)
    password_hash = hash_password(new_password)
    return database.run(lambda s: _reset(s, link, password_hash, ip, now))


def _usable_reset_link(session: Session, link: str, now: datetime) -> None:
    """A refusal that says what to do when the link cannot reset a password now."""
    token = find_token(session, text=link, purpose=TokenPurpose.RESET, now=now)
    account = session.get(PortalAccount, token.account_id) if token else None
    if account is None:
        raise PortalError(_LINK_GONE)
    if account.status == AccountStatus.DISABLED:
        raise PortalError(
            "This login is disabled; a new password cannot unlock it. To have it unlocked, "
            f"{call_us(get_district(session))}."
        )


def _reset(session: Session, link: str, password_hash: str, ip: str, now: datetime) -> str:
    found = find_token(session, text=link, purpose=TokenPurpose.RESET, now=now)
    account = _locked_account(session, col(PortalAccount.id) == found.account_id) if found else None
    token = spend_token(session, text=link, purpose=TokenPurpose.RESET, now=now)
    if token is None or account is None or token.account_id != account.id:
        raise PortalError(_LINK_GONE)
    district = get_district(session)
    if account.status == AccountStatus.DISABLED:  # disabled while the password was hashed
        raise PortalError(
            "This login is disabled; a new password cannot unlock it. To have it unlocked, "
            f"{call_us(district)}."
        )
    account.password_hash = password_hash
    account.failed_login_count = 0
    guardian = session.get(Guardian, account.guardian_id) if account.guardian_id else None
    portal_audit(
        session,
        AuditAction.PASSWORD_RESET_DONE,
        account.guardian_id,
        f"login {account.username}, from {ip}",
        now,
    )
    if guardian is not None:
        notify_portal_event(
            session,
            guardian,
            event=PortalEvent.PASSWORD_CHANGED,
            detail="",
            district=district,
            now=now,
        )
    return account.username


# -- forgot password / username ------------------------------------------------------
FORGOT_ANSWER = (
    "If that matches a login with a verified security email, a message is on its way to "
    "that address. It can take a few minutes; look in the spam folder too. No message? "
    "Call the Parent Portal helpdesk."
)
# Every "forgot" answer takes this long, whatever was found: the time taken must not tell
# whether an account exists. Comfortably above the slowest path measured (benchmarks/).
FORGOT_RESPONSE_SECONDS = 0.25
RESET_LINKS_PER_HOUR = 3  # more would let anyone flood a parent's mailbox


def _answer_after_floor(database: Database, work: Callable[[Session], None]) -> str:
    started = time.monotonic()
    database.run(work)
    remaining = FORGOT_RESPONSE_SECONDS - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
    return FORGOT_ANSWER


def _recovery_account(session: Session, account: PortalAccount | None) -> Guardian | None:
    """The guardian whose login may receive a recovery message, or None."""
    if (
        account is None
        or account.guardian_id is None
        or account.status != AccountStatus.ACTIVE
        or not account.security_email
        or not account.security_email_verified
    ):
        return None
    return session.get(Guardian, account.guardian_id)


def forgot_password(
    database: Database, *, username: str, ip: str, now: datetime | None = None
) -> str:
    """Send a reset link to the login's verified security email, if there is one."""
    now = resolve_now(now)
    ip = client_ip(ip)
    wanted = username_key(checked_username(username.strip())[:64])

    def work(session: Session) -> None:
        account = _locked_account(session, col(PortalAccount.username_key) == wanted)
        guardian = _recovery_account(session, account)
        if guardian is None or account is None or _too_many_links(session, account.id, now):
            return
        to = account.security_email or ""
        queue_link(
            session,
            account=account,
            guardian=guardian,
            district=get_district(session),
            purpose=TokenPurpose.RESET,
            to=to,
            now=now,
        )
        _audit_sent(session, guardian, AuditAction.PASSWORD_RESET_SENT, to, ip, now)

    return _answer_after_floor(database, work)


def _too_many_links(session: Session, account_id: int | None, now: datetime) -> bool:
    recent = session.exec(
        select(func.count())
        .select_from(AccountToken)
        .where(
            col(AccountToken.account_id) == account_id,
            col(AccountToken.purpose) == TokenPurpose.RESET,
            col(AccountToken.created_at) > now - timedelta(hours=1),
        )
    ).one()
    return recent >= RESET_LINKS_PER_HOUR


def forgot_username(database: Database, *, email: str, ip: str, now: datetime | None = None) -> str:
    """Send the username of each login whose verified security email this is."""
    now = resolve_now(now)
    ip = client_ip(ip)
    wanted = checked_email(email.strip())[:254].casefold()

    def work(session: Session) -> None:
        if not wanted:
            return
        matches = (
            func.lower(col(PortalAccount.security_email)) == wanted,
            col(PortalAccount.security_email_verified),
        )
        owners = session.exec(select(PortalAccount.guardian_id).where(*matches)).all()
        lock_guardians(session, [g for g in owners if g is not None])
        accounts = session.exec(
            select(PortalAccount)
            .where(*matches, col(PortalAccount.guardian_id).in_(owners))
            .order_by(col(PortalAccount.id))
            .execution_options(populate_existing=True)
        ).all()
        district = get_district(session) if accounts else None
        for account in accounts:
            guardian = _recovery_account(session, account)
            if guardian is None or district is None:
                continue
            to = account.security_email or ""
            queue_username(
                session, account=account, guardian=guardian, district=district, to=to, now=now
            )
            _audit_sent(session, guardian, AuditAction.USERNAME_SENT, to, ip, now)

    return _answer_after_floor(database, work)


def _audit_sent(
    session: Session, guardian: Guardian, action: AuditAction, to: str, ip: str, now: datetime
) -> None:
    """Self-service sends are in the guardian's history, so staff can answer "the email
    never came" (the same action names as the helpdesk's own sends)."""
    detail = f"self-service request from {ip}; sent to {mask_email(to)}"
    portal_audit(session, action, guardian.id, detail, now)

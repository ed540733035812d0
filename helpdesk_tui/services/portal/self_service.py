"""The portal's recovery paths: set and verify the security email, "forgot password"
and "forgot username" (same answer and same response time whether or not an account
matches, as OWASP advises), and setting a new password with a reset link.

Links are single-use, expiring tokens kept only as a digest (accounts/tokens.py); only
a *verified* security email receives anything.
"""

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk_tui.data.email_check import email_problem, normalized_email
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.passwords import hash_password
from helpdesk_tui.data.tables import AccountToken, Guardian, PortalAccount
from helpdesk_tui.services.accounts import (
    password_problem,
    queue_link,
    queue_username,
    spend_token,
    username_key,
)
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.masking import mask_email
from helpdesk_tui.services.portal.common import (
    PortalError,
    call_us,
    client_ip,
    notify_portal_event,
    portal_audit,
)
from helpdesk_tui.services.portal.login import sign_in
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, PortalEvent, TokenPurpose


def set_security_email(
    session: Session,
    *,
    username: str,
    password: str,
    email: str,
    ip: str,
    now: datetime | None = None,
) -> str:
    """Signed in with the current password (an attempt like any other: wrong passwords
    count towards the lockout), set the address that self-service recovery uses. It
    works only once verified by the link sent to it. Returns the address, masked."""
    now = resolve_now(now)
    problem = email_problem(email.strip())
    if problem:
        raise PortalError(f"That email address cannot be used: {problem}.")
    signed = sign_in(session, username=username, password=password, ip=ip, now=now)
    account = session.get(PortalAccount, signed.account_id)  # loaded by sign_in
    assert account is not None
    if account.guardian_id is None:
        raise PortalError("Student logins are managed by the school, not the parent portal.")
    guardian = session.get(Guardian, account.guardian_id)
    assert guardian is not None
    address = normalized_email(email)
    district = get_district(session)
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


def verify_security_email(session: Session, *, link: str, now: datetime | None = None) -> str:
    """The guardian opened the verification link (or pasted its token)."""
    now = resolve_now(now)
    token = spend_token(session, text=link, purpose=TokenPurpose.VERIFY_EMAIL, now=now)
    if token is None:
        raise PortalError(
            "This verification link has expired or was already used. Sign in and set the "
            "security email again for a new link."
        )
    account = session.get(PortalAccount, token.account_id)
    assert account is not None and account.security_email
    account.security_email_verified, account.security_email_verified_at = True, now
    portal_audit(
        session,
        AuditAction.SECURITY_EMAIL_VERIFIED,
        account.guardian_id,
        f"{mask_email(account.security_email)} verified",
        now,
    )
    return mask_email(account.security_email)


def reset_password(
    session: Session, *, link: str, new_password: str, ip: str, now: datetime | None = None
) -> str:
    """Set a new password with a reset link; returns the username it signs in with."""
    now = resolve_now(now)
    ip = client_ip(ip)
    problem = password_problem(new_password)
    if problem:
        raise PortalError(problem)
    token = spend_token(session, text=link, purpose=TokenPurpose.RESET, now=now)
    if token is None:
        raise PortalError(
            'This reset link has expired or was already used. Ask for a new one with "Forgot '
            'password?"; only the newest link works.'
        )
    account = session.get(PortalAccount, token.account_id)
    assert account is not None
    district = get_district(session)
    if account.status == AccountStatus.DISABLED:
        raise PortalError(
            "This login is disabled; a new password cannot unlock it. To have it unlocked, "
            f"{call_us(district)}."
        )
    account.password_hash = hash_password(new_password)
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
    with database.write() as session:
        work(session)
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

    def work(session: Session) -> None:
        account = session.exec(
            select(PortalAccount).where(
                col(PortalAccount.username_key) == username_key(username.strip()[:64])
            )
        ).first()
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
    wanted = email.strip()[:254].casefold()

    def work(session: Session) -> None:
        if not wanted:
            return
        accounts = session.exec(
            select(PortalAccount).where(
                func.lower(col(PortalAccount.security_email)) == wanted,
                col(PortalAccount.security_email_verified),
            )
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

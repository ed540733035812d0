"""Redeeming an activation key on the portal: any case, braces, dashes or spaces; a key
makes one login; "already used" and "username taken" are told apart."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.key_codec import canonical_hex, key_digest
from helpdesk_tui.data.passwords import hash_password
from helpdesk_tui.data.search_index import reindex_guardian
from helpdesk_tui.data.tables import ActivationKey, Guardian, PortalAccount
from helpdesk_tui.services.accounts import (
    password_problem,
    retire_tokens,
    username_key,
    username_problem,
)
from helpdesk_tui.services.guardians import portal_refusal
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.portal.common import (
    PortalError,
    PortalRefusal,
    call_us,
    client_ip,
    notify_portal_event,
    portal_audit,
)
from helpdesk_tui.vocabulary import (
    AccountKind,
    AccountStatus,
    AuditAction,
    AuditOutcome,
    KeyStatus,
    PortalEvent,
)


class KeyAlreadyUsed(PortalRefusal):
    pass


class UsernameTaken(PortalError):
    pass


@dataclass(frozen=True, slots=True)
class Redeemed:
    username: str
    guardian_name: str
    replaced_login: str | None  # an earlier login of this guardian, now closed


def _taken(username: str) -> UsernameTaken:
    return UsernameTaken(f"The username {username} is already taken. Choose another one.")


# -- redeeming a key ---------------------------------------------------------------
def redeem_key(
    database: Database,
    *,
    key_text: str,
    username: str,
    password: str,
    ip: str,
    now: datetime | None = None,
) -> Redeemed:
    """Create the guardian's login with their key: any case, braces, dashes or spaces.
    A key makes one login; "already used" and "username taken" are told apart.

    The key's owner is found in a read transaction, the password hashed with nothing
    held, and the login made in a short write transaction that locks the guardian
    first, then the key, and checks the key again (locks.py)."""
    now = resolve_now(now)
    ip = client_ip(ip)
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
    digest = key_digest(key_text)
    owner, district = database.run(lambda s: (_key_owner(s, digest), get_district(s)), write=False)
    if owner is None:
        raise _unknown_key(district)
    password_hash = hash_password(password)
    return database.run(
        lambda s: _redeem(
            s,
            digest=digest,
            guardian_id=owner,
            username=username,
            password_hash=password_hash,
            ip=ip,
            now=now,
        )
    )


def _key_owner(session: Session, digest: str) -> int | None:
    return session.exec(
        select(ActivationKey.guardian_id).where(col(ActivationKey.digest) == digest)
    ).first()


def _unknown_key(district: DistrictInfo) -> PortalError:
    return PortalError(
        "We do not recognise this activation key. Check it character by character "
        f"against your key email or letter; if it still fails, {call_us(district)}."
    )


def _redeem(
    session: Session,
    *,
    digest: str,
    guardian_id: int,
    username: str,
    password_hash: str,
    ip: str,
    now: datetime,
) -> Redeemed:
    """The write: the guardian, then its key (checked again: a desk may have replaced
    it while the password was hashed), then the login."""
    district = get_district(session)
    lock_guardian(session, guardian_id)
    key = session.exec(
        select(ActivationKey)
        .where(col(ActivationKey.digest) == digest)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if key is None or key.guardian_id != guardian_id:
        raise _unknown_key(district)
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
            kind=AccountKind.GUARDIAN,
            guardian_id=guardian.id,
            username=username,
            username_key=username_key(username),
            created_at=now,
        )
        session.add(account)
    _new_login(account, username=username, password_hash=password_hash, now=now)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # taken in the instant since the check, by another request
        raise _taken(username) from None
    retire_tokens(session, account_id=account.id or 0, purpose=None, now=now)  # the old login's
    key.status, key.redeemed_at, key.redeemed_by_account_id = KeyStatus.REDEEMED, now, account.id
    reindex_guardian(session, guardian.id or 0)
    portal_audit(
        session,
        AuditAction.KEY_REDEEMED,
        guardian.id,
        f"key …{key.last4} made login {username} from {ip}"
        + (f"; replaced login {replaced}" if replaced else ""),
        now,
    )
    notify_portal_event(
        session,
        guardian,
        event=PortalEvent.KEY_REDEEMED,
        detail=username,
        district=district,
        now=now,
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
    if key.status == KeyStatus.REDEEMED:
        login = session.get(PortalAccount, key.redeemed_by_account_id or 0)
        problem = (
            KeyAlreadyUsed,
            "This activation key has already been used to create a login; a key makes only "
            "one. If you did not create that login, another family member may have used "
            f"your key: {call}.",
            f"key …{key.last4} already used (login {login.username if login else '?'})",
        )
    elif key.status == KeyStatus.REVOKED:
        problem = (
            PortalRefusal,
            "This activation key was replaced by a newer one. Use the key in your most "
            f"recent email or letter, or {call}.",
            f"key …{key.last4} was revoked",
        )
    elif key.status == KeyStatus.EXPIRED or (key.expires_at is not None and key.expires_at <= now):
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
        portal_audit(
            session, AuditAction.KEY_REDEEMED, guardian.id, detail, now, outcome=AuditOutcome.DENIED
        )
        raise error(message)


def _new_login(account: PortalAccount, *, username: str, password_hash: str, now: datetime) -> None:
    """A fresh login on this row: a guardian has one account, so a key redeemed after
    "reset account" (or a reissue with a login) replaces the old login."""
    account.username, account.username_key = username, username_key(username)
    account.password_hash = password_hash
    account.status, account.failed_login_count = AccountStatus.ACTIVE, 0
    account.disabled_at = account.disabled_reason = None
    account.last_login_at = None
    account.created_at = now
    account.security_email = None
    account.security_email_verified = False
    account.security_email_verified_at = None

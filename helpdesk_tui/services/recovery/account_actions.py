"""Portal account recovery for a verified guardian: unlock, disable, send the
username, send a password-reset link, resend the security-email verification,
change the username, and reset the account to a new key.

Staff never see or set a password. Results go only to contacts on file, every action
notifies all addresses on file, and every action (refusals included) is audited.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from helpdesk_tui.data.search_index import reindex_guardian
from helpdesk_tui.data.tables import PortalAccount
from helpdesk_tui.services.accounts import (
    queue_link,
    queue_username,
    username_key,
    username_problem,
)
from helpdesk_tui.services.guardians import portal_refusal
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.kernel.masking import mask_email
from helpdesk_tui.services.mail import notify_all
from helpdesk_tui.services.recovery.keys import IssuedKey, issue_key
from helpdesk_tui.services.verification import require_pass, verification_summary
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, Delivery, TokenPurpose


class AccountError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What staff are told after an action: one line, and how many notices went out."""

    message: str
    notices: int


def _account(session: Session, guardian_id: int) -> PortalAccount | None:
    return session.exec(
        select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian_id)
    ).first()


class _Action:
    """The shape every recovery action shares: lock the guardian, check the pass, do
    the change, notify everyone on file, audit, in one transaction."""

    def __init__(
        self,
        session: Session,
        actor: StaffMember,
        guardian_id: int,
        action: AuditAction,
        now: datetime | None,
    ) -> None:
        self.session, self.actor, self.action = session, actor, action
        self.now = resolve_now(now)
        # The guardian first, before the pass check whose refusal writes an audit row
        # for this guardian (services/kernel/locks.py).
        lock_guardian(session, guardian_id)
        self.guardian, self.passed = require_pass(
            session, actor=actor, guardian_id=guardian_id, action=action, now=self.now
        )
        self.district = get_district(session)

    def deny(self, message: str) -> audit.ActionDenied:
        return audit.deny(
            self.session,
            actor=self.actor,
            action=self.action,
            guardian_id=self.guardian.id,
            message=message,
            now=self.now,
        )

    def account(self) -> PortalAccount:
        account = _account(self.session, self.guardian.id or 0)
        if account is None:
            raise AccountError(
                "This guardian has no portal account yet. Issue an activation key instead."
            )
        return account

    def verified_email(self) -> str:
        account = self.account()
        if not account.security_email or not account.security_email_verified:
            raise AccountError(
                "This guardian has no verified security email, so nothing can be sent for "
                "self-service. Resend the verification, or reset the account to a new key."
            )
        return account.security_email

    def done(self, message: str, *, reason: str = "", detail: str = "") -> ActionResult:
        notices = notify_all(
            self.session,
            guardian=self.guardian,
            action=self.action,
            district=self.district,
            now=self.now,
        )
        audit.record(
            self.session,
            actor=self.actor,
            action=self.action,
            guardian_id=self.guardian.id,
            verification_id=self.passed.id,
            verification=verification_summary(self.session, self.passed, self.actor),
            reason=reason,
            detail=detail or message,
            now=self.now,
        )
        return ActionResult(message, notices)


def unlock_account(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    reason: str = "",
    now: datetime | None = None,
) -> ActionResult:
    reason = audit.clean_reason(reason, required=False)
    act = _Action(session, actor, guardian_id, AuditAction.ACCOUNT_UNLOCKED, now)
    account = act.account()
    if account.status != AccountStatus.DISABLED:
        raise AccountError("This account is not disabled; there is nothing to unlock.")
    was = account.disabled_reason or "no reason recorded"
    account.status, account.failed_login_count = AccountStatus.ACTIVE, 0
    account.disabled_at = account.disabled_reason = None
    return act.done(
        f"Unlocked {account.username}; failed sign-ins reset to 0.",
        reason=reason,
        detail=f"was disabled: {was}",
    )


def disable_account(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    reason: str,
    now: datetime | None = None,
) -> ActionResult:
    """Disable a login (wrongly created with someone else's key, or suspected misuse)."""
    reason = audit.clean_reason(reason, required=True)
    act = _Action(session, actor, guardian_id, AuditAction.ACCOUNT_DISABLED, now)
    account = act.account()
    if account.status == AccountStatus.DISABLED:
        raise AccountError("This account is already disabled.")
    account.status, account.disabled_at = AccountStatus.DISABLED, act.now
    account.disabled_reason = f"disabled by helpdesk: {reason}"[:300]
    return act.done(f"Disabled {account.username}.", reason=reason)


def send_username(
    session: Session, *, actor: StaffMember, guardian_id: int, now: datetime | None = None
) -> ActionResult:
    act = _Action(session, actor, guardian_id, AuditAction.USERNAME_SENT, now)
    to = act.verified_email()
    queue_username(
        session,
        account=act.account(),
        guardian=act.guardian,
        district=act.district,
        to=to,
        now=act.now,
    )
    return act.done(f"Username sent to {mask_email(to)}.")


def _send_link(act: _Action, purpose: TokenPurpose, to: str) -> None:
    queue_link(
        act.session,
        account=act.account(),
        guardian=act.guardian,
        district=act.district,
        purpose=purpose,
        to=to,
        now=act.now,
    )


def send_password_reset(
    session: Session, *, actor: StaffMember, guardian_id: int, now: datetime | None = None
) -> ActionResult:
    act = _Action(session, actor, guardian_id, AuditAction.PASSWORD_RESET_SENT, now)
    to = act.verified_email()
    _send_link(act, TokenPurpose.RESET, to)
    return act.done(f"Password reset link sent to {mask_email(to)}.")


def resend_email_verification(
    session: Session, *, actor: StaffMember, guardian_id: int, now: datetime | None = None
) -> ActionResult:
    act = _Action(session, actor, guardian_id, AuditAction.VERIFICATION_RESENT, now)
    account = act.account()
    if not account.security_email:
        raise AccountError(
            "This account has no security email. The guardian adds one after signing in; "
            "changing contacts needs an in-person visit."
        )
    if account.security_email_verified:
        raise AccountError("The security email is already verified.")
    _send_link(act, TokenPurpose.VERIFY_EMAIL, account.security_email)
    return act.done(f"Verification link sent to {mask_email(account.security_email)}.")


def change_username(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    new_username: str,
    now: datetime | None = None,
) -> ActionResult:
    new_username = new_username.strip()
    problem = username_problem(new_username)
    if problem:
        raise AccountError(problem)
    act = _Action(session, actor, guardian_id, AuditAction.USERNAME_CHANGED, now)
    account = act.account()
    old = account.username
    if username_key(new_username) == account.username_key:
        if new_username == old:
            raise AccountError("That is already the username.")
    else:
        taken = session.exec(
            select(PortalAccount.id).where(
                col(PortalAccount.username_key) == username_key(new_username)
            )
        ).first()
        if taken is not None:
            raise act.deny("That username is taken. Ask the guardian for another one.")
    account.username, account.username_key = new_username, username_key(new_username)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Taken in the instant since the check, by another desk or the portal.
        raise act.deny("That username is taken. Ask the guardian for another one.") from None
    reindex_guardian(session, guardian_id)
    return act.done(
        f"Username changed from {old} to {new_username}.", detail=f"{old} -> {new_username}"
    )


def reset_account(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    delivery: Delivery,
    email_to: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> tuple[ActionResult, IssuedKey]:
    """For a guardian who cannot use self-service (no verified email): close the old
    login and issue a new key, so they create a fresh login with it."""
    reason = audit.clean_reason(reason, required=False)
    act = _Action(session, actor, guardian_id, AuditAction.ACCOUNT_RESET, now)
    refusal = portal_refusal(session, guardian_id)
    if refusal:
        raise act.deny(refusal)
    account = act.account()
    issued = issue_key(  # first: it may refuse, and nothing may have changed by then
        session,
        actor=actor,
        guardian=act.guardian,
        delivery=delivery,
        email_to=email_to,
        now=act.now,
        revoke_reason="account reset",
        action=act.action,
    )
    if account.status != AccountStatus.DISABLED:
        account.status, account.disabled_at = AccountStatus.DISABLED, act.now
    account.disabled_reason = "reset by helpdesk: a new key was issued"
    result = act.done(
        f"Closed {account.username} and issued key …{issued.last4}.",
        reason=reason,
        detail=f"login {account.username} closed; key …{issued.last4}",
    )
    return result, issued

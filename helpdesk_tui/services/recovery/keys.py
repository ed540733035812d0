"""Activation keys: reissue (revoke the unused one, create a new one, deliver it) and
the "my key was already used" check.

A key exists in clear only in the value this module returns, in the outbox until the
email is sent, and in a letter printed for the guardian. The database holds its
SHA-256 digest and last four characters.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from helpdesk_tui.data.key_codec import key_digest, key_last4, new_key
from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    PortalAccount,
)
from helpdesk_tui.services.guardians import portal_refusal
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.kernel.masking import mask_email
from helpdesk_tui.services.mail import addresses_on_file, notify_all, queue
from helpdesk_tui.services.texts import key_email, language_of
from helpdesk_tui.services.verification import require_pass, verification_summary
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, Delivery, KeyStatus


class AccountExists(DomainError):
    """The guardian already has a working login: a new key is rarely what they need."""


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: str = field(repr=False)  # shown once, never stored
    last4: str
    expires_at: datetime
    guardian_id: int
    guardian_name: str
    language: str
    mailing_address: tuple[str, ...]
    delivery: Delivery
    emailed_to: str | None
    revoked_previous: int
    notices: int


def issue_key(
    session: Session,
    *,
    actor: StaffMember,
    guardian: Guardian,
    delivery: Delivery,
    email_to: str | None,
    now: datetime,
    revoke_reason: str,
    action: AuditAction,
    district: DistrictInfo | None = None,
) -> IssuedKey:
    """Revoke the unused key and create a new one, queueing the email if asked.
    The caller has checked permission, verification and eligibility, and locked the
    guardian, and has changed nothing yet: an address not on file is a refusal whose
    audit row is committed (someone may be trying to divert the key). ``district``:
    the settings as read once for a batch's group (read here otherwise)."""
    district = district or get_district(session)
    address = None
    if delivery == Delivery.EMAIL:
        on_file = {a.casefold(): a for a in addresses_on_file(session, guardian)}
        address = on_file.get((email_to or "").strip().casefold())
        if address is None:
            raise audit.deny(
                session,
                actor=actor,
                action=action,
                guardian_id=guardian.id,
                message="Keys are emailed only to an address already on file; pick one of "
                "the guardian's addresses, or print a letter instead.",
                now=now,
            )
    elif delivery != Delivery.LETTER:
        raise DomainError("Deliver the key by email or as a printed letter.")
    revoked = session.exec(
        update(ActivationKey)
        .where(
            col(ActivationKey.guardian_id) == guardian.id,
            col(ActivationKey.status) == KeyStatus.ACTIVE,
        )
        .values(
            status=KeyStatus.REVOKED,
            revoked_at=now,
            revoked_by_staff_id=actor.id,
            revoke_reason=revoke_reason,
        )
    ).rowcount
    key = new_key()
    expires = now + timedelta(days=district.key_valid_days)
    session.add(
        ActivationKey(
            guardian_id=guardian.id or 0,
            digest=key_digest(key),
            last4=key_last4(key),
            status=KeyStatus.ACTIVE,
            issued_at=now,
            issued_by_staff_id=actor.id,
            expires_at=expires,
        )
    )
    lang = language_of(guardian.preferred_language)
    name = f"{guardian.first_name} {guardian.last_name}"
    if address is not None:
        queue(
            session,
            kind="activation_key",
            to=address,
            letter=key_email(
                lang,
                name=name,
                district=district.name,
                portal_url=district.portal_url,
                expires=expires.astimezone(district.zone).strftime("%Y-%m-%d"),
                phone=district.helpdesk_phone,
            ),
            now=now,
            guardian_id=guardian.id,
            secret=key,
        )
    return IssuedKey(
        key=key,
        last4=key_last4(key),
        expires_at=expires.astimezone(district.zone),
        guardian_id=guardian.id or 0,
        guardian_name=name,
        language=lang,
        mailing_address=tuple(
            p
            for p in (
                name,
                guardian.address_line,
                " ".join(
                    x
                    for x in (
                        guardian.city and guardian.city + ",",
                        guardian.state,
                        guardian.postal_code,
                    )
                    if x
                ),
            )
            if p
        ),
        delivery=delivery,
        emailed_to=mask_email(address) if address else None,
        revoked_previous=revoked,
        notices=0,
    )


def reissue_activation_key(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    delivery: Delivery,
    email_to: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> IssuedKey:
    """Give a verified guardian a new key. With a working login already, this raises
    AccountExists unless ``reason`` says why a new key is still right."""
    now = resolve_now(now)
    action = AuditAction.KEY_REISSUED
    lock_guardian(session, guardian_id)  # first of all: services/kernel/locks.py
    guardian, passed = require_pass(
        session, actor=actor, guardian_id=guardian_id, action=action, now=now
    )
    refusal = portal_refusal(session, guardian_id)
    if refusal:
        raise audit.deny(
            session, actor=actor, action=action, guardian_id=guardian_id, message=refusal, now=now
        )
    account = session.exec(
        select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian_id)
    ).first()
    reason = reason.strip()[:300]
    if account is not None and account.status == AccountStatus.ACTIVE and not reason:
        raise AccountExists(
            f"This guardian already has an active login ({account.username}). A new key "
            "cannot make a second one: unlocking or sending the username is usually what "
            "is needed. To issue a key anyway, give the reason."
        )
    issued = issue_key(
        session,
        actor=actor,
        guardian=guardian,
        delivery=delivery,
        email_to=email_to,
        now=now,
        revoke_reason="replaced by a new key",
        action=action,
    )
    notices = notify_all(
        session, guardian=guardian, action=action, district=get_district(session), now=now
    )
    audit.record(
        session,
        actor=actor,
        action=action,
        guardian_id=guardian_id,
        verification_id=passed.id,
        verification=verification_summary(session, passed, actor),
        reason=reason,
        detail=_delivery_detail(issued),
        now=now,
    )
    return _with_notices(issued, notices)


def _delivery_detail(issued: IssuedKey) -> str:
    how = f"emailed to {issued.emailed_to}" if issued.emailed_to else "printed letter"
    revoked = f"; {issued.revoked_previous} unused key revoked" if issued.revoked_previous else ""
    return f"key …{issued.last4}, {how}{revoked}"


def _with_notices(issued: IssuedKey, notices: int) -> IssuedKey:
    return replace(issued, notices=notices)

"""Activation keys: reissue (revoke the unused one, create a new one, deliver it) and
the "my key was already used" check.

A key exists in clear only in the value this module returns, in the outbox until the
email is sent, and in a letter printed for the guardian. The database holds its
SHA-256 digest and last four characters.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select, update

from helpdesk_tui.data.key_codec import canonical_hex, key_digest, key_last4, new_key
from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    GuardianStudent,
    PortalAccount,
    Staff,
    Student,
)
from helpdesk_tui.services import audit
from helpdesk_tui.services.district import get_district
from helpdesk_tui.services.errors import DomainError, NotFound
from helpdesk_tui.services.guardian_texts import key_email, language_of
from helpdesk_tui.services.outbox import addresses_on_file, mask_email, notify_all, queue
from helpdesk_tui.services.permissions import require_visible_guardian
from helpdesk_tui.services.staff import StaffMember
from helpdesk_tui.services.verification import (
    require_pass,
    resolve_now,
    verification_summary,
)

DELIVERIES = ("email", "letter")


class AccountExists(DomainError):
    """The guardian already has a working login: a new key is rarely what they need."""


class InvalidKey(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: str = field(repr=False)  # shown once, never stored
    last4: str
    expires_at: datetime
    guardian_id: int
    guardian_name: str
    language: str
    mailing_address: tuple[str, ...]
    delivery: str
    emailed_to: str | None
    revoked_previous: int
    notices: int


def lock_guardian(session: Session, guardian_id: int) -> None:
    """Serialize actions on one guardian. PostgreSQL: a row lock; SQLite's writer
    transactions (BEGIN IMMEDIATE) are already one at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(Guardian.id).where(col(Guardian.id) == guardian_id).with_for_update())


def portal_refusal(session: Session, guardian_id: int) -> str | None:
    """Why no portal action may be taken for this guardian, or None."""
    rows = session.exec(
        select(GuardianStudent, Student)
        .join(Student, col(Student.id) == col(GuardianStudent.student_id))
        .where(col(GuardianStudent.guardian_id) == guardian_id)
    ).all()
    if any(link.restricted for link, _ in rows):
        return (
            "A relationship of this guardian is RESTRICTED (custody or court order). "
            "No portal action until a supervisor reviews and clears it."
        )
    if not any(
        link.portal_access and s.active and (s.enrolled_this_year or s.enrolled_next_year)
        for link, s in rows
    ):
        return (
            "This guardian has no portal rights to a student enrolled this year or next, "
            "so a key would open nothing. Check the relationship with the school office."
        )
    return None


def issue_key(
    session: Session,
    *,
    actor: StaffMember,
    guardian: Guardian,
    delivery: str,
    email_to: str | None,
    now: datetime,
    revoke_reason: str,
    action: str,
) -> IssuedKey:
    """Revoke the unused key and create a new one, queueing the email if asked.
    The caller has checked permission, verification and eligibility, and locked the
    guardian, and has changed nothing yet: an address not on file is a refusal whose
    audit row is committed (someone may be trying to divert the key)."""
    district = get_district(session)
    address = None
    if delivery == "email":
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
    elif delivery != "letter":
        raise DomainError("Deliver the key by email or as a printed letter.")
    revoked = session.exec(
        update(ActivationKey)
        .where(col(ActivationKey.guardian_id) == guardian.id, col(ActivationKey.status) == "active")
        .values(
            status="revoked",
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
            status="active",
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
    delivery: str,
    email_to: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> IssuedKey:
    """Give a verified guardian a new key. With a working login already, this raises
    AccountExists unless ``reason`` says why a new key is still right."""
    now = resolve_now(now)
    action = "key_reissued"
    guardian, passed = require_pass(
        session, actor=actor, guardian_id=guardian_id, action=action, now=now
    )
    lock_guardian(session, guardian_id)
    refusal = portal_refusal(session, guardian_id)
    if refusal:
        raise audit.deny(
            session, actor=actor, action=action, guardian_id=guardian_id, message=refusal, now=now
        )
    account = session.exec(
        select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian_id)
    ).first()
    reason = reason.strip()[:300]
    if account is not None and account.status == "active" and not reason:
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


@dataclass(frozen=True, slots=True)
class KeyCheck:
    last4: str
    status: str
    guardian_id: int
    guardian_name: str
    issued_at: datetime
    issued_by: str
    expires_at: datetime | None
    redeemed_at: datetime | None
    account_username: str | None
    account_status: str | None
    account_guardian_id: int | None
    account_guardian_name: str | None
    revoked_at: datetime | None
    revoke_reason: str | None


def check_key(
    session: Session, *, actor: StaffMember, key_text: str, now: datetime | None = None
) -> KeyCheck:
    """Whose key a parent is reading out, in any format, and what became of it."""
    now = resolve_now(now)
    if len(key_text) > 200 or canonical_hex(key_text) is None:
        raise InvalidKey(
            "That is not an activation key: a key has 32 characters, digits 0-9 and letters "
            "A-F, often printed as {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}. Ask the caller to "
            "read it again group by group."
        )
    issuer = aliased(Staff)
    owner = aliased(Guardian)
    row = session.exec(
        select(ActivationKey, owner, issuer.full_name)
        .join(owner, col(owner.id) == col(ActivationKey.guardian_id))
        .join(issuer, col(issuer.id) == col(ActivationKey.issued_by_staff_id), isouter=True)
        .where(col(ActivationKey.digest) == key_digest(key_text))
    ).first()
    if row is None:
        raise NotFound(
            "No key with those characters was ever issued here. Read it back to the caller "
            "group by group; if it still does not match, it is not this district's key."
        )
    key, guardian, issued_by = row
    require_visible_guardian(
        session,
        actor=actor,
        guardian_id=guardian.id or 0,
        action="key_checked",
        message="This key belongs to a family with no student at your school; refer the "
        "caller to the district helpdesk.",
        now=now,
    )
    account = (
        session.get(PortalAccount, key.redeemed_by_account_id)
        if key.redeemed_by_account_id
        else None
    )
    account_owner = (
        session.get(Guardian, account.guardian_id) if account and account.guardian_id else None
    )
    district = get_district(session)
    audit.record(
        session,
        actor=actor,
        action="key_checked",
        guardian_id=guardian.id,
        detail=f"key …{key.last4} ({key.status})",
        now=now,
    )
    local = district.local
    return KeyCheck(
        last4=key.last4,
        status=key.status,
        guardian_id=guardian.id or 0,
        guardian_name=f"{guardian.first_name} {guardian.last_name}",
        issued_at=key.issued_at.astimezone(district.zone),
        issued_by=issued_by or "district import",
        expires_at=local(key.expires_at),
        redeemed_at=local(key.redeemed_at),
        account_username=account.username if account else None,
        account_status=account.status if account else None,
        account_guardian_id=account_owner.id if account_owner else None,
        account_guardian_name=(
            f"{account_owner.first_name} {account_owner.last_name}" if account_owner else None
        ),
        revoked_at=local(key.revoked_at),
        revoke_reason=key.revoke_reason,
    )

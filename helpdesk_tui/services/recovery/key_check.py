""" "My key was already used": whose key a parent reads out, what became of it and
which login redeemed it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from helpdesk_tui.data.key_codec import canonical_hex, key_digest
from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    PortalAccount,
    Staff,
)
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.errors import DomainError, NotFound
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.kernel.permissions import require_visible_guardian
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, KeyStatus


class InvalidKey(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class KeyCheck:
    last4: str
    status: KeyStatus
    guardian_id: int
    guardian_name: str
    issued_at: datetime
    issued_by: str
    expires_at: datetime | None
    redeemed_at: datetime | None
    account_username: str | None
    account_status: AccountStatus | None
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
    # The check writes an audit row for the key's guardian: that guardian first.
    lock_guardian(session, guardian.id or 0)
    require_visible_guardian(
        session,
        actor=actor,
        guardian_id=guardian.id or 0,
        action=AuditAction.KEY_CHECKED,
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
        action=AuditAction.KEY_CHECKED,
        guardian_id=guardian.id,
        detail=f"key …{key.last4} ({key.status})",
        now=now,
    )
    local = district.local
    return KeyCheck(
        last4=key.last4,
        status=KeyStatus(key.status),
        guardian_id=guardian.id or 0,
        guardian_name=f"{guardian.first_name} {guardian.last_name}",
        issued_at=key.issued_at.astimezone(district.zone),
        issued_by=issued_by or "district import",
        expires_at=local(key.expires_at),
        redeemed_at=local(key.redeemed_at),
        account_username=account.username if account else None,
        account_status=AccountStatus(account.status) if account else None,
        account_guardian_id=account_owner.id if account_owner else None,
        account_guardian_name=(
            f"{account_owner.first_name} {account_owner.last_name}" if account_owner else None
        ),
        revoked_at=local(key.revoked_at),
        revoke_reason=key.revoke_reason,
    )

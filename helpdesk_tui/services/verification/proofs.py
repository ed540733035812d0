"""Proofs of identity for a verification in progress: a one-time code emailed to an
address on file and read back, a callback to a number on file, or in person a photo ID
compared and the request form signed. Only what was proven is kept, never a code in
clear or an ID number."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from helpdesk_tui.data.passwords import hash_password, verify_password
from helpdesk_tui.data.tables import Guardian, VerificationCode
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.masking import mask_email
from helpdesk_tui.services.mail import addresses_on_file, queue
from helpdesk_tui.services.texts import code_email, language_of
from helpdesk_tui.services.verification.checklist import (
    VerificationError,
    VerificationView,
    allowed_proofs,
    open_verification,
    set_proof,
    view_of,
)
from helpdesk_tui.vocabulary import AuditAction, Proof, VerificationMethod

CODE_MINUTES = 10
CODE_TRIES = 5
ID_TYPES = ("driver's license", "state ID card", "passport", "consular ID", "military ID")


def send_code(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    to: str,
    now: datetime | None = None,
) -> str:
    """Email a fresh 6-digit code to an address already on file; returns where it
    went (masked). The caller reads it back to ``confirm_code``."""
    now = resolve_now(now)
    v = open_verification(session, actor, verification_id)
    if Proof.EMAIL_CODE not in allowed_proofs(get_district(session), actor):
        raise VerificationError(
            "An emailed code is not an accepted proof for you; use the in-person check."
        )
    guardian = session.get(Guardian, v.guardian_id)
    assert guardian is not None
    on_file = {a.casefold(): a for a in addresses_on_file(session, guardian)}
    address = on_file.get(to.strip().casefold())
    if address is None:
        raise audit.deny(
            session,
            actor=actor,
            action=AuditAction.VERIFICATION_CODE_SENT,
            guardian_id=guardian.id,
            message="Codes go only to an email already on file. Pick one of the guardian's "
            "addresses; never one the caller dictates.",
            now=now,
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        VerificationCode(
            verification_id=v.id or 0,
            code_hash=hash_password(code),
            sent_to=address,
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    )
    district = get_district(session)
    queue(
        session,
        kind="verification_code",
        to=address,
        letter=code_email(
            language_of(guardian.preferred_language),
            name=f"{guardian.first_name} {guardian.last_name}",
            district=district.name,
            minutes=CODE_MINUTES,
        ),
        now=now,
        guardian_id=guardian.id,
        secret=code,
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.VERIFICATION_CODE_SENT,
        guardian_id=guardian.id,
        verification_id=v.id,
        detail=f"to {mask_email(address)}",
        now=now,
    )
    return mask_email(address)


@dataclass(frozen=True, slots=True)
class CodeCheck:
    confirmed: bool
    message: str


def confirm_code(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    code: str,
    now: datetime | None = None,
) -> CodeCheck:
    """Check the code the caller reads back (spaces and dashes ignored). A wrong code
    uses one of the five tries; the result is returned, not raised, so the count of
    tries is committed."""
    now = resolve_now(now)
    v = open_verification(session, actor, verification_id)
    sent = session.exec(
        select(VerificationCode)
        .where(col(VerificationCode.verification_id) == v.id)
        .order_by(col(VerificationCode.id).desc())
        .limit(1)
    ).first()
    if sent is None:
        return CodeCheck(False, "No code has been sent yet; send one to an address on file.")
    if sent.confirmed_at is not None:
        return CodeCheck(True, "The code was already confirmed.")
    if sent.expires_at <= now:
        return CodeCheck(False, f"The code expired after {CODE_MINUTES} minutes; send a new one.")
    if sent.tries >= CODE_TRIES:
        return CodeCheck(False, f"All {CODE_TRIES} tries are used; send a new code.")
    digits = "".join(ch for ch in code if ch.isdigit())
    sent.tries += 1
    if len(digits) != 6 or not verify_password(sent.code_hash, digits):
        left = CODE_TRIES - sent.tries
        return CodeCheck(
            False,
            f"That code does not match. {left} {'try' if left == 1 else 'tries'} left."
            if left
            else "That code does not match, and no tries are left; send a new code.",
        )
    sent.confirmed_at = now
    set_proof(v, Proof.EMAIL_CODE, mask_email(sent.sent_to))
    return CodeCheck(True, "Code confirmed.")


def record_callback(
    session: Session, *, actor: StaffMember, verification_id: int, phone: str
) -> VerificationView:
    """The agent hung up and called back a number on file, and the guardian answered."""
    v = open_verification(session, actor, verification_id)
    district = get_district(session)
    if Proof.CALLBACK not in allowed_proofs(district, actor):
        raise VerificationError("A callback is not an accepted proof for you.")
    guardian = session.get(Guardian, v.guardian_id)
    assert guardian is not None
    on_file = [p for p in (guardian.mobile_phone, guardian.home_phone, guardian.work_phone) if p]
    if phone not in on_file:
        raise VerificationError("Call back only a number already on file; pick one of them.")
    set_proof(v, Proof.CALLBACK, "number on file")
    return view_of(v, district, actor)


def record_in_person(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    id_type: str,
    id_matched: bool,
    form_signed: bool,
) -> VerificationView:
    """The clerk compared a photo ID with the person and saw the form signed. Only
    the ID's type is kept, never its number."""
    v = open_verification(session, actor, verification_id)
    district = get_district(session)
    if v.method != VerificationMethod.IN_PERSON:
        raise VerificationError("A photo ID can only be checked when the guardian is in person.")
    if id_type not in ID_TYPES:
        raise VerificationError(f"Choose the kind of ID shown: {', '.join(ID_TYPES)}.")
    if id_matched and form_signed:
        set_proof(v, Proof.PHOTO_ID, id_type)
    else:
        # A mismatched ID fails the verification whatever else was answered.
        set_proof(v, "photo_id_refused", id_type)
    return view_of(v, district, actor)

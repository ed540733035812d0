"""Proofs of identity other than the emailed code (codes.py): a callback to a number on
file, or in person a photo ID compared and the request form signed. Only what was
proven is kept, never an ID number."""

from datetime import datetime

from sqlmodel import Session

from helpdesk_tui.data.tables import Guardian, Verification
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.masking import mask_phone
from helpdesk_tui.services.verification.checklist import (
    VerificationError,
    VerificationView,
    require_proof_allowed,
    set_proof,
    view_of,
)
from helpdesk_tui.services.verification.contacts import phone_on_file
from helpdesk_tui.services.verification.lifecycle import open_verification
from helpdesk_tui.vocabulary import PHOTO_ID_REFUSED, AuditAction, Proof, VerificationMethod

ID_TYPES = ("driver's license", "state ID card", "passport", "consular ID", "military ID")

_ONLY_ON_FILE = "Call back only a number already on file; pick one of them."


def _callback_number(
    session: Session, actor: StaffMember, verification_id: int, phone: str, now: datetime
) -> tuple[Verification, str, str]:
    v = open_verification(session, actor, verification_id, now)
    require_proof_allowed(session, actor, v, Proof.CALLBACK, now)
    guardian = session.get(Guardian, v.guardian_id)
    assert guardian is not None
    found = phone_on_file(guardian, phone)
    if found is None:
        raise VerificationError(_ONLY_ON_FILE)
    return v, *found


def dial_callback(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    phone: str,
    now: datetime | None = None,
) -> str:
    """The number to call back, named by its place in the record ("mobile", "home",
    "work"): the agent hangs up and dials it. Seeing it is a reveal, so it is audited
    (contact details revealed, with the verification)."""
    now = resolve_now(now)
    v, place, number = _callback_number(session, actor, verification_id, phone, now)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CONTACT_REVEALED,
        guardian_id=v.guardian_id,
        verification_id=verification_id,
        reason="to call the guardian back for verification",
        detail=f"{place} number ({mask_phone(number)})",
        now=now,
    )
    return number


def record_callback(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    phone: str,
    now: datetime | None = None,
) -> VerificationView:
    """The agent hung up and called back a number on file (its place, or the number),
    and the guardian answered."""
    v, _place, _number = _callback_number(session, actor, verification_id, phone, resolve_now(now))
    set_proof(v, Proof.CALLBACK, "number on file")
    return view_of(v, get_district(session), actor)


def record_in_person(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    id_type: str,
    id_matched: bool,
    form_signed: bool,
    now: datetime | None = None,
) -> VerificationView:
    """The clerk compared a photo ID with the person and saw the form signed. Only
    the ID's type is kept, never its number. A mismatched ID fails the verification
    whatever else was answered."""
    v = open_verification(session, actor, verification_id, resolve_now(now))
    if v.method != VerificationMethod.IN_PERSON:
        raise VerificationError("A photo ID can only be checked when the guardian is in person.")
    if id_type not in ID_TYPES:
        raise VerificationError(f"Choose the kind of ID shown: {', '.join(ID_TYPES)}.")
    set_proof(v, Proof.PHOTO_ID if id_matched and form_signed else PHOTO_ID_REFUSED, id_type)
    return view_of(v, get_district(session), actor)

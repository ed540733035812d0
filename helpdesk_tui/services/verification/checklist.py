"""Proving who the caller is (DESIGN.md section 2).

Screening answers (address, a birth date, school and grade, a phone, another
guardian's name) are compared with the record but are not proof. A pass also needs a
proof the district's policy accepts: a code emailed to an address on file and read
back, a callback to a number on file, or, in person, a photo ID and a signed form.
Only which items were checked and their results are kept. A pass lets the same staff
member act for that guardian for ``verify_pass_minutes``.

Any wrong screening answer or failed proof makes the verification a failure however
it ends (lifecycle.py), and repeated failures block the guardian until a supervisor
clears it (blocks.py).

This module holds the verification's read model and the checks every step shares;
lifecycle.py starts and ends verifications, answers.py checks screening answers,
codes.py and proofs.py record proofs.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import (
    Guardian,
    Verification,
    VerificationBlock,
)
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.kernel.errors import DomainError, NotFound, NotPermitted
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.kernel.permissions import (
    NOT_YOUR_SCHOOL,
    may_see_guardian,
    require_visible_guardian,
)
from helpdesk_tui.services.verification.screening import SCREENING_ITEMS
from helpdesk_tui.vocabulary import (
    PHOTO_ID_REFUSED,
    AuditAction,
    Proof,
    ScreeningResult,
    VerificationMethod,
    VerificationOutcome,
)

FAILURE_WINDOW = timedelta(hours=24)
# Kept among the proofs when a code is read back wrong: a failed proof, unless a code
# is confirmed later in the same verification (then it was a slip of the tongue).
CODE_WRONG = "email_code_wrong"


class VerificationError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class VerificationView:
    id: int
    guardian_id: int
    method: VerificationMethod
    outcome: VerificationOutcome
    screening: dict[str, str]
    proofs: dict[str, str]
    valid_until: datetime | None
    screening_required: int
    allowed_proofs: tuple[str, ...]

    @property
    def matches(self) -> int:
        return sum(1 for r in self.screening.values() if r == ScreeningResult.MATCH)

    @property
    def failures(self) -> tuple[str, ...]:
        """What went wrong so far, in words: a screening answer that did not match, a
        refused photo ID, a wrong code never followed by a right one. Any of them makes
        the verification a failure however it ends."""
        found = [
            f"{_lower_first(SCREENING_ITEMS.get(item, item))} did not match"
            for item, result in sorted(self.screening.items())
            if result == ScreeningResult.NO_MATCH
        ]
        if PHOTO_ID_REFUSED in self.proofs:
            found.append("the photo ID did not match or the form was not signed")
        if CODE_WRONG in self.proofs and Proof.EMAIL_CODE not in self.proofs:
            found.append("a wrong code was read back")
        return tuple(found)

    @property
    def ready(self) -> bool:
        """Enough screening matches, an accepted proof and nothing failed: finishing
        will pass."""
        return (
            self.matches >= self.screening_required
            and any(p in self.allowed_proofs for p in self.proofs)
            and not self.failures
        )

    @property
    def summary(self) -> str:
        """What an audit row says about this verification: method, proofs, and how
        many screening items matched; never the answers."""
        proofs = ", ".join(Proof.label_of(p) for p in self.proofs) or "no proof"
        screening = (
            f"screening {self.matches}/{len(self.screening)} matched"
            if self.screening or self.screening_required
            else "no screening needed"
        )
        return f"{self.method.label}; {proofs}; {screening}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def view_of(v: Verification, district: DistrictInfo, actor: StaffMember) -> VerificationView:
    """In person the proof is the photo ID (a code or a callback is a remote proof, for
    a remote method). Once the photo ID was compared and the form signed in front of
    the clerk, that is the identity check: knowledge questions add nothing anyone with
    the family's details could not answer, so none are required then (a wrong one
    given still fails the verification)."""
    proofs_allowed = allowed_proofs(district, actor)
    in_person = v.method == VerificationMethod.IN_PERSON
    face_to_face = in_person and Proof.PHOTO_ID in json.loads(v.proofs)
    return VerificationView(
        id=v.id or 0,
        guardian_id=v.guardian_id,
        method=VerificationMethod(v.method),
        outcome=VerificationOutcome(v.outcome),
        screening=json.loads(v.screening),
        proofs=json.loads(v.proofs),
        valid_until=v.valid_until,
        screening_required=0 if face_to_face else district.verify_screening_required,
        allowed_proofs=tuple(p for p in proofs_allowed if p == Proof.PHOTO_ID)
        if in_person
        else proofs_allowed,
    )


def allowed_proofs(district: DistrictInfo, actor: StaffMember) -> tuple[str, ...]:
    """Clerks prove identity only in person; everyone else by what the policy accepts."""
    if actor.is_clerk:
        return (Proof.PHOTO_ID,) if Proof.PHOTO_ID in district.verify_proofs else ()
    return district.verify_proofs


def open_block(session: Session, guardian_id: int) -> VerificationBlock | None:
    return session.exec(
        select(VerificationBlock)
        .where(
            col(VerificationBlock.guardian_id) == guardian_id,
            col(VerificationBlock.cleared_at).is_(None),
        )
        .limit(1)
    ).first()


def guardian_for(
    session: Session, actor: StaffMember, guardian_id: int, action: AuditAction, now: datetime
) -> Guardian:
    guardian = session.get(Guardian, guardian_id)
    if guardian is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database; search again.")
    require_visible_guardian(session, actor=actor, guardian_id=guardian_id, action=action, now=now)
    return guardian


def mine(session: Session, actor: StaffMember, verification_id: int, now: datetime) -> Verification:
    """The actor's own verification (any outcome), for a guardian the actor may still
    see (a clerk's family may have left the school since); nobody else's."""
    v = session.get(Verification, verification_id)
    if v is None or v.staff_id != actor.id:
        raise NotFound("That verification is not yours or no longer exists; start a new one.")
    if not may_see_guardian(session, actor=actor, guardian_id=v.guardian_id):
        lock_guardian(session, v.guardian_id)  # the lock order: the guardian, then its audit row
        raise audit.deny(
            session,
            actor=actor,
            action=AuditAction.VERIFICATION,
            guardian_id=v.guardian_id,
            message=NOT_YOUR_SCHOOL,
            now=now,
        )
    return v


def require_proof_allowed(
    session: Session, actor: StaffMember, v: Verification, proof: Proof, now: datetime
) -> None:
    """A clerk asking for a proof other than the photo ID is refused (and audited);
    anyone asking for one the district's policy does not accept is told so."""
    if actor.is_clerk and proof != Proof.PHOTO_ID:
        raise audit.deny(
            session,
            actor=actor,
            action=AuditAction.VERIFICATION,
            guardian_id=v.guardian_id,
            message="Clerks prove identity in person only, with a photo ID and the signed form.",
            now=now,
        )
    if proof not in allowed_proofs(get_district(session), actor):
        raise VerificationError(
            f"A {Proof(proof).label} is not an accepted proof here; use another one."
        )


def get_verification(
    session: Session, *, actor: StaffMember, verification_id: int, now: datetime | None = None
) -> VerificationView:
    v = mine(session, actor, verification_id, resolve_now(now))
    return view_of(v, get_district(session), actor)


def set_item(v: Verification, item: str, result: str) -> None:
    items = json.loads(v.screening)
    items[item] = result
    v.screening = json.dumps(items, sort_keys=True)


def set_proof(v: Verification, proof: str, detail: str) -> None:
    proofs = json.loads(v.proofs)
    proofs[proof] = detail
    v.proofs = json.dumps(proofs, sort_keys=True)


def current_pass(
    session: Session, *, actor: StaffMember, guardian_id: int, now: datetime | None = None
) -> Verification | None:
    """This staff member's unexpired pass for this guardian, if any."""
    now = resolve_now(now)
    return session.exec(
        select(Verification)
        .where(
            col(Verification.guardian_id) == guardian_id,
            col(Verification.staff_id) == actor.id,
            col(Verification.outcome) == VerificationOutcome.PASSED,
            col(Verification.valid_until) > now,
        )
        .order_by(col(Verification.id).desc())
        .limit(1)
    ).first()


def require_pass(
    session: Session, *, actor: StaffMember, guardian_id: int, action: AuditAction, now: datetime
) -> tuple[Guardian, Verification]:
    """The guardian and the pass that allows ``action``; otherwise a committed
    "denied" audit row and ActionDenied."""
    guardian = guardian_for(session, actor, guardian_id, action, now)
    passed = current_pass(session, actor=actor, guardian_id=guardian_id, now=now)
    if passed is None:
        raise audit.deny(
            session,
            actor=actor,
            action=action,
            guardian_id=guardian_id,
            message="Verify the caller first: this needs a passed verification by you, "
            "for this guardian, in the last "
            f"{get_district(session).verify_pass_minutes} minutes.",
            now=now,
        )
    if actor.is_clerk and passed.method != VerificationMethod.IN_PERSON:
        raise NotPermitted("Clerks act only on an in-person verification.")
    return guardian, passed


def verification_summary(session: Session, v: Verification, actor: StaffMember) -> str:
    return view_of(v, get_district(session), actor).summary

"""Proving who the caller is (DESIGN.md section 2).

Screening answers (address, a birth date, school and grade, a phone, another
guardian's name) are compared with the record but are not proof. A pass also needs a
proof the district's policy accepts: a code emailed to an address on file and read
back, a callback to a number on file, or, in person, a photo ID and a signed form.
Only which items were checked and their results are kept. A pass lets the same staff
member act for that guardian for ``verify_pass_minutes``; repeated failures block the
guardian until a supervisor clears it.

This module holds the verification itself; answers are checked in
verification_answers.py and proofs recorded in verification_proofs.py.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
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
from helpdesk_tui.services.kernel.permissions import require_visible_guardian
from helpdesk_tui.vocabulary import (
    PHOTO_ID_REFUSED,
    AuditAction,
    Proof,
    ScreeningResult,
    VerificationMethod,
    VerificationOutcome,
)

FAILURE_WINDOW = timedelta(hours=24)


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
    def ready(self) -> bool:
        """Enough screening matches and an accepted proof: finishing will pass."""
        return self.matches >= self.screening_required and any(
            p in self.allowed_proofs for p in self.proofs
        )

    @property
    def summary(self) -> str:
        """What an audit row says about this verification: method, proofs, and how
        many screening items matched; never the answers."""
        proofs = ", ".join(self.proofs) or "no proof"
        return (
            f"{self.method.label}; {proofs}; screening {self.matches}/{len(self.screening)} matched"
        )


def view_of(v: Verification, district: DistrictInfo, actor: StaffMember) -> VerificationView:
    return VerificationView(
        id=v.id or 0,
        guardian_id=v.guardian_id,
        method=VerificationMethod(v.method),
        outcome=VerificationOutcome(v.outcome),
        screening=json.loads(v.screening),
        proofs=json.loads(v.proofs),
        valid_until=v.valid_until,
        screening_required=district.verify_screening_required,
        allowed_proofs=allowed_proofs(district, actor),
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


def _guardian_for(
    session: Session, actor: StaffMember, guardian_id: int, action: AuditAction, now: datetime
) -> Guardian:
    guardian = session.get(Guardian, guardian_id)
    if guardian is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database; search again.")
    require_visible_guardian(session, actor=actor, guardian_id=guardian_id, action=action, now=now)
    return guardian


def start_verification(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    method: VerificationMethod,
    now: datetime | None = None,
) -> VerificationView:
    now = resolve_now(now)
    if not VerificationMethod.has(method):
        raise VerificationError(
            f"Choose how the caller reached you: {', '.join(m.label for m in VerificationMethod)}."
        )
    _guardian_for(session, actor, guardian_id, AuditAction.VERIFICATION, now)
    if actor.is_clerk and method != VerificationMethod.IN_PERSON:
        raise audit.deny(
            session,
            actor=actor,
            action=AuditAction.VERIFICATION,
            guardian_id=guardian_id,
            message="Clerks verify guardians in person only, with a photo ID and the signed form.",
            now=now,
        )
    if open_block(session, guardian_id) is not None:
        raise audit.deny(
            session,
            actor=actor,
            action=AuditAction.VERIFICATION,
            guardian_id=guardian_id,
            message="Verification is blocked for this guardian after repeated failures. "
            "A supervisor must review and clear it before anyone can try again.",
            now=now,
        )
    for stale in session.exec(
        select(Verification).where(
            col(Verification.guardian_id) == guardian_id,
            col(Verification.staff_id) == actor.id,
            col(Verification.outcome) == VerificationOutcome.OPEN,
        )
    ).all():
        stale.outcome, stale.finished_at = VerificationOutcome.ABANDONED, now
    v = Verification(guardian_id=guardian_id, staff_id=actor.id, method=method, started_at=now)
    session.add(v)
    session.flush()
    return view_of(v, get_district(session), actor)


def _mine(
    session: Session, actor: StaffMember, verification_id: int, *, lock: bool
) -> Verification:
    query = select(Verification).where(col(Verification.id) == verification_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    v = session.exec(query).first()
    if v is None or v.staff_id != actor.id:
        raise NotFound("That verification is not yours or no longer exists; start a new one.")
    return v


def open_verification(
    session: Session, actor: StaffMember, verification_id: int, *, lock: bool = True
) -> Verification:
    v = _mine(session, actor, verification_id, lock=lock)
    if v.outcome != VerificationOutcome.OPEN:
        raise VerificationError(f"This verification has already {v.outcome}; start a new one.")
    return v


def get_verification(
    session: Session, *, actor: StaffMember, verification_id: int
) -> VerificationView:
    return view_of(_mine(session, actor, verification_id, lock=False), get_district(session), actor)


def set_item(v: Verification, item: str, result: str) -> None:
    items = json.loads(v.screening)
    items[item] = result
    v.screening = json.dumps(items, sort_keys=True)


def set_proof(v: Verification, proof: str, detail: str) -> None:
    proofs = json.loads(v.proofs)
    proofs[proof] = detail
    v.proofs = json.dumps(proofs, sort_keys=True)


def finish_verification(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    now: datetime | None = None,
) -> VerificationView:
    """Passed when enough screening items matched and an accepted proof was given;
    failed otherwise. Failures in the last 24 hours beyond the limit block the guardian."""
    now = resolve_now(now)
    v = open_verification(session, actor, verification_id)
    district = get_district(session)
    view = view_of(v, district, actor)
    passed = view.ready and PHOTO_ID_REFUSED not in view.proofs
    v.outcome = VerificationOutcome.PASSED if passed else VerificationOutcome.FAILED
    v.finished_at = now
    if passed:
        v.valid_until = now + timedelta(minutes=district.verify_pass_minutes)
    view = view_of(v, district, actor)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.VERIFICATION,
        guardian_id=v.guardian_id,
        verification_id=v.id,
        verification=view.summary,
        detail=v.outcome,
        now=now,
    )
    if not passed:
        _maybe_block(session, actor, v.guardian_id, district, now)
    return view


def abandon_verification(
    session: Session, *, actor: StaffMember, verification_id: int, now: datetime | None = None
) -> None:
    v = open_verification(session, actor, verification_id)
    v.outcome, v.finished_at = VerificationOutcome.ABANDONED, resolve_now(now)


def _maybe_block(
    session: Session, actor: StaffMember, guardian_id: int, district: DistrictInfo, now: datetime
) -> None:
    last_cleared = session.exec(
        select(func.max(VerificationBlock.cleared_at)).where(
            col(VerificationBlock.guardian_id) == guardian_id
        )
    ).one()
    since = max(now - FAILURE_WINDOW, last_cleared or now - FAILURE_WINDOW)
    failures = session.exec(
        select(func.count())
        .select_from(Verification)
        .where(
            col(Verification.guardian_id) == guardian_id,
            col(Verification.outcome) == VerificationOutcome.FAILED,
            col(Verification.finished_at) > since,
        )
    ).one()
    if failures >= district.verify_failure_limit and open_block(session, guardian_id) is None:
        session.add(VerificationBlock(guardian_id=guardian_id, blocked_at=now, failures=failures))
        audit.record(
            session,
            actor=actor,
            action=AuditAction.VERIFICATION_BLOCKED,
            guardian_id=guardian_id,
            detail=f"{failures} failed verifications in 24 hours; supervisors alerted",
            now=now,
        )


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
    guardian = _guardian_for(session, actor, guardian_id, action, now)
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

"""Proving who the caller is (DESIGN.md section 2).

Screening answers (address, a birth date, school and grade, a phone, another
guardian's name) are compared with the record but are not proof. A pass also needs a
proof the district's policy accepts: a code emailed to an address on file and read
back, a callback to a number on file, or, in person, a photo ID and a signed form.
Only which items were checked and their results are kept. A pass lets the same staff
member act for that guardian for ``verify_pass_minutes``; repeated failures block the
guardian until a supervisor clears it.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from helpdesk_tui.data.passwords import hash_password, verify_password
from helpdesk_tui.data.tables import (
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    School,
    Student,
    Verification,
    VerificationBlock,
    VerificationCode,
)
from helpdesk_tui.services import audit, screening
from helpdesk_tui.services.district import DistrictInfo, get_district
from helpdesk_tui.services.errors import DomainError, NotFound, NotPermitted
from helpdesk_tui.services.guardian_texts import code_email, language_of
from helpdesk_tui.services.outbox import addresses_on_file, queue
from helpdesk_tui.services.permissions import may_see_guardian
from helpdesk_tui.services.staff import StaffMember

CODE_MINUTES = 10
CODE_TRIES = 5
FAILURE_WINDOW = timedelta(hours=24)
METHOD_LABELS = {"phone": "phone", "in_person": "in person", "written": "written request"}
PROOF_LABELS = {
    "email_code": "code emailed to an address on file",
    "callback": "callback to a number on file",
    "photo_id": "photo ID compared and form signed in person",
}
ID_TYPES = ("driver's license", "state ID card", "passport", "consular ID", "military ID")


class VerificationError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class VerificationView:
    id: int
    guardian_id: int
    method: str
    outcome: str
    screening: dict[str, str]
    proofs: dict[str, str]
    valid_until: datetime | None
    screening_required: int
    allowed_proofs: tuple[str, ...]

    @property
    def matches(self) -> int:
        return sum(1 for r in self.screening.values() if r == "match")

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
            f"{METHOD_LABELS[self.method]}; {proofs}; "
            f"screening {self.matches}/{len(self.screening)} matched"
        )


def _view(v: Verification, district: DistrictInfo, actor: StaffMember) -> VerificationView:
    return VerificationView(
        id=v.id or 0,
        guardian_id=v.guardian_id,
        method=v.method,
        outcome=v.outcome,
        screening=json.loads(v.screening),
        proofs=json.loads(v.proofs),
        valid_until=v.valid_until,
        screening_required=district.verify_screening_required,
        allowed_proofs=allowed_proofs(district, actor),
    )


def allowed_proofs(district: DistrictInfo, actor: StaffMember) -> tuple[str, ...]:
    """Clerks prove identity only in person; everyone else by what the policy accepts."""
    if actor.is_clerk:
        return ("photo_id",) if "photo_id" in district.verify_proofs else ()
    return district.verify_proofs


def resolve_now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


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
    session: Session, actor: StaffMember, guardian_id: int, action: str, now: datetime
) -> Guardian:
    guardian = session.get(Guardian, guardian_id)
    if guardian is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database; search again.")
    if not may_see_guardian(session, actor=actor, guardian_id=guardian_id):
        raise audit.deny(
            session,
            actor=actor,
            action=action,
            guardian_id=guardian_id,
            message="This family has no student at your school; refer them to the district helpdesk.",
            now=now,
        )
    return guardian


def start_verification(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    method: str,
    now: datetime | None = None,
) -> VerificationView:
    now = resolve_now(now)
    if method not in METHOD_LABELS:
        raise VerificationError(f"Choose how the caller reached you: {', '.join(METHOD_LABELS)}.")
    _guardian_for(session, actor, guardian_id, "verification", now)
    if actor.is_clerk and method != "in_person":
        raise audit.deny(
            session,
            actor=actor,
            action="verification",
            guardian_id=guardian_id,
            message="Clerks verify guardians in person only, with a photo ID and the signed form.",
            now=now,
        )
    if open_block(session, guardian_id) is not None:
        raise audit.deny(
            session,
            actor=actor,
            action="verification",
            guardian_id=guardian_id,
            message="Verification is blocked for this guardian after repeated failures. "
            "A supervisor must review and clear it before anyone can try again.",
            now=now,
        )
    for stale in session.exec(
        select(Verification).where(
            col(Verification.guardian_id) == guardian_id,
            col(Verification.staff_id) == actor.id,
            col(Verification.outcome) == "open",
        )
    ).all():
        stale.outcome, stale.finished_at = "abandoned", now
    v = Verification(guardian_id=guardian_id, staff_id=actor.id, method=method, started_at=now)
    session.add(v)
    session.flush()
    return _view(v, get_district(session), actor)


def _open(
    session: Session, actor: StaffMember, verification_id: int, *, lock: bool = True
) -> Verification:
    query = select(Verification).where(col(Verification.id) == verification_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    v = session.exec(query).first()
    if v is None or v.staff_id != actor.id:
        raise NotFound("That verification is not yours or no longer exists; start a new one.")
    if v.outcome != "open":
        raise VerificationError(f"This verification has already {v.outcome}; start a new one.")
    return v


@dataclass(frozen=True, slots=True)
class _Record:
    postal_code: str | None
    addresses: list[str]
    phones: list[str]
    birth_dates: list
    schools: list[tuple[str, int]]
    other_guardians: list[str]


def _record(session: Session, guardian: Guardian) -> _Record:
    gid = guardian.id
    households = session.exec(
        select(Household)
        .join(HouseholdMember, col(HouseholdMember.household_id) == col(Household.id))
        .where(col(HouseholdMember.guardian_id) == gid)
    ).all()
    students = session.exec(
        select(Student, School.name)
        .join(GuardianStudent, col(GuardianStudent.student_id) == col(Student.id))
        .join(School, col(School.id) == col(Student.school_id))
        .where(col(GuardianStudent.guardian_id) == gid)
    ).all()
    student_ids = [s.id for s, _ in students]
    household_ids = [h.id for h in households]
    others = session.exec(
        select(Guardian.first_name, Guardian.last_name)
        .distinct()
        .where(
            col(Guardian.id) != gid,
            or_(
                col(Guardian.id).in_(
                    select(GuardianStudent.guardian_id).where(
                        col(GuardianStudent.student_id).in_(student_ids)
                    )
                ),
                col(Guardian.id).in_(
                    select(HouseholdMember.guardian_id).where(
                        col(HouseholdMember.household_id).in_(household_ids)
                    )
                ),
            ),
        )
    ).all()
    own_address = ", ".join(p for p in (guardian.address_line, guardian.city) if p)
    return _Record(
        postal_code=guardian.postal_code,
        addresses=[own_address]
        + [", ".join(p for p in (h.address_line, h.city) if p) for h in households],
        phones=[p for p in (guardian.mobile_phone, guardian.home_phone, guardian.work_phone) if p]
        + [h.phone for h in households if h.phone],
        birth_dates=[s.birth_date for s, _ in students],
        schools=[(school, s.grade) for s, school in students],
        other_guardians=[f"{f} {last}" for f, last in others],
    )


def check_screening(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    item: str,
    answer: str,
) -> screening.Comparison:
    """Compare the caller's answer for one item with the record and keep only the
    result. For a "judge" result the agent then calls ``judge_screening``."""
    if item not in screening.SCREENING_ITEMS:
        raise VerificationError(f"Unknown screening item {item!r}.")
    answer = answer.strip()
    if not answer:
        raise VerificationError("Type what the caller says first; the record is not shown before.")
    if len(answer) > screening.MAX_ANSWER:
        raise VerificationError(
            f"That answer is {len(answer)} characters long; type the caller's answer "
            f"(at most {screening.MAX_ANSWER})."
        )
    v = _open(session, actor, verification_id)
    guardian = session.get(Guardian, v.guardian_id)
    assert guardian is not None
    record = _record(session, guardian)
    result = {
        "zip": lambda: screening.compare_zip(answer, record.postal_code),
        "address": lambda: screening.compare_address(answer, record.addresses),
        "birth_date": lambda: screening.compare_birth_date(answer, record.birth_dates),
        "school_grade": lambda: screening.compare_school_grade(answer, record.schools),
        "household_phone": lambda: screening.compare_phone(answer, record.phones),
        "other_guardian": lambda: screening.compare_name(answer, record.other_guardians),
    }[item]()
    if result.result != "judge":
        _set_item(v, item, result.result)
    return result


def get_verification(
    session: Session, *, actor: StaffMember, verification_id: int
) -> VerificationView:
    v = session.get(Verification, verification_id)
    if v is None or v.staff_id != actor.id:
        raise NotFound("That verification is not yours or no longer exists; start a new one.")
    return _view(v, get_district(session), actor)


def judge_screening(
    session: Session, *, actor: StaffMember, verification_id: int, item: str, matched: bool
) -> VerificationView:
    v = _open(session, actor, verification_id)
    _set_item(v, item, "match" if matched else "no match")
    return _view(v, get_district(session), actor)


def _set_item(v: Verification, item: str, result: str) -> None:
    items = json.loads(v.screening)
    items[item] = result
    v.screening = json.dumps(items, sort_keys=True)


def _set_proof(v: Verification, proof: str, detail: str) -> None:
    proofs = json.loads(v.proofs)
    proofs[proof] = detail
    v.proofs = json.dumps(proofs, sort_keys=True)


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


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
    v = _open(session, actor, verification_id)
    if "email_code" not in allowed_proofs(get_district(session), actor):
        raise VerificationError(
            "An emailed code is not an accepted proof for you; use the in-person check."
        )
    guardian = session.get(Guardian, v.guardian_id)
    assert guardian is not None
    on_file = {a.casefold(): a for a in addresses_on_file(session, guardian)}
    address = on_file.get(to.strip().casefold())
    if address is None:
        raise VerificationError(
            "Codes go only to an email already on file. Pick one of the guardian's "
            "addresses; never one the caller dictates."
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
        action="verification_code_sent",
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
    v = _open(session, actor, verification_id)
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
    _set_proof(v, "email_code", mask_email(sent.sent_to))
    return CodeCheck(True, "Code confirmed.")


def record_callback(
    session: Session, *, actor: StaffMember, verification_id: int, phone: str
) -> VerificationView:
    """The agent hung up and called back a number on file, and the guardian answered."""
    v = _open(session, actor, verification_id)
    district = get_district(session)
    if "callback" not in allowed_proofs(district, actor):
        raise VerificationError("A callback is not an accepted proof for you.")
    guardian = session.get(Guardian, v.guardian_id)
    assert guardian is not None
    on_file = [p for p in (guardian.mobile_phone, guardian.home_phone, guardian.work_phone) if p]
    if phone not in on_file:
        raise VerificationError("Call back only a number already on file; pick one of them.")
    _set_proof(v, "callback", "number on file")
    return _view(v, district, actor)


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
    v = _open(session, actor, verification_id)
    district = get_district(session)
    if v.method != "in_person":
        raise VerificationError("A photo ID can only be checked when the guardian is in person.")
    if id_type not in ID_TYPES:
        raise VerificationError(f"Choose the kind of ID shown: {', '.join(ID_TYPES)}.")
    if id_matched and form_signed:
        _set_proof(v, "photo_id", id_type)
    else:
        # A mismatched ID fails the verification whatever else was answered.
        _set_proof(v, "photo_id_refused", id_type)
    return _view(v, district, actor)


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
    v = _open(session, actor, verification_id)
    district = get_district(session)
    view = _view(v, district, actor)
    passed = view.ready and "photo_id_refused" not in view.proofs
    v.outcome = "passed" if passed else "failed"
    v.finished_at = now
    if passed:
        v.valid_until = now + timedelta(minutes=district.verify_pass_minutes)
    view = _view(v, district, actor)
    audit.record(
        session,
        actor=actor,
        action="verification",
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
    v = _open(session, actor, verification_id)
    v.outcome, v.finished_at = "abandoned", resolve_now(now)


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
            col(Verification.outcome) == "failed",
            col(Verification.finished_at) > since,
        )
    ).one()
    if failures >= district.verify_failure_limit and open_block(session, guardian_id) is None:
        session.add(VerificationBlock(guardian_id=guardian_id, blocked_at=now, failures=failures))
        audit.record(
            session,
            actor=actor,
            action="verification_blocked",
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
            col(Verification.outcome) == "passed",
            col(Verification.valid_until) > now,
        )
        .order_by(col(Verification.id).desc())
        .limit(1)
    ).first()


def require_pass(
    session: Session, *, actor: StaffMember, guardian_id: int, action: str, now: datetime
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
    if actor.is_clerk and passed.method != "in_person":
        raise NotPermitted("Clerks act only on an in-person verification.")
    return guardian, passed


def verification_summary(session: Session, v: Verification, actor: StaffMember) -> str:
    return _view(v, get_district(session), actor).summary

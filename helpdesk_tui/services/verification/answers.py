"""Screening answers for a verification in progress: what the caller says is compared
with the family's record (screening.py) and only the result is kept."""

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from helpdesk_tui.data.tables import (
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    School,
    Student,
    Verification,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.verification import screening
from helpdesk_tui.services.verification.checklist import (
    VerificationError,
    VerificationView,
    set_item,
    view_of,
)
from helpdesk_tui.services.verification.lifecycle import open_verification
from helpdesk_tui.vocabulary import ScreeningResult


@dataclass(frozen=True, slots=True)
class _Record:
    postal_code: str | None
    addresses: list[str]
    phones: list[str]
    birth_dates: list[date]
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
        birth_dates=[s.birth_date for s, _ in students if s.birth_date],
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
    now: datetime | None = None,
) -> screening.Comparison:
    """Compare the caller's answer for one item with the record and keep only the
    result. For a "judge" result the agent then calls ``judge_screening``. An item
    that did not match stays so: asking it again cannot undo a wrong answer."""
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
    v = open_verification(session, actor, verification_id, resolve_now(now))
    _not_failed_yet(v, item)
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
    if result.result != ScreeningResult.JUDGE:
        set_item(v, item, result.result)
    return result


def judge_screening(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    item: str,
    matched: bool,
    now: datetime | None = None,
) -> VerificationView:
    """The agent's verdict on an answer only a person can compare with the record."""
    if item not in screening.SCREENING_ITEMS:
        raise VerificationError(f"Unknown screening item {item!r}.")
    v = open_verification(session, actor, verification_id, resolve_now(now))
    _not_failed_yet(v, item)
    set_item(v, item, ScreeningResult.MATCH if matched else ScreeningResult.NO_MATCH)
    return view_of(v, get_district(session), actor)


def _not_failed_yet(v: Verification, item: str) -> None:
    if json.loads(v.screening).get(item) == ScreeningResult.NO_MATCH:
        label = screening.SCREENING_ITEMS[item]
        raise VerificationError(
            f"The caller's answer for {label[:1].lower()}{label[1:]} did not match, "
            "and that stays recorded: this verification will be recorded as failed. Finish it "
            "and, if the caller insists, start a new one."
        )

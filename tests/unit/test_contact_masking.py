"""Staff cannot lead a caller: the guardian record's contact details and birth dates
stay masked until the staff member holds a pass for that guardian, or reveals them with
a reason that the audit trail keeps. Both databases."""

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import (
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    Student,
)
from helpdesk_tui.services import guardians
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import DomainError
from tests.recovery import audit_rows, pick_guardian, staff, verify


def secrets_of(db, guardian: Guardian) -> list[str]:  # type: ignore[no-untyped-def]
    """What must not be on the record before a pass: the guardian's emails, phones,
    street address and ZIP, their households' addresses and phones, their students'
    birth dates."""
    with db.read() as s:
        born = s.exec(
            select(Student.birth_date)
            .join(GuardianStudent, col(GuardianStudent.student_id) == col(Student.id))
            .where(col(GuardianStudent.guardian_id) == guardian.id)
        ).all()
        households = s.exec(
            select(Household)
            .join(HouseholdMember, col(HouseholdMember.household_id) == col(Household.id))
            .where(col(HouseholdMember.guardian_id) == guardian.id)
        ).all()
    values = [
        guardian.email,
        guardian.alt_email,
        guardian.mobile_phone,
        guardian.home_phone,
        guardian.work_phone,
        guardian.address_line,
        guardian.postal_code,
        *(b.isoformat() for b in born if b),
        *(h.address_line for h in households),
        *(h.phone for h in households),
    ]
    return [x for x in values if x]


def detail(db, actor, guardian_id, **kw):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return guardians.get_guardian_detail(s, actor=actor, guardian_id=guardian_id, **kw)


def test_the_record_is_masked_without_a_pass(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    seen = detail(action_db, agent, guardian.id)
    shown = repr(seen)
    leaked = [x for x in secrets_of(action_db, guardian) if x in shown]
    assert leaked == [] and seen.masked
    local, _, domain = guardian.email.partition("@")
    assert seen.emails[0] == f"{local[0]}•••@{domain}"
    number = guardian.mobile_phone or guardian.home_phone or guardian.work_phone
    digits = "".join(ch for ch in number if ch.isdigit())
    assert seen.phones[0][1] == f"ending {digits[-4:]}"
    assert guardian.city in seen.address and "•" in seen.address
    assert all(s.birth_date.startswith("•") for s in seen.students)


def test_the_record_is_shown_to_the_staff_member_holding_a_pass(action_db):
    agent, supervisor = staff(action_db, "demo-agent"), staff(action_db, "demo-supervisor")
    guardian = pick_guardian(action_db)
    verify(action_db, agent, guardian)
    seen = detail(action_db, agent, guardian.id)
    shown = repr(seen)
    assert not seen.masked
    assert all(x in shown for x in secrets_of(action_db, guardian))
    assert guardian.email in seen.emails and guardian.postal_code in seen.address
    # The pass is the agent's: a supervisor looking at the same guardian sees it masked.
    other = detail(action_db, supervisor, guardian.id)
    assert other.masked and guardian.email not in repr(other)


def test_a_reveal_needs_a_reason(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    with pytest.raises(DomainError, match="reason"), action_db.write() as s:
        guardians.reveal_contact(s, actor=agent, guardian_id=guardian.id, reason="   ")
    assert audit_rows(action_db, guardian.id) == []


def test_a_reveal_is_audited_with_its_reason_and_shows_everything(action_db):
    supervisor = staff(action_db, "demo-supervisor")
    guardian = pick_guardian(action_db)
    with action_db.write() as s:
        shown = guardians.reveal_contact(
            s, actor=supervisor, guardian_id=guardian.id, reason="letter came back undelivered"
        )
    assert not shown.masked and shown.reveal_id is not None
    assert all(x in repr(shown) for x in secrets_of(action_db, guardian))
    [row] = audit_rows(action_db, guardian.id)
    assert (row.action, row.outcome, row.staff_username, row.reason) == (
        "contact_revealed",
        "done",
        "demo-supervisor",
        "letter came back undelivered",
    )
    assert row.id == shown.reveal_id
    # The screen keeps showing them with the reveal it holds; nobody else can use it.
    assert not detail(action_db, supervisor, guardian.id, reveal_id=shown.reveal_id).masked
    assert detail(action_db, supervisor, guardian.id).masked
    agent = staff(action_db, "demo-agent")
    assert detail(action_db, agent, guardian.id, reveal_id=shown.reveal_id).masked
    elsewhere = pick_guardian(action_db)
    assert detail(action_db, supervisor, elsewhere.id, reveal_id=shown.reveal_id).masked


def test_a_clerk_of_another_school_cannot_reveal(action_db):
    clerk = staff(action_db, "demo-clerk")
    with action_db.read() as s:
        mine = select(GuardianStudent.guardian_id).join(
            Student, col(Student.id) == col(GuardianStudent.student_id)
        )
        other_id = s.exec(
            mine.where(col(Student.school_id) != clerk.school_id).where(
                col(GuardianStudent.guardian_id).not_in(
                    mine.where(col(Student.school_id) == clerk.school_id)
                )
            )
        ).first()
    assert other_id is not None
    with pytest.raises(ActionDenied, match="no student at your school"), action_db.write() as s:
        guardians.reveal_contact(s, actor=clerk, guardian_id=other_id, reason="walk-in")
    last = audit_rows(action_db, other_id)[-1]
    assert (last.action, last.outcome, last.staff_username) == (
        "contact_revealed",
        "denied",
        "demo-clerk",
    )


def test_a_clerk_sees_the_record_after_an_in_person_pass(action_db):
    clerk = staff(action_db, "demo-clerk")
    guardian = pick_guardian(action_db, school_id=clerk.school_id)
    assert detail(action_db, clerk, guardian.id).masked
    verify(action_db, clerk, guardian)
    assert guardian.email in detail(action_db, clerk, guardian.id).emails

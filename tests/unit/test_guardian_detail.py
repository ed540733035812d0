"""What staff see about one guardian, and who may see it."""

import pytest
from sqlalchemy import select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    ActivationKey,
    AuditEvent,
    GuardianStudent,
    PortalAccount,
    Student,
)
from helpdesk_tui.services.guardians import get_guardian_detail
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import NotFound
from tests.conftest import first_row


def _detail(db: Database, actor: StaffMember, guardian_id: int):  # type: ignore[no-untyped-def]
    with db.read() as session:
        return get_guardian_detail(session, actor=actor, guardian_id=guardian_id)


def test_a_disabled_account_shows_why_when_and_the_failed_attempts(
    seeded_db: Database, agent: StaffMember
) -> None:
    account = first_row(seeded_db, select(PortalAccount).where(PortalAccount.status == "disabled"))[
        0
    ]
    detail = _detail(seeded_db, agent, account.guardian_id)
    assert detail.portal_status == "disabled: 5 consecutive failed logins"
    assert detail.account.failed_login_count == 5 and detail.account.disabled_at is not None
    assert [a.success for a in detail.access_log[:5]] == [False] * 5
    assert detail.access_log[0].at == detail.account.disabled_at
    assert str(detail.account.disabled_at.tzinfo) == "America/Chicago"


def test_key_history_never_carries_a_key_value_or_digest(
    seeded_db: Database, agent: StaffMember
) -> None:
    key = first_row(seeded_db, select(ActivationKey).where(ActivationKey.status == "redeemed"))[0]
    detail = _detail(seeded_db, agent, key.guardian_id)
    view = next(k for k in detail.keys if k.last4 == key.last4)
    assert view.status == "redeemed" and view.redeemed_by_username
    assert view.masked == f"…-{key.last4}"
    assert key.digest not in repr(detail)


def test_a_never_activated_guardian_with_a_key_outstanding(
    seeded_db: Database, agent: StaffMember
) -> None:
    key = first_row(seeded_db, select(ActivationKey).where(ActivationKey.status == "active"))[0]
    detail = _detail(seeded_db, agent, key.guardian_id)
    assert detail.account is None
    assert detail.portal_status == "never activated: key outstanding"


def test_students_carry_school_grade_enrollment_and_relationship_flags(
    seeded_db: Database, agent: StaffMember
) -> None:
    link = first_row(
        seeded_db, select(GuardianStudent).where(GuardianStudent.restricted.is_(True))
    )[0]
    detail = _detail(seeded_db, agent, link.guardian_id)
    assert detail.has_restriction
    restricted = next(s for s in detail.students if s.student_id == link.student_id)
    assert restricted.restricted and restricted.school and restricted.grade
    assert restricted.enrollment in {"this+next", "this year", "next year", "not enrolled"}
    assert detail.households and any("(student)" in m for h in detail.households for m in h.members)


def test_clerks_cannot_open_families_of_other_schools(
    seeded_db: Database, clerk: StaffMember
) -> None:
    other = first_row(
        seeded_db,
        select(GuardianStudent.guardian_id)
        .join(Student, Student.id == GuardianStudent.student_id)
        .where(Student.school_id != clerk.school_id)
        .where(
            GuardianStudent.guardian_id.not_in(
                select(GuardianStudent.guardian_id)
                .join(Student, Student.id == GuardianStudent.student_id)
                .where(Student.school_id == clerk.school_id)
            )
        ),
    )[0]
    with (
        pytest.raises(ActionDenied, match="no student at your school"),
        seeded_db.read() as session,
    ):
        get_guardian_detail(session, actor=clerk, guardian_id=other)
    with seeded_db.read() as session:  # the refused read keeps its "denied" row
        denied = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.guardian_id == other,
                AuditEvent.staff_id == clerk.id,
                AuditEvent.outcome == "denied",
            )
        ).all()
    assert "guardian_viewed" in denied


def test_an_unknown_guardian_is_reported(seeded_db: Database, agent: StaffMember) -> None:
    with pytest.raises(NotFound), seeded_db.read() as session:
        get_guardian_detail(session, actor=agent, guardian_id=10**9)

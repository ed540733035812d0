"""The demo district: deterministic, realistic, and every state staff need to practise on."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from helpdesk_tui.data.demo.seed import DistrictNotEmpty, seed_demo_district
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    GuardianStudent,
    HouseholdMember,
    LoginAttempt,
    PortalAccount,
    School,
    Student,
)
from tests.conftest import SEED, SEED_GUARDIANS, SEED_NOW


def _scalar(db: Database, statement) -> int:  # type: ignore[no-untyped-def]
    with db.read() as session:
        return session.exec(statement).one()[0]


def test_twenty_two_schools_by_level(seeded_db: Database) -> None:
    with seeded_db.read() as session:
        levels = dict(session.exec(select(School.level, func.count()).group_by(School.level)).all())
        grade_ranges = set(
            session.exec(select(School.level, School.low_grade, School.high_grade)).all()
        )
    assert levels == {"elementary": 14, "middle": 5, "high": 3}
    assert grade_ranges == {("elementary", 0, 5), ("middle", 6, 8), ("high", 9, 12)}


def test_exactly_the_guardians_asked_for_with_accented_and_punctuated_names(
    seeded_db: Database,
) -> None:
    assert _scalar(seeded_db, select(func.count()).select_from(Guardian)) == SEED_GUARDIANS
    with seeded_db.read() as session:
        names = [
            f"{first} {last}"
            for first, last in session.exec(select(Guardian.first_name, Guardian.last_name)).all()
        ]
    assert any(ch in "".join(names) for ch in "ñÑ")
    assert any(ch in "".join(names) for ch in "éáíóú")
    assert any("-" in n for n in names) and any("'" in n for n in names)


def test_every_portal_state_is_present(seeded_db: Database) -> None:
    def count(statement) -> int:  # type: ignore[no-untyped-def]
        return _scalar(seeded_db, select(func.count()).select_from(statement.subquery()))

    assert count(
        select(PortalAccount).where(
            PortalAccount.kind == "guardian", PortalAccount.status == "active"
        )
    )
    disabled = count(
        select(PortalAccount).where(
            PortalAccount.status == "disabled", PortalAccount.failed_login_count == 5
        )
    )
    assert disabled
    assert count(select(ActivationKey).where(ActivationKey.status == "active"))
    assert count(select(ActivationKey).where(ActivationKey.status == "expired"))
    # A key redeemed by another family member: the account's username is not built from
    # the name of the guardian it belongs to.
    with seeded_db.read() as session:
        rows = session.exec(
            select(PortalAccount.username, Guardian.last_name).join(
                Guardian, Guardian.id == PortalAccount.guardian_id
            )
        ).all()
    from helpdesk_tui.data.normalize import fold

    assert any(
        "".join(c for c in fold(last) if c.isalnum())[:10] not in username
        for username, last in rows
    )
    assert count(select(LoginAttempt).where(LoginAttempt.success.is_(False)))
    assert count(select(PortalAccount).where(PortalAccount.kind == "student"))


def test_blended_families_restrictions_and_two_households(seeded_db: Database) -> None:
    two_homes = (
        select(HouseholdMember.student_id)
        .where(HouseholdMember.student_id.is_not(None))
        .group_by(HouseholdMember.student_id)
        .having(func.count() > 1)
    )
    assert _scalar(seeded_db, select(func.count()).select_from(two_homes.subquery()))
    assert _scalar(
        seeded_db,
        select(func.count())
        .select_from(GuardianStudent)
        .where(GuardianStudent.relation.in_(["stepmother", "stepfather"])),
    )
    assert _scalar(
        seeded_db,
        select(func.count())
        .select_from(GuardianStudent)
        .where(GuardianStudent.restricted.is_(True)),
    )


def test_students_only_in_grades_their_school_teaches(seeded_db: Database) -> None:
    wrong = (
        select(func.count())
        .select_from(Student)
        .join(School, School.id == Student.school_id)
        .where((Student.grade < School.low_grade) | (Student.grade > School.high_grade))
    )
    assert _scalar(seeded_db, wrong) == 0


def test_the_same_seed_gives_the_same_district(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def fingerprint() -> list:
        with db.read() as session:
            return [
                session.exec(
                    text(
                        "SELECT first_name, last_name, email, mobile_phone FROM guardian ORDER BY id"
                    )
                ).all(),
                session.exec(
                    text(
                        "SELECT student_number, first_name, birth_date, grade, school_id FROM student ORDER BY id"
                    )
                ).all(),
                session.exec(text("SELECT digest, status FROM activation_key ORDER BY id")).all(),
                session.exec(
                    text("SELECT term, guardian_id FROM search_term ORDER BY term, guardian_id")
                ).all(),
            ]

    seed_demo_district(db, guardians=120, seed=SEED, now=SEED_NOW)
    first = fingerprint()
    seed_demo_district(db, guardians=120, seed=SEED, now=SEED_NOW, replace=True)
    assert fingerprint() == first
    seed_demo_district(db, guardians=120, seed=SEED + 1, now=SEED_NOW, replace=True)
    assert fingerprint() != first


def test_seeding_refuses_to_mix_into_an_existing_district(db: Database) -> None:
    seed_demo_district(db, guardians=30, seed=1, now=SEED_NOW)
    with pytest.raises(DistrictNotEmpty, match="--replace"):
        seed_demo_district(db, guardians=30, seed=2, now=SEED_NOW)
    assert _scalar(db, select(func.count()).select_from(Guardian)) == 30


def test_a_failed_seed_leaves_the_database_empty(db: Database) -> None:
    calls = []

    def stop_midway(done: int) -> None:
        calls.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        seed_demo_district(
            db,
            guardians=12_000,
            seed=1,
            now=datetime(2026, 11, 2, tzinfo=UTC),
            progress=stop_midway,
        )
    assert calls, "progress was reported before the interruption"
    assert _scalar(db, select(func.count()).select_from(Guardian)) == 0
    assert _scalar(db, select(func.count()).select_from(School)) == 0

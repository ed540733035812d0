"""The demo district written as a OneRoster export and imported into an empty database
is the same district: schools, students, guardians, relationships and their rights,
households and student logins (what a roster carries; portal history is not in one)."""

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.oneroster.export import write_demo_export
from helpdesk_tui.data.tables import (
    DistrictSettings,
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    PortalAccount,
    School,
    Student,
)
from tests.conftest import SEED, SEED_GUARDIANS, SEED_NOW
from tests.oneroster_helpers import run


def roster(database: Database, guardian_key) -> dict:  # type: ignore[no-untyped-def]
    with database.read() as session:
        schools = {s.id: s for s in session.exec(select(School)).all()}
        students = {s.id: s for s in session.exec(select(Student)).all()}
        guardians = {g.id: g for g in session.exec(select(Guardian)).all()}
        links = session.exec(select(GuardianStudent)).all()
        members = session.exec(select(HouseholdMember)).all()
        homes = {h.id: h.name for h in session.exec(select(Household)).all()}
        logins = session.exec(
            select(PortalAccount.username).where(col(PortalAccount.kind) == "student")
        ).all()
        district = session.exec(select(DistrictSettings.name)).one()
    number = {s.id: s.student_number for s in students.values()}
    key = {g.id: guardian_key(g) for g in guardians.values()}
    by_home: dict[int, set[str]] = {}
    for m in members:
        by_home.setdefault(m.household_id, set()).add(
            key[m.guardian_id] if m.guardian_id else number[m.student_id]
        )
    return {
        "district": district,
        "schools": {
            s.code: (s.name, s.level, s.low_grade, s.high_grade, s.city, s.phone)
            for s in schools.values()
        },
        "students": {
            s.student_number: (
                s.first_name,
                s.last_name,
                s.birth_date,
                s.grade,
                schools[s.school_id].code,
                s.enrolled_this_year,
                s.enrolled_next_year,
                s.active,
            )
            for s in students.values()
        },
        "guardians": {
            key[g.id]: (
                g.first_name,
                g.last_name,
                g.email,
                g.alt_email,
                g.mobile_phone,
                g.home_phone,
                g.work_phone,
                g.address_line,
                g.city,
                g.state,
                g.postal_code,
                g.preferred_language,
                g.active,
            )
            for g in guardians.values()
        },
        "links": {
            (key[link.guardian_id], number[link.student_id]): (
                link.relation,
                link.is_guardian,
                link.portal_access,
                link.restricted,
            )
            for link in links
        },
        # Households as the guardian screen shows them: who lives together, by name.
        "households": {
            (homes[h], frozenset(people))
            for h, people in by_home.items()
            if any(p.startswith("guardian-") for p in people)
        },
        "student logins": set(logins),
    }


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_the_demo_district_survives_export_and_import(seeded_db, db, tmp_path, version):
    written = write_demo_export(
        tmp_path / "demo.zip", guardians=SEED_GUARDIANS, seed=SEED, now=SEED_NOW, version=version
    )
    report = run(db, written.path, now=SEED_NOW)
    assert report.applied and report.problem_count == 0, report.problems

    original = roster(seeded_db, lambda g: f"guardian-{g.id}")
    imported = roster(db, lambda g: g.sourced_id)

    assert original["guardians"] and original["households"]
    for part in original:
        assert imported[part] == original[part], part
    # Restrictions and limited portal rights are among what travelled.
    flags = original["links"].values()
    assert any(restricted for *_, restricted in flags)
    assert any(not portal for _, _, portal, _ in flags)

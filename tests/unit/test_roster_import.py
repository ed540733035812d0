"""Importing a hand-written OneRoster export (1.1 and 1.2) on both databases: every record
checked, re-imports that change nothing, bulk and delta files, and what the helpdesk owns
surviving."""

from datetime import date

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import (
    ActivationKey,
    AuditEvent,
    DistrictSettings,
    Guardian,
    GuardianStudent,
    PortalAccount,
    SearchTerm,
    Student,
)
from tests.conftest import first_row
from tests.oneroster_helpers import (
    NOW,
    edit,
    export_copy,
    guardian,
    households,
    links,
    run,
    schools,
    student,
)
from tests.recovery import count

EXPECTED_LINKS = {
    ("g1", "s1"): ("mother", True, True, False),
    ("g1", "s2"): ("mother", True, True, False),
    ("g1", "s3"): ("mother", True, True, False),
    ("g2", "s1"): ("father", True, True, False),
    ("g2", "s2"): ("father", True, True, False),
    ("g2", "s3"): ("father", True, True, False),
    ("g3", "s4"): ("mother", True, True, False),
    ("g4", "s4"): ("father", True, True, False),
    ("g5", "s3"): ("grandmother", False, False, False),
    ("g6", "s4"): ("stepfather", True, True, True),
}


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_every_record_of_the_hand_written_export(db, tmp_path, version):
    report = run(db, export_copy(tmp_path, version))

    assert report.applied and report.problem_count == 0
    assert report.counts["student"] == {"added": 4}
    assert report.counts["guardian"] == {"added": 6}
    assert any(
        "1 student outside grades K-12 (pre-K, ungraded) was left out" in n for n in report.notes
    )
    assert any("1 teacher" in n for n in report.notes)
    district = first_row(db, select(DistrictSettings))
    assert district.name == "Valle Verde Unified School District"
    assert district.portal_url == "https://portal.vvusd.example.org"
    # Grade spans come from the students when the export gives none.
    assert schools(db) == {
        "sch-el": ("201", "Escuela Primaria Peña", "elementary", 0, 3, "Aurora"),
        "sch-ms": ("202", "Roosevelt Middle School", "middle", 6, 7, "Naperville"),
    }
    sofia, lucia = student(db, "s1"), student(db, "s3")
    assert (sofia.first_name, sofia.last_name, sofia.student_number) == ("Sofía", "Peña", "9001")
    assert (sofia.grade, sofia.birth_date) == (0, date(2020, 3, 4))
    assert (lucia.last_name, lucia.grade, lucia.birth_date) == ("Peña-Ortiz", 7, date(2013, 11, 30))
    assert sofia.enrolled_this_year and sofia.enrolled_next_year and sofia.active
    assert count(db, Student, col(Student.student_number) == "9005") == 0  # pre-K
    maria = guardian(db, "g1")
    assert (maria.first_name, maria.last_name) == ("María José", "Peña")
    assert maria.email == "maría.pena@correo.example.com"
    assert (maria.mobile_phone, maria.preferred_language) == ("(630) 555-0101", "es")
    assert (maria.address_line, maria.city, maria.postal_code) == (
        "123 Calle Ñandú",
        "Aurora",
        "60505",
    )
    jose = guardian(db, "g2")
    assert jose.email is None and jose.mobile_phone == "630.555.0102"  # blank email column
    assert guardian(db, "g3").preferred_language == "en"  # "English"
    assert guardian(db, "g5").home_phone == "(630) 555-0105"
    assert count(db, Guardian, col(Guardian.sourced_id) == "t1") == 0  # the teacher
    # María has three students at two schools; Ana (s4) is linked from her own row only
    # and lives in two households.
    assert links(db) == EXPECTED_LINKS
    assert households(db) == {
        "hh-pena": {"g1", "g2", "g5", "s1", "s2", "s3"},
        "hh-obrien-1": {"g3", "s4"},
        "hh-obrien-2": {"g4", "g6", "s4"},
    }
    logins = {a.username for a in db_rows(db, PortalAccount) if a.kind == "student"}
    assert logins == {"9003", "9004"}  # grades 6-12 only
    # The lookup finds them at once: names folded, students' names, phones, emails.
    terms = {(t.term, t.kind) for t in db_rows(db, SearchTerm) if t.guardian_id == maria.id}
    assert {("pena", "name"), ("lucia", "student"), ("6305550101", "phone")} <= terms
    audit = first_row(db, select(AuditEvent).order_by(col(AuditEvent.id).desc()))
    assert (audit.staff_username, audit.action) == ("roster-import", "roster_imported")
    assert "guardians added 6" in audit.detail


def db_rows(database, model):  # type: ignore[no-untyped-def]
    with database.read() as session:
        rows = session.exec(select(model)).all()
        for row in rows:
            session.expunge(row)
        return rows


def roster_snapshot(database) -> dict:  # type: ignore[no-untyped-def]
    """Everything an import may touch, as plain values."""
    snapshot = {}
    for model in (Student, Guardian, GuardianStudent, PortalAccount, ActivationKey, SearchTerm):
        snapshot[model.__name__] = {row.id: row.model_dump() for row in db_rows(database, model)}
    snapshot["households"] = households(database)
    return snapshot


def test_importing_the_same_export_again_changes_nothing(db, tmp_path):
    export = export_copy(tmp_path, "1.2")
    run(db, export)
    before = roster_snapshot(db)

    again = run(db, export)

    assert again.applied and again.counts == {} and again.changes == 0
    assert roster_snapshot(db) == before


def test_what_the_helpdesk_owns_survives_a_changed_reimport(db, tmp_path):
    export = export_copy(tmp_path, "1.1")
    run(db, export)
    g1, g3, g6 = guardian(db, "g1"), guardian(db, "g3"), guardian(db, "g6")
    with db.write() as session:
        # The guardian redeemed a key; staff set a language; a supervisor cleared the
        # reviewed restriction.
        account = PortalAccount(
            kind="guardian",
            guardian_id=g1.id,
            username="MariaP1",
            username_key="mariap1",
            created_at=NOW,
        )
        session.add(account)
        session.flush()
        session.add(
            ActivationKey(
                guardian_id=g1.id,
                digest="a" * 64,
                last4="AAAA",
                status="redeemed",
                issued_at=NOW,
                redeemed_at=NOW,
                redeemed_by_account_id=account.id,
            )
        )
        stored = session.get(Guardian, g3.id)
        stored.preferred_language, stored.language_set_by_staff = "es", True
        for link in session.exec(
            select(GuardianStudent).where(col(GuardianStudent.guardian_id) == g6.id)
        ):
            link.restricted = False
    # The SIS changes María's phone and still says English for Siobhán, restricted for Carlos.
    edit(export, "users.csv", "(630) 555-0101", "(630) 555-0199")

    report = run(db, export)

    assert report.counts == {"guardian": {"changed": 1}}
    assert guardian(db, "g1").mobile_phone == "(630) 555-0199"
    assert (
        first_row(db, select(PortalAccount.username).where(col(PortalAccount.guardian_id) == g1.id))
        == "MariaP1"
    )
    assert (
        first_row(db, select(ActivationKey.status).where(col(ActivationKey.guardian_id) == g1.id))
        == "redeemed"
    )
    assert guardian(db, "g3").preferred_language == "es"
    assert links(db)[("g6", "s4")] == ("stepfather", True, True, False)
    # The lookup follows the new phone; the old one no longer finds her.
    terms = {t.term for t in db_rows(db, SearchTerm) if t.guardian_id == g1.id}
    assert "6305550199" in terms and "6305550101" not in terms

    # A court order the SIS records anew is a new restriction.
    edit(export, "users.csv", "stepfather,,s4", "stepfather,,")
    run(db, export)
    edit(export, "users.csv", "stepfather,,", "stepfather,,s4")
    run(db, export)
    assert links(db)[("g6", "s4")][3] is True


def test_a_family_missing_from_a_bulk_file_becomes_inactive_never_deleted(db, tmp_path):
    export = export_copy(tmp_path, "1.1")
    run(db, export)
    g3 = guardian(db, "g3")
    with db.write() as session:
        session.add(
            ActivationKey(
                guardian_id=g3.id, digest="b" * 64, last4="BBBB", status="active", issued_at=NOW
            )
        )
    users = (export / "users.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (export / "users.csv").write_text(
        "".join(line for line in users if not line.startswith(("g3,", "s4,", "g4,", "g6,"))),
        encoding="utf-8",
    )

    report = run(db, export, dry_run=True)
    assert report.counts["guardian"] == {"deactivated": 3}
    assert guardian(db, "g3").active  # a dry run changes nothing

    report = run(db, export)
    assert report.counts["guardian"] == {"deactivated": 3}
    assert report.counts["student"] == {"deactivated": 1}
    assert not guardian(db, "g3").active and not student(db, "s4").active
    # Their history stays: the key, the relationship shown on the guardian screen.
    assert count(db, ActivationKey, col(ActivationKey.guardian_id) == g3.id) == 1
    assert ("g3", "s4") in links(db)

    run(db, export_copy(tmp_path / "again", "1.1"))
    assert guardian(db, "g3").active and student(db, "s4").active


def test_a_delta_file_applies_only_its_rows(db, tmp_path):
    run(db, export_copy(tmp_path, "1.1"))
    delta = tmp_path / "delta"
    delta.mkdir()
    (delta / "manifest.csv").write_text(
        "propertyName,value\noneroster.version,1.1\nfile.users,delta\nfile.orgs,absent\n",
        encoding="utf-8",
    )
    header = (
        (export_copy(tmp_path / "h", "1.1") / "users.csv")
        .read_text(encoding="utf-8")
        .splitlines()[0]
    )
    (delta / "users.csv").write_text(
        header
        + "\n"
        + "g4,tobedeleted,2026-11-19T10:00:00Z,true,sch-ms,parent,,,Liam,O'Brien,,,,,,,,,,,,,,,,,\n"
        + "g2,active,2026-11-19T10:00:00Z,true,sch-el,parent,,,José,Peña,,,jose.pena@example.com,"
        + '630.555.0102,,"s1,s2,s3,s6",,,father,,,hh-pena,,123 Calle Ñandú,Aurora,IL,60505\n'
        + "s6,active,2026-11-19T10:00:00Z,true,sch-el,student,,,Valentina,Peña,,9006,,,,,01,,,,,,,,,,\n",
        encoding="utf-8",
    )

    report = run(db, delta)

    assert report.problem_count == 0, report.problems
    assert report.counts["guardian"] == {"changed": 1, "deactivated": 1}
    assert report.counts["student"] == {"added": 1}
    assert not guardian(db, "g4").active
    assert guardian(db, "g2").email == "jose.pena@example.com"
    assert guardian(db, "g1").active  # not in the delta: untouched
    assert ("g2", "s6") in links(db) and ("g1", "s6") not in links(db)
    assert "s6" in households(db)["hh-pena"]


def test_a_dry_run_reports_what_would_change_and_changes_nothing(db, tmp_path):
    report = run(db, export_copy(tmp_path), dry_run=True)
    assert not report.applied and report.counts["guardian"] == {"added": 6}
    assert "Peña" in " ".join(report.samples[("guardian", "added")])
    assert count(db, Guardian) == 0 and count(db, DistrictSettings) == 0
    assert count(db, AuditEvent) == 0

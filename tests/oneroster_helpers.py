"""Helpers for the roster import tests: the hand-written exports and reading a roster
back by SIS id."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    School,
    Student,
)
from helpdesk_tui.services.roster import ImportReport, NewDistrict, import_oneroster

FIXTURES = Path(__file__).parent / "fixtures" / "oneroster"
NOW = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
DISTRICT = NewDistrict(
    portal_url="https://portal.vvusd.example.org",
    helpdesk_email="portalhelp@vvusd.example.org",
    helpdesk_phone="(630) 555-0200",
)


def export_copy(tmp_path: Path, version: str = "1.1") -> Path:
    """A private copy of the hand-written export, to edit."""
    target = tmp_path / f"export-{version}"
    shutil.copytree(FIXTURES / f"v{version}", target)
    return target


def edit(export: Path, file: str, old: str, new: str) -> None:
    path = export / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(database: Database, export: Path, **kw) -> ImportReport:  # type: ignore[no-untyped-def]
    kw.setdefault("new_district", DISTRICT)
    kw.setdefault("now", NOW)
    return import_oneroster(database, export, **kw)


def guardian(database: Database, sid: str) -> Guardian:
    with database.read() as session:
        row = session.exec(select(Guardian).where(col(Guardian.sourced_id) == sid)).one()
        session.expunge(row)
        return row


def student(database: Database, sid: str) -> Student:
    with database.read() as session:
        row = session.exec(select(Student).where(col(Student.sourced_id) == sid)).one()
        session.expunge(row)
        return row


def links(database: Database) -> dict[tuple[str, str], tuple[str, bool, bool, bool]]:
    """(guardian sid, student sid) -> (relation, is_guardian, portal_access, restricted)."""
    with database.read() as session:
        rows = session.exec(
            select(GuardianStudent, Guardian.sourced_id, Student.sourced_id)
            .join(Guardian, col(Guardian.id) == col(GuardianStudent.guardian_id))
            .join(Student, col(Student.id) == col(GuardianStudent.student_id))
        ).all()
        return {
            (g, s): (link.relation, link.is_guardian, link.portal_access, link.restricted)
            for link, g, s in rows
        }


def households(database: Database) -> dict[str, set[str]]:
    """Household key -> the SIS ids of its members."""
    with database.read() as session:
        rows = session.exec(
            select(Household.sourced_key, Guardian.sourced_id, Student.sourced_id)
            .join(HouseholdMember, col(HouseholdMember.household_id) == col(Household.id))
            .join(Guardian, col(Guardian.id) == col(HouseholdMember.guardian_id), isouter=True)
            .join(Student, col(Student.id) == col(HouseholdMember.student_id), isouter=True)
        ).all()
    found: dict[str, set[str]] = {}
    for key, g, s in rows:
        found.setdefault(key or "", set()).add(g or s)
    return found


def schools(database: Database) -> dict[str, tuple]:
    with database.read() as session:
        return {
            s.sourced_id or "": (s.code, s.name, s.level, s.low_grade, s.high_grade, s.city)
            for s in session.exec(select(School)).all()
        }

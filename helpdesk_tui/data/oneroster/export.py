"""Writing the demo district as a OneRoster CSV export (1.1 or 1.2), straight from the
generator: the same (seed, guardians, now) give the same district as `seed-demo`, so
importing the export into an empty database reproduces it.

Families are complete within a generator batch, so the files are written batch by batch
and memory stays flat at any size. Household, relationship, custody and language
details go in the extension columns the importer reads (parse.py).
"""

import csv
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from helpdesk_tui.data.demo.rows import COLUMNS, Batch
from helpdesk_tui.data.demo.seed import DEMO_DISTRICT_NAME, demo_generator, demo_schools


def _header(columns: str) -> list[str]:
    return columns.split(",")


DISTRICT_SID = "district-88"
GRADE_CODES = ("KG", *(f"{g:02d}" for g in range(1, 13)))
USERS_11 = _header(
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
)
USERS_12 = _header(
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
    "preferredFamilyName,primaryOrgSourcedId,pronouns"
)
EXTENSIONS = _header(
    "metadata.relationship,metadata.portalAccess,metadata.restrictedStudents,"
    "metadata.household,metadata.preferredLanguage,metadata.altEmail,metadata.workPhone,"
    "metadata.address,metadata.city,metadata.state,metadata.postalCode,"
    "metadata.enrolledThisYear,metadata.enrolledNextYear"
)
ORGS = _header("sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId")
ORG_EXTENSIONS = ["metadata.city", "metadata.phone", "metadata.lowGrade", "metadata.highGrade"]
ROLES = _header(
    "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
    "orgSourcedId,userProfileSourcedId"
)
DEMOGRAPHICS = _header(
    "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,"
    "blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
    "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
    "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus"
)


def student_sid(number: str) -> str:
    return f"student-{number}"


def guardian_sid(guardian_id: int) -> str:
    return f"guardian-{guardian_id}"


def school_sid(code: str) -> str:
    return f"school-{code}"


@dataclass(frozen=True)
class ExportWritten:
    path: Path
    students: int
    guardians: int


def _flag(value: bool) -> str:
    return "true" if value else "false"


class _Writer:
    def __init__(self, folder: Path, version: str) -> None:
        self.version = version
        self.handles = {}
        self.writers = {}
        users = USERS_11 if version == "1.1" else USERS_12
        headers = {
            "orgs.csv": ORGS + ORG_EXTENSIONS,
            "users.csv": users + EXTENSIONS,
            "demographics.csv": DEMOGRAPHICS,
        }
        if version == "1.2":
            headers["roles.csv"] = ROLES
        for name, header in headers.items():
            handle = (folder / name).open("w", encoding="utf-8", newline="")
            self.handles[name] = handle
            self.writers[name] = csv.DictWriter(handle, header, restval="")
            self.writers[name].writeheader()

    def row(self, name: str, values: dict[str, str]) -> None:
        self.writers[name].writerow(values)

    def user(self, values: dict[str, str], role: str, orgs: list[str]) -> None:
        if self.version == "1.1":
            values |= {"role": role, "orgSourcedIds": ",".join(orgs)}
        else:
            values |= {"primaryOrgSourcedId": orgs[0] if orgs else ""}
            for i, org in enumerate(orgs or [DISTRICT_SID]):
                self.row(
                    "roles.csv",
                    {
                        "sourcedId": f"{values['sourcedId']}-role-{i}",
                        "userSourcedId": values["sourcedId"],
                        "roleType": "primary" if i == 0 else "secondary",
                        "role": role,
                        "orgSourcedId": org,
                    },
                )
        self.row("users.csv", values)

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def write_demo_export(
    target: Path,
    *,
    guardians: int,
    seed: int,
    now: datetime,
    version: str = "1.2",
    progress: Callable[[int], None] | None = None,
) -> ExportWritten:
    """Write the export into the folder ``target`` (created), or into a zip when
    ``target`` ends in .zip."""
    if version not in ("1.1", "1.2"):
        raise ValueError("OneRoster version 1.1 or 1.2")
    as_zip = target.suffix.lower() == ".zip"
    folder = target.with_suffix("") if as_zip else target
    folder.mkdir(parents=True, exist_ok=True)
    schools = demo_schools()
    school_ids: dict[str, list[int]] = {}
    codes: dict[int, str] = {}
    for school_id, school in enumerate(schools, start=1):
        school_ids.setdefault(school.level, []).append(school_id)
        codes[school_id] = school.code
    out = _Writer(folder, version)
    out.row("orgs.csv", {"sourcedId": DISTRICT_SID, "name": DEMO_DISTRICT_NAME, "type": "district"})
    for school in schools:
        out.row(
            "orgs.csv",
            {
                "sourcedId": school_sid(school.code),
                "name": school.name,
                "type": "school",
                "identifier": school.code,
                "parentSourcedId": DISTRICT_SID,
                "metadata.city": school.city,
                "metadata.phone": school.phone,
                "metadata.lowGrade": GRADE_CODES[school.low_grade],
                "metadata.highGrade": GRADE_CODES[school.high_grade],
            },
        )
    generator = demo_generator(seed=seed, guardians=guardians, now=now, school_ids=school_ids)
    students = written_guardians = 0
    for batch in generator.batches():
        students += _write_batch(out, batch, codes)
        written_guardians += batch.guardians
        if progress:
            progress(batch.guardians)
    out.close()
    _write_manifest(folder, version)
    if as_zip:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, path.name)
                path.unlink()
        folder.rmdir()
    return ExportWritten(target, students, written_guardians)


def _records(batch: Batch, table: str) -> list[dict[str, Any]]:
    columns = COLUMNS[table]
    return [dict(zip(columns, row, strict=True)) for row in batch.rows[table]]


def _write_batch(out: _Writer, batch: Batch, codes: dict[int, str]) -> int:
    students = {s["id"]: s for s in _records(batch, "student")}
    links = _records(batch, "guardian_student")
    logins = {a["student_id"] for a in _records(batch, "portal_account") if a["kind"] == "student"}
    homes: dict[int, list[int]] = {}
    for member in _records(batch, "household_member"):
        if member["guardian_id"]:
            homes.setdefault(member["guardian_id"], []).append(member["household_id"])
    by_guardian: dict[int, list[dict[str, Any]]] = {}
    by_student: dict[int, list[int]] = {}
    for link in links:
        by_guardian.setdefault(link["guardian_id"], []).append(link)
        by_student.setdefault(link["student_id"], []).append(link["guardian_id"])
    for s in students.values():
        sid = student_sid(s["student_number"])
        out.user(
            {
                "sourcedId": sid,
                "enabledUser": "true",
                "username": s["student_number"] if s["id"] in logins else "",
                "givenName": s["first_name"],
                "familyName": s["last_name"],
                "identifier": s["student_number"],
                "agentSourcedIds": ",".join(guardian_sid(g) for g in by_student.get(s["id"], [])),
                "grades": GRADE_CODES[s["grade"]],
                "metadata.enrolledThisYear": _flag(s["enrolled_this_year"]),
                "metadata.enrolledNextYear": _flag(s["enrolled_next_year"]),
            },
            "student",
            [school_sid(codes[s["school_id"]])],
        )
        out.row("demographics.csv", {"sourcedId": sid, "birthDate": s["birth_date"].isoformat()})
    for g in _records(batch, "guardian"):
        mine = by_guardian.get(g["id"], [])
        sids = {
            link["student_id"]: student_sid(students[link["student_id"]]["student_number"])
            for link in mine
        }
        is_guardian = all(link["is_guardian"] for link in mine) if mine else True
        with_portal = [sids[link["student_id"]] for link in mine if link["portal_access"]]
        portal = (
            ""
            if len(with_portal) == len(mine) and is_guardian
            else "none"
            if not with_portal
            else ",".join(with_portal)
        )
        schools = list(
            dict.fromkeys(
                school_sid(codes[students[link["student_id"]]["school_id"]]) for link in mine
            )
        )
        out.user(
            {
                "sourcedId": guardian_sid(g["id"]),
                "enabledUser": "true",
                "givenName": g["first_name"],
                "familyName": g["last_name"],
                "email": g["email"] or "",
                "sms": g["mobile_phone"] or "",
                "phone": g["home_phone"] or "",
                "agentSourcedIds": ",".join(sids.values()),
                "metadata.relationship": mine[0]["relation"] if mine else "",
                "metadata.portalAccess": portal,
                "metadata.restrictedStudents": ",".join(
                    sids[link["student_id"]] for link in mine if link["restricted"]
                ),
                "metadata.household": ",".join(f"household-{h}" for h in homes.get(g["id"], [])),
                "metadata.preferredLanguage": g["preferred_language"],
                "metadata.altEmail": g["alt_email"] or "",
                "metadata.workPhone": g["work_phone"] or "",
                "metadata.address": g["address_line"] or "",
                "metadata.city": g["city"] or "",
                "metadata.state": g["state"] or "",
                "metadata.postalCode": g["postal_code"] or "",
            },
            "parent" if is_guardian else "relative",
            schools,
        )
    return len(students)


def _write_manifest(folder: Path, version: str) -> None:
    files = {
        "academicSessions": "absent",
        "categories": "absent",
        "classes": "absent",
        "classResources": "absent",
        "courses": "absent",
        "courseResources": "absent",
        "demographics": "bulk",
        "enrollments": "absent",
        "lineItems": "absent",
        "orgs": "bulk",
        "resources": "absent",
        "results": "absent",
        "users": "bulk",
    }
    if version == "1.2":
        files["roles"] = "bulk"
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["propertyName", "value"])
        writer.writerow(["manifest.version", "1.0"])
        writer.writerow(["oneroster.version", version])
        for stem, mode in files.items():
            writer.writerow([f"file.{stem}", mode])
        writer.writerow(["source.systemName", "helpdesk_tui demo district"])
        writer.writerow(["source.systemCode", "helpdesk-demo"])

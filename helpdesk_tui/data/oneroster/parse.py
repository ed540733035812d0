"""OneRoster rows to checked records, one row at a time.

What one row can tell is checked here (a missing value, a bad date or email, a field too
long, an unknown org); what needs other rows (unknown students, duplicates, roles from
roles.csv) is checked in SQL once everything is staged (staging.py).

Besides the standard columns, these optional extension columns (OneRoster's
``metadata.*``) carry what a helpdesk needs and the standard lacks:

users.csv  metadata.relationship (mother, grandfather, ...), metadata.portalAccess
           ("all", "none" or student sourcedIds), metadata.restrictedStudents (student
           sourcedIds under a custody or court order), metadata.household (household
           keys), metadata.preferredLanguage, metadata.altEmail, metadata.workPhone,
           metadata.address, metadata.city, metadata.state, metadata.postalCode,
           metadata.enrolledThisYear, metadata.enrolledNextYear (students)
orgs.csv   metadata.city, metadata.phone, metadata.lowGrade, metadata.highGrade
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from helpdesk_tui.data.email_check import email_problem, normalized_email
from helpdesk_tui.data.normalize import fold

STUDENT_ROLES = ("student",)
GUARDIAN_ROLES = ("parent", "guardian", "relative")
PRE_K_GRADES = ("IT", "PR", "PK", "TK", "PS", "UG", "13", "OTHER")
LANGUAGES = {
    "en": "en",
    "eng": "en",
    "english": "en",
    "es": "es",
    "spa": "es",
    "spanish": "es",
    "espanol": "es",
    "espagnol": "es",
}
MAX_ID = 255  # a sourcedId, and each id in a list of them
LIMITS = {
    "sourcedId": MAX_ID,
    "userSourcedId": MAX_ID,
    "orgSourcedId": MAX_ID,
    "givenName": 80,
    "familyName": 80,
    "identifier": 20,
    "phone": 40,
    "sms": 40,
    "metadata.workPhone": 40,
    "metadata.address": 200,
    "metadata.city": 80,
    "metadata.state": 8,
    "metadata.postalCode": 12,
    "metadata.relationship": 40,
    "name": 120,
    "metadata.phone": 40,
}
REQUIRED_COLUMNS = {
    ("users.csv", "1.1"): ("sourcedId", "orgSourcedIds", "role", "givenName", "familyName"),
    ("users.csv", "1.2"): ("sourcedId", "givenName", "familyName"),
    ("orgs.csv", "1.1"): ("sourcedId", "name", "type"),
    ("orgs.csv", "1.2"): ("sourcedId", "name", "type"),
    ("roles.csv", "1.2"): ("userSourcedId", "role", "orgSourcedId"),
    ("demographics.csv", "1.1"): ("sourcedId", "birthDate"),
    ("demographics.csv", "1.2"): ("sourcedId", "birthDate"),
}


class RowProblem(Exception):
    """This row cannot be imported; the message says why."""


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}"


def missing_columns(file: str, version: str, header: list[str]) -> list[str]:
    present = set(header)
    return [c for c in REQUIRED_COLUMNS.get((file, version), ()) if c not in present]


def cell(row: dict[str, str], name: str, *, required: bool = False) -> str | None:
    """A trimmed value, None when blank; checked against the column's length."""
    value = (row.get(name) or "").strip()
    if not value:
        if required:
            raise RowProblem(f"{name} is blank; it is required")
        return None
    limit = LIMITS.get(name)
    if limit and len(value) > limit:
        raise RowProblem(f"{name} has {len(value)} characters; at most {limit} fit")
    return value


def id_list(row: dict[str, str], name: str) -> tuple[str, ...]:
    """A list of sourcedIds in one cell, comma-separated (some exports add spaces); an
    id too long for its column is a row problem, never cut."""
    ids = tuple(dict.fromkeys(p.strip() for p in (row.get(name) or "").split(",") if p.strip()))
    for one in ids:
        if len(one) > MAX_ID:
            raise RowProblem(f"{name} has an id of {len(one)} characters; at most {MAX_ID} fit")
    return ids


def status_of(row: dict[str, str]) -> str:
    status = (row.get("status") or "").strip().lower()
    if status in ("", "active"):
        return "active"
    if status == "tobedeleted":
        return "tobedeleted"
    raise RowProblem(f"status {status!r} is not active or tobedeleted")


def check_modified(row: dict[str, str]) -> None:
    value = (row.get("dateLastModified") or "").strip()
    if value:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise RowProblem(
                f"dateLastModified {value[:40]!r} is not a date and time like 2026-08-15T14:30:00Z"
            ) from None


def flag(row: dict[str, str], name: str) -> bool | None:
    value = (row.get(name) or "").strip().lower()
    if not value:
        return None
    if value in ("true", "1", "yes", "y"):
        return True
    if value in ("false", "0", "no", "n"):
        return False
    raise RowProblem(f"{name} {value!r} is not true or false")


def birth_date(value: str) -> date:
    try:
        born = date.fromisoformat(value.strip())
    except ValueError:
        raise RowProblem(f"birthDate {value[:40]!r} is not a date like 2015-03-04") from None
    if not date(1900, 1, 1) <= born <= datetime.now(UTC).date():
        raise RowProblem(f"birthDate {value} is not a plausible birth date")
    return born


def grade_of(value: str | None) -> tuple[int | None, str]:
    """(grade 0-12, "") for KG and 01-12; (None, "skip") for grades the portal does not
    serve (pre-K, ungraded); (None, reason) for anything else."""
    if not value:
        return None, "the student has no grade"
    code = value.split(",")[0].strip().upper()
    if code in ("KG", "K", "0", "00"):
        return 0, ""
    if code.isdigit() and 1 <= int(code) <= 12:
        return int(code), ""
    if code in PRE_K_GRADES:
        return None, "skip"
    return None, f"grade {code[:10]!r} is not a OneRoster grade (KG, 01-12, PK...)"


def language(value: str | None) -> str | None:
    if not value:
        return None
    code = LANGUAGES.get(fold(value.strip()))
    if code:
        return code
    if value.isalpha() and len(value) in (2, 3):
        return value.lower()
    raise RowProblem(f"preferredLanguage {value[:30]!r} is not a language code such as en or es")


def checked_email(value: str | None, column: str) -> tuple[str | None, str | None]:
    """(address as stored, problem) for an email cell; the problem is reported only for
    the people whose email we keep (guardians), which staging knows later."""
    if not value:
        return None, None
    problem = email_problem(value)
    if problem:
        return value[:254], f"{column} {value[:60]!r} is not a valid email address: {problem}"
    return normalized_email(value), None


def household_key(row: dict[str, str], agents: tuple[str, ...], sid: str) -> tuple[str, ...]:
    """The households a guardian lives in: as the export names them, else one household
    per address (or per set of children, when there is no address)."""
    named = id_list(row, "metadata.household")
    if named:
        return named
    address = (row.get("metadata.address") or "").strip()
    if address:
        postal = (row.get("metadata.postalCode") or "").strip()
        return (f"address:{fold(address)}|{postal}"[:255],)
    if agents:
        return (f"family:{'|'.join(sorted(agents))}"[:255],)
    return (f"person:{sid}"[:255],)

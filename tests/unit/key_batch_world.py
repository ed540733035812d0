"""A small district made by hand for the batch-key tests: two schools, three staff
members and guardians each in one situation a batch run must handle.

School 101 (Oak Elementary, K-5), its list "with rights, no account":

    household   guardian       student (grade)      situation                     fate
    H1          Ana Alpha (es) Sam Alpha (3)        email and address             key
    H1          Bo Alpha       Sam Alpha (3)        email and address             key
    H2          Cy Beta        Tia Beta (1)         address, no email             key (letter)
    -           Di Gamma       Uma Gamma (5)        also restricted to Val (2)    restricted
    -           Ed Delta       Wes Delta (4)        verification block open       blocked
    -           Flo Epsilon    Xia Epsilon (K)      no email, no address          no address
    H3          Ivy Theta      Yan Theta (2)        key unused for 40 days        key
    -           Gus Zeta       Zoe Zeta (4)         active account, old key       (not listed)
    -           Kim Iota       Val Gamma (2)        restricted only: no rights    (not listed)

School 202 (Elm Middle, 6-8): Hal Eta, Quinn Eta (7), email and address.

Letters for 101 come in grade order: H2 (grade 1: Cy), H3 (grade 2: Ivy), H1 (grade 3:
Ana, Bo). ``extra`` more families at 101 (each its own household, grade 0-5) make a run
long enough to kill part way.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlmodel import Session, col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.key_codec import key_digest, key_last4, new_key
from helpdesk_tui.data.passwords import hash_password
from helpdesk_tui.data.tables import (
    ActivationKey,
    AuditEvent,
    DistrictSettings,
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    KeyBatch,
    KeyBatchItem,
    PortalAccount,
    School,
    Staff,
    Student,
    VerificationBlock,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.key_batches import (
    BatchChoice,
    BatchProgress,
    continue_key_batch,
    discard_letter_parts,
    finish_key_batch,
    key_batch_progress,
    merge_batch_letters,
)
from helpdesk_tui.services.recovery import BatchKeyRequest, check_key
from helpdesk_tui.vocabulary import UsageCondition

PASSWORD = "batch-password"
_hash: list[str] = []


def _password_hash() -> str:
    if not _hash:  # argon2 is slow on purpose: once per test session
        _hash.append(hash_password(PASSWORD))
    return _hash[0]


@dataclass
class World:
    supervisor: StaffMember
    agent: StaffMember
    clerk: StaffMember
    ids: dict[str, int] = field(default_factory=dict)  # guardian first name -> id
    extra: list[int] = field(default_factory=list)

    def gid(self, first_name: str) -> int:
        return self.ids[first_name]


class _Builder:
    def __init__(self, session: Session, now: datetime) -> None:
        self.s = session
        self.now = now
        self.number = 0

    def school(self, code: str, name: str, low: int, high: int) -> int:
        school = School(
            code=code, name=name, level="elementary" if high <= 5 else "middle",
            low_grade=low, high_grade=high, city="Oakton", phone="(630) 555-0101",
        )  # fmt: skip
        self.s.add(school)
        self.s.flush()
        return school.id or 0

    def household(self, name: str) -> int:
        household = Household(name=name, address_line="1 Main St", city="Oakton")
        self.s.add(household)
        self.s.flush()
        return household.id or 0

    def student(self, first: str, last: str, grade: int, school: int, household: int | None) -> int:
        self.number += 1
        student = Student(
            student_number=f"S{self.number:05d}", first_name=first, last_name=last, grade=grade,
            school_id=school,
        )  # fmt: skip
        self.s.add(student)
        self.s.flush()
        if household:
            self.s.add(HouseholdMember(household_id=household, student_id=student.id))
        return student.id or 0

    def guardian(
        self,
        first: str,
        last: str,
        *,
        students: list[int],
        household: int | None = None,
        email: bool = True,
        address: bool = True,
        language: str = "en",
        restricted: list[int] = (),  # type: ignore[assignment]
    ) -> int:
        guardian = Guardian(
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@example.org" if email else None,
            address_line="1 Main St" if address else None,
            city="Oakton" if address else None,
            state="IL" if address else None,
            postal_code="60500" if address else None,
            preferred_language=language,
        )
        self.s.add(guardian)
        self.s.flush()
        gid = guardian.id or 0
        for student in students:
            self.s.add(GuardianStudent(guardian_id=gid, student_id=student, relation="mother"))
        for student in restricted:
            self.s.add(
                GuardianStudent(
                    guardian_id=gid, student_id=student, relation="father", restricted=True
                )
            )
        if household:
            self.s.add(HouseholdMember(household_id=household, guardian_id=gid))
        return gid

    def key(self, gid: int, *, days_old: int) -> None:
        key = new_key()
        issued = self.now - timedelta(days=days_old)
        self.s.add(
            ActivationKey(
                guardian_id=gid, digest=key_digest(key), last4=key_last4(key), status="active",
                issued_at=issued, expires_at=issued + timedelta(days=90),
            )
        )  # fmt: skip


def build_world(db: Database, *, extra: int = 0, now: datetime | None = None) -> World:
    now = now or datetime.now(UTC)
    with db.write() as s:
        s.add(
            DistrictSettings(
                name="Test District",
                portal_url="https://portal.example.org",
                helpdesk_email="help@example.org",
                helpdesk_phone="(630) 555-0100",
            )
        )
        b = _Builder(s, now)
        oak = b.school("101", "Oak Elementary School", 0, 5)
        elm = b.school("202", "Elm Middle School", 6, 8)
        people = {
            "agent": Staff(username="ana", full_name="Ana Agent", role="agent"),
            "clerk": Staff(username="cal", full_name="Cal Clerk", role="clerk", school_id=oak),
            "supervisor": Staff(username="sue", full_name="Sue Supervisor", role="supervisor"),
        }
        for person in people.values():
            person.password_hash, person.created_at = _password_hash(), now - timedelta(days=300)
        s.add_all(people.values())
        s.flush()
        ids: dict[str, int] = {}
        h1, h2, h3 = b.household("Alpha"), b.household("Beta"), b.household("Theta")
        sam = b.student("Sam", "Alpha", 3, oak, h1)
        ids["Ana"] = b.guardian("Ana", "Alpha", students=[sam], household=h1, language="es")
        ids["Bo"] = b.guardian("Bo", "Alpha", students=[sam], household=h1)
        tia = b.student("Tia", "Beta", 1, oak, h2)
        ids["Cy"] = b.guardian("Cy", "Beta", students=[tia], household=h2, email=False)
        val = b.student("Val", "Gamma", 2, oak, None)
        uma = b.student("Uma", "Gamma", 5, oak, None)
        ids["Di"] = b.guardian("Di", "Gamma", students=[uma], restricted=[val])
        ids["Kim"] = b.guardian("Kim", "Iota", students=[], restricted=[val])
        wes = b.student("Wes", "Delta", 4, oak, None)
        ids["Ed"] = b.guardian("Ed", "Delta", students=[wes])
        s.add(VerificationBlock(guardian_id=ids["Ed"], blocked_at=now, failures=3))
        xia = b.student("Xia", "Epsilon", 0, oak, None)
        ids["Flo"] = b.guardian("Flo", "Epsilon", students=[xia], email=False, address=False)
        yan = b.student("Yan", "Theta", 2, oak, h3)
        ids["Ivy"] = b.guardian("Ivy", "Theta", students=[yan], household=h3)
        b.key(ids["Ivy"], days_old=40)
        zoe = b.student("Zoe", "Zeta", 4, oak, None)
        ids["Gus"] = b.guardian("Gus", "Zeta", students=[zoe])
        b.key(ids["Gus"], days_old=40)
        s.add(
            PortalAccount(
                kind="guardian", guardian_id=ids["Gus"], username="guszeta",
                username_key="guszeta", created_at=now - timedelta(days=50),
            )
        )  # fmt: skip
        quinn = b.student("Quinn", "Eta", 7, elm, None)
        ids["Hal"] = b.guardian("Hal", "Eta", students=[quinn])
        extras = []
        for i in range(extra):
            home = b.household(f"Extra {i}")
            child = b.student(f"Kid{i:03d}", "Extra", i % 6, oak, home)
            extras.append(b.guardian(f"Pat{i:03d}", "Extra", students=[child], household=home))
        s.flush()
        actors = {
            k: StaffMember.of(p, "Oak Elementary School" if k == "clerk" else None)
            for k, p in people.items()
        }
    return World(actors["supervisor"], actors["agent"], actors["clerk"], ids, extras)


# -- what a run left behind ------------------------------------------------------------
KEY_IN_LETTER = re.compile(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}")


def run_to_end(db: Database, actor: StaffMember, batch_id: int) -> BatchProgress:
    """The caller's loop (steps.py), as the command line and the app run it."""
    while True:
        with db.write() as s:
            progress = continue_key_batch(s, actor=actor, batch_id=batch_id)
        if not progress.pending:
            break
    with db.read() as s:
        merge_batch_letters(s, actor=actor, batch_id=batch_id)
    with db.write() as s:
        progress = finish_key_batch(s, actor=actor, batch_id=batch_id)
    discard_letter_parts(progress)
    return progress


def key_batch_progress_of(db: Database, actor: StaffMember, batch_id: int) -> BatchProgress:
    with db.read() as s:
        return key_batch_progress(s, actor=actor, batch_id=batch_id)


def active_keys(db: Database, gid: int) -> list[ActivationKey]:
    with db.read() as s:
        rows = s.exec(
            select(ActivationKey).where(
                col(ActivationKey.guardian_id) == gid, col(ActivationKey.status) == "active"
            )
        ).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


def audit_actions(db: Database, action: str, outcome: str = "done") -> list[AuditEvent]:
    with db.read() as s:
        rows = s.exec(
            select(AuditEvent)
            .where(col(AuditEvent.action) == action, col(AuditEvent.outcome) == outcome)
            .order_by(col(AuditEvent.id))
        ).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


def letters_in(db: Database, actor: StaffMember, pdf: Path) -> list[tuple[int, str, str]]:
    """(guardian id whose key it is, the key's state, the page's text) per page: each
    key read off the page and looked up as a parent reading it out would be."""
    pages = []
    for page in PdfReader(pdf, strict=True).pages:
        text = page.extract_text()
        found = KEY_IN_LETTER.findall(text)
        assert len(found) == 1, f"a page without exactly one key: {text[:200]}"
        with db.write() as s:
            check = check_key(s, actor=actor, key_text=found[0])
        pages.append((check.guardian_id, str(check.status), text))
    return pages


# -- for the permission matrix ------------------------------------------------------------
def matrix_batch(session: Session, *, started_by: int, guardian_id: int, pending: bool) -> int:
    """A run (by email) of one family, waiting for its key or already decided; its id."""
    batch = KeyBatch(
        started_at=datetime.now(UTC), started_by_staff_id=started_by, list_name="no_account",
        days=30, by_email=True, by_letter=False,
    )  # fmt: skip
    session.add(batch)
    session.flush()
    session.add(
        KeyBatchItem(
            batch_id=batch.id or 0, guardian_id=guardian_id, position=1,
            state="pending" if pending else "skipped", reason=None if pending else "has_account",
        )
    )  # fmt: skip
    session.flush()
    return batch.id or 0


def batch_key_cases() -> dict[str, Any]:
    """The permission matrix's rows for the batch services, supervisors only (kept here:
    permission_cases.py is at the length limit); test_permission_matrix adds them to
    permission_cases.CASES. Runs of one family, the matrix's, who has a login (so no key
    is ever issued)."""
    from tests.unit.permission_cases import SUPERVISORS, Case

    def run(pending: bool) -> Callable[[Any], dict[str, Any]]:
        return lambda c: {
            "batch_id": matrix_batch(
                c.s, started_by=c.world.supervisor.id, guardian_id=c.gid, pending=pending
            )
        }

    def choice(c: Any) -> BatchChoice:
        return BatchChoice(
            UsageCondition.NO_ACCOUNT, email=True, letters=False, school_id=c.world.clerk.school_id
        )

    builds: dict[str, Callable[[Any], dict[str, Any]]] = {
        "key_batches.continue_key_batch": run(True),
        "key_batches.finish_key_batch": run(False),
        "key_batches.key_batch_progress": run(True),
        "key_batches.merge_batch_letters": run(False),
        "key_batches.plan_key_batch": lambda c: {"choice": choice(c)},
        "key_batches.start_key_batch": lambda c: {"choice": choice(c), "letters_folder": None},
        "key_batches.unfinished_key_batches": lambda c: {},
        "recovery.issue_batch_keys": lambda c: {
            "requests": [BatchKeyRequest(c.gid, email=True, letter=False)],
            "batch_label": "batch #0",
            "since": c.now,
        },
    }
    return {name: Case(SUPERVISORS, build) for name, build in builds.items()}

"""The demo district as the permission matrix acts in it: the roles, the two families
(one with a student at the clerk's school, one without) and, per call, a context whose
helpers make a call's preconditions true (see permission_cases.py)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import exists
from sqlmodel import Session, col, select, update

from helpdesk_tui.data.demo.rows import demo_key
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    GuardianStudent,
    MailImportFailure,
    OutboxMessage,
    PortalAccount,
    School,
    Staff,
    Student,
    Verification,
    VerificationBlock,
    VerificationCode,
)
from helpdesk_tui.services.guardians import portal_refusal
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.tickets import create_ticket
from helpdesk_tui.services.verification import get_policy
from helpdesk_tui.vocabulary import Role
from tests.conftest import SEED

ROLES = ("agent", "clerk of the family's school", "clerk of another school", "supervisor")
CODE = "123456"  # the code a Ctx.code() row was sent with (its hash: World.code_hash)
LOCKED_STAFF = "matrix-locked"  # an agent account the matrix locks and unlocks
MATCHED = '{"birth_date": "match", "zip": "match"}'


@dataclass(frozen=True)
class Family:
    """A guardian of the demo district the matrix acts for: an active portal login with
    a verified security email, portal rights to an enrolled student, no restriction."""

    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    postal_code: str
    key_text: str  # one of their demo activation keys, as a caller reads it out


@dataclass
class World:
    """One copy of the demo district, shared by the module's calls on one database."""

    db: Database
    agent: StaffMember
    clerk: StaffMember
    supervisor: StaffMember
    here: Family  # a student at the clerk's school
    elsewhere: Family  # no student at the clerk's school
    folder: Path
    code_hash: str
    serial: "count[int]" = field(default_factory=lambda: count(1))

    def ctx(self, role: str, session: Session) -> "Ctx":
        """The call's context; its preconditions are written in ``session`` (one
        transaction for the whole setup, so the matrix stays cheap)."""
        actor, family = {
            ROLES[0]: (self.agent, self.elsewhere),
            ROLES[1]: (self.clerk, self.here),
            ROLES[2]: (self.clerk, self.elsewhere),
            ROLES[3]: (self.supervisor, self.elsewhere),
        }[role]
        ctx = Ctx(self, session, role, actor, family)
        ctx.baseline()
        return ctx


@dataclass
class Ctx:
    """One call: who acts, for which family, and the preconditions it needs (written in
    the setup transaction ``s``)."""

    world: World
    s: Session
    role: str
    actor: StaffMember
    family: Family
    made: dict[str, Any] = field(default_factory=dict)

    @property
    def gid(self) -> int:
        return self.family.id

    @property
    def sees_family(self) -> bool:
        return self.role != ROLES[2]

    @property
    def now(self) -> datetime:
        return datetime.now(UTC)

    @property
    def method(self) -> str:
        return "in_person" if self.actor.is_clerk else "phone"

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(self.world.serial)}"

    def baseline(self) -> None:
        """The family as the matrix found it: login active and verified, no block, no
        restriction (earlier calls may have changed them)."""
        self.account(
            status="active",
            failed_login_count=0,
            disabled_at=None,
            disabled_reason=None,
            security_email_verified=True,
        )
        self.s.exec(
            update(VerificationBlock)
            .where(
                col(VerificationBlock.guardian_id) == self.gid,
                col(VerificationBlock.cleared_at).is_(None),
            )
            .values(cleared_at=self.now, clear_reason="matrix baseline")
        )
        self.s.exec(
            update(GuardianStudent)
            .where(col(GuardianStudent.guardian_id) == self.gid)
            .values(restricted=False)
        )

    def ticket(self) -> int:
        """A new open ticket of the family (opened by the supervisor)."""
        ref = create_ticket(
            self.s,
            actor=self.world.supervisor,
            channel="phone",
            category="lost_key",
            subject="Lost my key",
            body="I lost my key.",
            guardian_id=self.gid,
        )
        self.made["ticket"] = ref.id
        return ref.id

    def _verification(self, **values: Any) -> Verification:
        v = Verification(
            guardian_id=self.gid, staff_id=self.actor.id, started_at=self.now, **values
        )
        self.s.add(v)
        self.s.flush()
        return v

    def verification(self, *, ready: bool = False, method: str | None = None) -> int:
        """An open verification of the actor for the family (as if started when the
        actor could: for a clerk of another school, the family's student has since
        left that school); ``ready``: enough matches and a proof to pass."""
        return (
            self._verification(
                method=method or self.method,
                screening=MATCHED if ready else "{}",
                proofs=self._proof() if ready else "{}",
            ).id
            or 0
        )

    def _proof(self) -> str:
        return '{"photo_id": "passport"}' if self.actor.is_clerk else '{"callback": "on file"}'

    def passed(self) -> Verification:
        """A pass of the actor for the family, so an action is refused only for its
        permission, never for want of a verification."""
        v = self._verification(
            method=self.method,
            finished_at=self.now,
            outcome="passed",
            screening=MATCHED,
            proofs=self._proof(),
            valid_until=self.now + timedelta(minutes=30),
        )
        self.s.refresh(v)
        self.s.expunge(v)
        return v

    def code(self, verification_id: int) -> int:
        """A code sent for the verification (read back as CODE); returns its id."""
        sent = VerificationCode(
            verification_id=verification_id,
            code_hash=self.world.code_hash,
            sent_to=self.family.email,
            created_at=self.now,
            expires_at=self.now + timedelta(minutes=10),
        )
        self.s.add(sent)
        self.s.flush()
        return sent.id or 0

    def locked_staff(self) -> str:
        """A staff account locked after failed sign-ins; returns its username."""
        self.s.exec(
            update(Staff)
            .where(col(Staff.username) == LOCKED_STAFF)
            .values(locked_at=self.now, failed_sign_ins=5)
        )
        return LOCKED_STAFF

    def account(self, **values: object) -> None:
        self.s.exec(
            update(PortalAccount).where(col(PortalAccount.guardian_id) == self.gid).values(**values)
        )

    def block(self) -> None:
        self.s.add(VerificationBlock(guardian_id=self.gid, blocked_at=self.now, failures=3))

    def failed_mail(self) -> int:
        """An email to the family that failed for good (the outbox row's id)."""
        row = OutboxMessage(
            message_id=f"<{self.unique('failed-')}@helpdesk.invalid>",
            created_at=self.now,
            kind="username",
            guardian_id=self.gid,
            to_address="parent@example.org",
            subject="Your portal username",
            body="Your username is ...",
            status="failed",
            attempts=8,
            next_attempt_at=self.now,
            last_error="550 mailbox unavailable",
        )
        self.s.add(row)
        self.s.flush()
        return row.id or 0

    def unimported_mail(self) -> int:
        """An email from the mailbox that could not be imported (its list entry's id)."""
        row = MailImportFailure(
            failed_at=self.now,
            message_id=f"<{self.unique('bad-')}@parent.example>",
            sender="parent@example.org",
            subject="help",
            error="ValueError: could not read it",
        )
        self.s.add(row)
        self.s.flush()
        return row.id or 0

    def restricted_student(self) -> int:
        link = self.s.exec(
            select(GuardianStudent).where(col(GuardianStudent.guardian_id) == self.gid)
        ).first()
        assert link is not None
        link.restricted = True
        return link.student_id

    def policy_unchanged(self) -> dict[str, object]:
        return {"pass_minutes": get_policy(self.s).pass_minutes}


def _member(session: Session, username: str) -> StaffMember:
    row = session.exec(select(Staff).where(col(Staff.username) == username)).one()
    school = session.get(School, row.school_id) if row.school_id else None
    return StaffMember(
        row.id or 0,
        row.username,
        row.full_name,
        Role(row.role),
        row.school_id,
        school.name if school else None,
    )


def _family(session: Session, clerk: StaffMember, *, at_clerks_school: bool) -> Family:
    link, student = GuardianStudent, Student
    at_school = exists().where(
        col(link.guardian_id) == col(Guardian.id),
        col(link.student_id) == col(student.id),
        col(student.school_id) == clerk.school_id,
    )
    verified_login = exists().where(
        col(PortalAccount.guardian_id) == col(Guardian.id),
        col(PortalAccount.status) == "active",
        col(PortalAccount.security_email_verified),
        col(PortalAccount.security_email).is_not(None),
    )
    has_key = exists().where(col(ActivationKey.guardian_id) == col(Guardian.id))
    candidates = session.exec(
        select(Guardian)
        .where(
            at_school if at_clerks_school else ~at_school,
            verified_login,
            has_key,
            col(Guardian.email).is_not(None),
            col(Guardian.postal_code).is_not(None),
            col(Guardian.mobile_phone).is_not(None),
        )
        .order_by(col(Guardian.id))
    ).all()
    g = next(g for g in candidates if portal_refusal(session, g.id or 0) is None)
    key_id = session.exec(
        select(ActivationKey.id).where(col(ActivationKey.guardian_id) == g.id).limit(1)
    ).one()
    return Family(
        g.id or 0,
        g.first_name,
        g.last_name,
        g.email or "",
        g.mobile_phone or "",
        g.postal_code or "",
        demo_key(SEED, key_id or 0),
    )


def build_world(db: Database, folder: Path) -> World:
    with db.write() as s:
        s.add(
            Staff(
                username=LOCKED_STAFF,
                full_name="Locked Agent",
                role="agent",
                password_hash="not a hash: never signs in",
                created_at=datetime.now(UTC),
            )
        )
        agent, clerk, supervisor = (
            _member(s, f"demo-{role}") for role in ("agent", "clerk", "supervisor")
        )
        here = _family(s, clerk, at_clerks_school=True)
        elsewhere = _family(s, clerk, at_clerks_school=False)
    # The code's hash with argon2's cheapest parameters (a hash carries its own), so
    # checking a code costs the matrix microseconds, not a real hash's tens of ms.
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(CODE)
    return World(db, agent, clerk, supervisor, here, elsewhere, folder, cheap)

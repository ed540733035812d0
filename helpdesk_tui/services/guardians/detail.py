"""Everything staff see about one guardian: contact, households, students and their
relationship flags, the portal account, key history (never a key value) and the
recent access log. Times are in the district's time zone."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import (
    ActivationKey,
    AuditEvent,
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    LoginAttempt,
    PortalAccount,
    School,
    Staff,
    Student,
    core_table,
)
from helpdesk_tui.services.guardians.history import AuditEntry, guardian_history
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district, grade_label
from helpdesk_tui.services.kernel.errors import NotFound, NotPermitted
from helpdesk_tui.services.kernel.permissions import may_see_guardian
from helpdesk_tui.services.verification import current_pass, open_block, verification_summary
from helpdesk_tui.vocabulary import AccountStatus, KeyStatus, Language

ACCESS_LOG_ROWS = 20
AUDIT_ROWS = 30


@dataclass(frozen=True, slots=True)
class StudentLink:
    student_id: int
    name: str
    student_number: str
    grade: str
    school: str
    enrolled_this_year: bool
    enrolled_next_year: bool
    relation: str
    is_guardian: bool
    portal_access: bool
    restricted: bool

    @property
    def enrollment(self) -> str:
        years = [
            label
            for label, on in (("this", self.enrolled_this_year), ("next", self.enrolled_next_year))
            if on
        ]
        return "+".join(years) + " year" if years else "not enrolled"

    @property
    def rights(self) -> str:
        """The relationship's rights in two words: legal guardian, portal access."""
        held = [
            name
            for name, on in (("guardian", self.is_guardian), ("portal", self.portal_access))
            if on
        ]
        return " + ".join(held) or "none"


@dataclass(frozen=True, slots=True)
class HouseholdView:
    name: str
    address: str
    phone: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AccountView:
    username: str
    status: AccountStatus
    failed_login_count: int
    disabled_at: datetime | None
    disabled_reason: str | None
    last_login_at: datetime | None
    created_at: datetime
    security_email: str | None
    security_email_verified: bool


@dataclass(frozen=True, slots=True)
class KeyView:
    last4: str
    status: KeyStatus
    issued_at: datetime
    issued_by: str
    expires_at: datetime | None
    redeemed_at: datetime | None
    redeemed_by_username: str | None
    revoked_at: datetime | None
    revoke_reason: str | None

    @property
    def masked(self) -> str:
        return f"…-{self.last4}"


@dataclass(frozen=True, slots=True)
class LoginView:
    at: datetime
    ip_address: str
    success: bool
    username_tried: str


@dataclass(frozen=True, slots=True)
class GuardianDetail:
    guardian_id: int
    name: str
    first_name: str
    last_name: str
    emails: tuple[str, ...]
    phones: tuple[tuple[str, str], ...]  # (label, number)
    address: str
    preferred_language: str
    language_set_by_staff: bool
    active: bool
    students: tuple[StudentLink, ...]
    households: tuple[HouseholdView, ...]
    account: AccountView | None
    keys: tuple[KeyView, ...]
    access_log: tuple[LoginView, ...]
    district: DistrictInfo
    audit: tuple[AuditEntry, ...] = ()
    # This staff member's unexpired pass for this guardian (district time), if any.
    verified_until: datetime | None = None
    verified_by: str = ""
    blocked: bool = False
    fingerprint: tuple[object, ...] = ()

    @property
    def portal_status(self) -> str:
        """One line a clerk can read out: the account's state and what it means."""
        if self.account and self.account.status == AccountStatus.DISABLED:
            return "disabled: " + (self.account.disabled_reason or "reason not recorded")
        if self.account:
            return "active"
        if any(k.status == KeyStatus.ACTIVE for k in self.keys):
            return "never activated: key outstanding"
        return "never activated: no key"

    @property
    def has_restriction(self) -> bool:
        return any(s.restricted for s in self.students)


def get_guardian_detail(
    session: Session, *, actor: StaffMember, guardian_id: int
) -> GuardianDetail:
    guardian = session.get(Guardian, guardian_id)
    if guardian is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database; search again.")
    if not may_see_guardian(session, actor=actor, guardian_id=guardian_id):
        raise NotPermitted(
            "This family has no student at your school. Refer them to the district helpdesk "
            "or to their own school's office."
        )
    # Read before the record: a change landing while it loads then shows as a change at
    # the next check (one extra reload) instead of hiding behind a newer fingerprint.
    fingerprint = portal_fingerprint(session, guardian_id=guardian_id)
    district = get_district(session)
    local = district.local
    passed = current_pass(session, actor=actor, guardian_id=guardian_id)
    a = session.exec(
        select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian_id)
    ).first()
    account = None
    if a is not None:
        account = AccountView(
            username=a.username,
            status=AccountStatus(a.status),
            failed_login_count=a.failed_login_count,
            disabled_at=local(a.disabled_at),
            disabled_reason=a.disabled_reason,
            last_login_at=local(a.last_login_at),
            created_at=a.created_at.astimezone(district.zone),
            security_email=a.security_email,
            security_email_verified=a.security_email_verified,
        )
    return GuardianDetail(
        guardian_id=guardian_id,
        name=f"{guardian.first_name} {guardian.last_name}",
        first_name=guardian.first_name,
        last_name=guardian.last_name,
        emails=tuple(e for e in (guardian.email, guardian.alt_email) if e),
        phones=tuple(
            (label, n)
            for label, n in (
                ("mobile", guardian.mobile_phone),
                ("home", guardian.home_phone),
                ("work", guardian.work_phone),
            )
            if n
        ),
        address=", ".join(
            p
            for p in (
                guardian.address_line,
                guardian.city,
                f"{guardian.state or ''} {guardian.postal_code or ''}".strip(),
            )
            if p
        ),
        preferred_language=Language.label_of(guardian.preferred_language),
        language_set_by_staff=guardian.language_set_by_staff,
        active=guardian.active,
        students=_students(session, guardian_id),
        households=_households(session, guardian_id),
        account=account,
        keys=_keys(session, guardian_id, district),
        access_log=_access_log(session, a.id if a else None, district),
        district=district,
        audit=tuple(
            replace(e, at=e.at.astimezone(district.zone))
            for e in guardian_history(session, guardian_id, limit=AUDIT_ROWS)
        ),
        verified_until=local(passed.valid_until) if passed else None,
        verified_by=verification_summary(session, passed, actor) if passed else "",
        blocked=open_block(session, guardian_id) is not None,
        fingerprint=fingerprint,
    )


def _students(session: Session, guardian_id: int) -> tuple[StudentLink, ...]:
    rows = session.exec(
        select(Student, col(School.name), GuardianStudent)
        .join(GuardianStudent, col(GuardianStudent.student_id) == col(Student.id))
        .join(School, col(School.id) == col(Student.school_id))
        .where(col(GuardianStudent.guardian_id) == guardian_id)
        .order_by(col(Student.grade).desc(), col(Student.id))
    ).all()
    return tuple(
        StudentLink(
            student_id=s.id or 0,
            name=f"{s.first_name} {s.last_name}",
            student_number=s.student_number,
            grade=grade_label(s.grade),
            school=school,
            enrolled_this_year=s.enrolled_this_year,
            enrolled_next_year=s.enrolled_next_year,
            relation=link.relation,
            is_guardian=link.is_guardian,
            portal_access=link.portal_access,
            restricted=link.restricted,
        )
        for s, school, link in rows
    )


def _households(session: Session, guardian_id: int) -> tuple[HouseholdView, ...]:
    households = core_table(Household)
    members = core_table(HouseholdMember)
    guardians = core_table(Guardian)
    students = core_table(Student)
    mine, member = members.alias("mine"), members.alias("member")
    rows = session.connection().execute(
        sa_select(
            households.c.id,
            households.c.name,
            households.c.address_line,
            households.c.city,
            households.c.phone,
            guardians.c.first_name,
            guardians.c.last_name,
            students.c.first_name.label("s_first"),
            students.c.last_name.label("s_last"),
        )
        .select_from(
            households.join(
                mine,
                and_(mine.c.household_id == households.c.id, mine.c.guardian_id == guardian_id),
            )
            .join(member, member.c.household_id == households.c.id)
            .outerjoin(guardians, guardians.c.id == member.c.guardian_id)
            .outerjoin(students, students.c.id == member.c.student_id)
        )
        .order_by(households.c.id, member.c.student_id.is_not(None), member.c.id)
    )
    grouped: dict[int, tuple[Any, list[str]]] = {}
    for row in rows:
        entry = grouped.setdefault(row.id, (row, []))
        person = (
            f"{row.first_name} {row.last_name}"
            if row.first_name
            else f"{row.s_first} {row.s_last} (student)"
        )
        entry[1].append(person)
    return tuple(
        HouseholdView(
            name=h.name,
            address=", ".join(p for p in (h.address_line, h.city) if p),
            phone=h.phone or "",
            members=tuple(people),
        )
        for h, people in grouped.values()
    )


def _keys(session: Session, guardian_id: int, district: DistrictInfo) -> tuple[KeyView, ...]:
    issuer = aliased(Staff)
    rows = session.exec(
        select(ActivationKey, col(issuer.full_name), col(PortalAccount.username))
        .join(issuer, col(issuer.id) == col(ActivationKey.issued_by_staff_id), isouter=True)
        .join(
            PortalAccount,
            col(PortalAccount.id) == col(ActivationKey.redeemed_by_account_id),
            isouter=True,
        )
        .where(col(ActivationKey.guardian_id) == guardian_id)
        .order_by(col(ActivationKey.issued_at).desc(), col(ActivationKey.id).desc())
    ).all()
    local = district.local
    return tuple(
        KeyView(
            last4=k.last4,
            status=KeyStatus(k.status),
            issued_at=k.issued_at.astimezone(district.zone),
            issued_by=issued_by or "district import",
            expires_at=local(k.expires_at),
            redeemed_at=local(k.redeemed_at),
            redeemed_by_username=username,
            revoked_at=local(k.revoked_at),
            revoke_reason=k.revoke_reason,
        )
        for k, issued_by, username in rows
    )


def _access_log(
    session: Session, account_id: int | None, district: DistrictInfo
) -> tuple[LoginView, ...]:
    if account_id is None:
        return ()
    rows = session.exec(
        select(LoginAttempt)
        .where(col(LoginAttempt.account_id) == account_id)
        .order_by(col(LoginAttempt.attempted_at).desc(), col(LoginAttempt.id).desc())
        .limit(ACCESS_LOG_ROWS)
    ).all()
    return tuple(
        LoginView(
            at=r.attempted_at.astimezone(district.zone),
            ip_address=r.ip_address,
            success=r.success,
            username_tried=r.username_tried,
        )
        for r in rows
    )


def portal_fingerprint(session: Session, *, guardian_id: int) -> tuple[object, ...]:
    """A cheap summary of what the portal and other desks may change on this guardian
    (audit rows, sign-in attempts, the account's state): a desk polls it and reloads the
    guardian screen when it moves."""
    account = session.exec(
        select(
            PortalAccount.id,
            PortalAccount.status,
            PortalAccount.failed_login_count,
            PortalAccount.username,
        ).where(col(PortalAccount.guardian_id) == guardian_id)
    ).first()
    last_attempt = (
        session.exec(
            select(func.max(LoginAttempt.id)).where(col(LoginAttempt.account_id) == account[0])
        ).one()
        if account
        else None
    )
    last_audit = session.exec(
        select(func.max(AuditEvent.id)).where(col(AuditEvent.guardian_id) == guardian_id)
    ).one()
    return (tuple(account) if account else None, last_attempt, last_audit)

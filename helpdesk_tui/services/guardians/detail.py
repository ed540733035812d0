"""Everything staff see about one guardian: contact, households, students and their
relationship flags, the portal account, key history (never a key value) and the
recent access log. Times are in the district's time zone. Contact details and birth
dates come masked unless the staff member holds a pass or revealed them (contact.py)."""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Guardian, PortalAccount
from helpdesk_tui.services.guardians.contact import contact_of, reveal_holds
from helpdesk_tui.services.guardians.fingerprint import RecordFingerprint, portal_fingerprint
from helpdesk_tui.services.guardians.history import AuditEntry, guardian_history
from helpdesk_tui.services.guardians.record_parts import (
    AccountView,
    HouseholdView,
    KeyView,
    LoginView,
    StudentLink,
    access_log_of,
    households_of,
    keys_of,
    students_of,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.kernel.permissions import require_visible_guardian
from helpdesk_tui.services.verification import (
    current_pass,
    email_choices,
    open_block,
    phone_choices,
    verification_summary,
)
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, KeyStatus, Language

AUDIT_ROWS = 30


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
    fingerprint: RecordFingerprint | None = None
    # Contact details and birth dates are masked (see contact.py) unless this staff
    # member holds a pass, or revealed them: then ``reveal_id`` is that audit row's id.
    masked: bool = True
    reveal_id: int | None = None
    # Where a code or a callback can go, always masked: (place in the record, as shown).
    email_choices: tuple[tuple[str, str], ...] = ()
    phone_choices: tuple[tuple[str, str], ...] = ()

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
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    reveal_id: int | None = None,
    now: datetime | None = None,
) -> GuardianDetail:
    """The record as ``actor`` may see it. ``reveal_id`` is the audit row of this
    actor's own reveal (``reveal_contact``), kept by the screen that made it."""
    now = resolve_now(now)
    guardian = session.get(Guardian, guardian_id)
    if guardian is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database; search again.")
    require_visible_guardian(
        session,
        actor=actor,
        guardian_id=guardian_id,
        action=AuditAction.GUARDIAN_VIEWED,
        message="This family has no student at your school. Refer them to the district "
        "helpdesk or to their own school's office.",
        now=now,
    )
    revealed = reveal_id is not None and reveal_holds(
        session, actor=actor, guardian_id=guardian_id, reveal_id=reveal_id, now=now
    )
    return build_detail(
        session, actor, guardian, now=now, reveal_id=reveal_id if revealed else None
    )


def build_detail(
    session: Session,
    actor: StaffMember,
    guardian: Guardian,
    *,
    now: datetime,
    reveal_id: int | None,
) -> GuardianDetail:
    """The record, once the actor may see it; unmasked with a pass or ``reveal_id``."""
    guardian_id = guardian.id or 0
    # Read before the record: a change landing while it loads then shows as a change at
    # the next check (one extra reload) instead of hiding behind a newer fingerprint.
    fingerprint = portal_fingerprint(session, guardian_id=guardian_id, me=actor.id)
    district = get_district(session)
    local = district.local
    passed = current_pass(session, actor=actor, guardian_id=guardian_id, now=now)
    shown = passed is not None or reveal_id is not None
    a = session.exec(
        select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian_id)
    ).first()
    contact = contact_of(guardian, a, shown=shown)
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
            security_email=contact.security_email,
            security_email_verified=a.security_email_verified,
        )
    return GuardianDetail(
        guardian_id=guardian_id,
        name=f"{guardian.first_name} {guardian.last_name}",
        first_name=guardian.first_name,
        last_name=guardian.last_name,
        emails=contact.emails,
        phones=contact.phones,
        address=contact.address,
        preferred_language=Language.label_of(guardian.preferred_language),
        language_set_by_staff=guardian.language_set_by_staff,
        active=guardian.active,
        students=students_of(session, guardian_id, shown=shown),
        households=households_of(session, guardian_id, shown=shown),
        account=account,
        keys=keys_of(session, guardian_id, district),
        access_log=access_log_of(session, a.id if a else None, district),
        district=district,
        audit=tuple(
            replace(e, at=e.at.astimezone(district.zone))
            for e in guardian_history(session, guardian_id, limit=AUDIT_ROWS)
        ),
        verified_until=local(passed.valid_until) if passed else None,
        verified_by=verification_summary(session, passed, actor) if passed else "",
        blocked=open_block(session, guardian_id) is not None,
        fingerprint=fingerprint,
        masked=not shown,
        reveal_id=reveal_id,
        email_choices=email_choices(session, guardian),
        phone_choices=phone_choices(guardian),
    )

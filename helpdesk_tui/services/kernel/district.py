"""The district's identity and clock, as the screens show them."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import DistrictSettings, School
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.vocabulary import AuditAction, Proof

GRADE_LABELS = ("K", *(str(g) for g in range(1, 13)))


@dataclass(frozen=True, slots=True)
class DistrictInfo:
    name: str
    portal_url: str
    helpdesk_email: str
    helpdesk_phone: str
    time_zone: str
    school_year_start: int
    lockout_threshold: int
    key_valid_days: int = 90
    verify_screening_required: int = 2
    verify_proofs: tuple[str, ...] = tuple(Proof)
    verify_pass_minutes: int = 15
    verify_failure_limit: int = 3
    hours_open: str = "07:30"
    hours_close: str = "15:30"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local(self, moment: datetime | None) -> datetime | None:
        return moment.astimezone(self.zone) if moment else None

    @property
    def school_years(self) -> tuple[str, str]:
        y = self.school_year_start
        return f"{y}-{(y + 1) % 100:02d}", f"{y + 1}-{(y + 2) % 100:02d}"


def settings_row(session: Session) -> DistrictSettings:
    """The district's settings row, for a change to the district's policies."""
    row = session.get(DistrictSettings, 1)
    if row is None:
        raise NotFound(
            "This database has no district settings yet. Run `helpdesk db seed-demo` for a "
            "demo district, or import the district's roster."
        )
    return row


def record_policy_change(
    session: Session, *, actor: StaffMember, was: str, now_is: str, now: datetime | None
) -> None:
    """The audit row of a policy change, with the policy before and after it."""
    audit.record(
        session,
        actor=actor,
        action=AuditAction.POLICY_CHANGED,
        guardian_id=None,
        detail=f"was: {was}"[:500],
        reason=f"now: {now_is}"[:500],
        now=now,
    )


def get_district(session: Session) -> DistrictInfo:
    row = settings_row(session)
    return DistrictInfo(
        name=row.name,
        portal_url=row.portal_url,
        helpdesk_email=row.helpdesk_email,
        helpdesk_phone=row.helpdesk_phone,
        time_zone=row.time_zone,
        school_year_start=row.school_year_start,
        lockout_threshold=row.lockout_threshold,
        key_valid_days=row.key_valid_days,
        verify_screening_required=row.verify_screening_required,
        verify_proofs=tuple(p.strip() for p in row.verify_proofs.split(",") if p.strip()),
        verify_pass_minutes=row.verify_pass_minutes,
        verify_failure_limit=row.verify_failure_limit,
        hours_open=row.hours_open,
        hours_close=row.hours_close,
    )


def grade_label(grade: int) -> str:
    return GRADE_LABELS[grade] if 0 <= grade <= 12 else str(grade)


def list_schools(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every school, by name: for filters."""
    return [
        (s.id or 0, s.name) for s in session.exec(select(School).order_by(col(School.name))).all()
    ]

"""Supervisors' calendar settings: district closure days, busy periods, and service
targets per category and priority. Every change is audited."""

from datetime import date

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import BusyPeriodRow, ClosureDay, SlaTarget
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.vocabulary import AuditAction, Category, Priority

CALENDAR_SUPERVISORS = "Only a supervisor can change the business calendar or service targets."


def add_closure(session: Session, *, actor: StaffMember, day: date, name: str) -> None:
    require_supervisor(
        session, actor=actor, action=AuditAction.CLOSURE_ADDED, message=CALENDAR_SUPERVISORS
    )
    name = name.strip()[:120] or "District closure"
    existing = session.get(ClosureDay, day)
    if existing is not None:
        existing.name = name
    else:
        session.add(ClosureDay(day=day, name=name))
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CLOSURE_ADDED,
        guardian_id=None,
        detail=f"{day}: {name}",
    )


def add_busy_period(
    session: Session,
    *,
    actor: StaffMember,
    name: str,
    first_day: date,
    last_day: date,
    stretch_percent: int,
) -> None:
    require_supervisor(
        session, actor=actor, action=AuditAction.BUSY_PERIOD_ADDED, message=CALENDAR_SUPERVISORS
    )
    if last_day < first_day:
        raise DomainError("The busy period must end on or after its first day.")
    if not 100 <= stretch_percent <= 400:
        raise DomainError("Stretch targets by 100% (no change) to 400% (four times as long).")
    session.add(
        BusyPeriodRow(
            name=name.strip()[:120] or "Busy period",
            first_day=first_day,
            last_day=last_day,
            stretch_percent=stretch_percent,
        )
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.BUSY_PERIOD_ADDED,
        guardian_id=None,
        detail=f"{name}: {first_day} to {last_day}, targets {stretch_percent}%",
    )


def set_target(
    session: Session,
    *,
    actor: StaffMember,
    category: str,
    priority: str,
    first_response_minutes: int,
    resolution_minutes: int,
) -> None:
    require_supervisor(
        session, actor=actor, action=AuditAction.SLA_TARGET_SET, message=CALENDAR_SUPERVISORS
    )
    if category != "*" and not Category.has(category):
        raise DomainError(f"Category must be * or one of: {', '.join(Category)}.")
    if not Priority.has(priority):
        raise DomainError(f"Priority must be one of: {', '.join(Priority)}.")
    if not 1 <= first_response_minutes <= resolution_minutes:
        raise DomainError(
            "The first response must be due before (or with) the resolution, and after 0 minutes."
        )
    row = session.exec(
        select(SlaTarget).where(
            col(SlaTarget.category) == category, col(SlaTarget.priority) == priority
        )
    ).first()
    if row is None:
        row = SlaTarget(
            category=category, priority=priority, first_response_minutes=0, resolution_minutes=0
        )
        session.add(row)
    row.first_response_minutes, row.resolution_minutes = first_response_minutes, resolution_minutes
    audit.record(
        session,
        actor=actor,
        action=AuditAction.SLA_TARGET_SET,
        guardian_id=None,
        detail=f"{category}/{priority}: first response {first_response_minutes} min, resolution {resolution_minutes} min (business time)",
    )

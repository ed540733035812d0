"""The helpdesk's business hours and days (supervisors; audited)."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlmodel import Session

from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.sla.changes import (
    CalendarChanged,
    Plan,
    Setup,
    hours_text,
    lock_settings,
    parse_clock,
    parse_days,
    save_change,
    with_calendar,
)
from helpdesk_tui.vocabulary import AuditAction


@dataclass(frozen=True, slots=True)
class NewHours:
    """Opening and closing times ('HH:MM', local) and business days ('12345'); a part
    left None stays as it is."""

    hours_open: str | None = None
    hours_close: str | None = None
    business_days: str | None = None
    action: ClassVar[AuditAction] = AuditAction.BUSINESS_HOURS_SET

    def plan(self, before: Setup) -> Plan:
        was = before.calendar
        opens = parse_clock(self.hours_open, what="Opening time") if self.hours_open else None
        closes = parse_clock(self.hours_close, what="Closing time") if self.hours_close else None
        days = parse_days(self.business_days) if self.business_days is not None else None
        after = with_calendar(
            before,
            hours_open=opens or was.hours_open,
            hours_close=closes or was.hours_close,
            business_days=days or was.business_days,
        )
        now_is = after.calendar
        if now_is.hours_close <= now_is.hours_open:
            raise DomainError(
                f"The helpdesk must close after it opens (it would open at "
                f"{now_is.hours_open} and close at {now_is.hours_close})."
            )
        if after == before:
            raise DomainError(f"The hours are already {hours_text(was)}; nothing to change.")

        def write(session: Session) -> None:
            row = lock_settings(session)
            row.hours_open, row.hours_close = now_is.hours_open, now_is.hours_close
            row.business_days = now_is.business_days

        return Plan(after, f"Business hours {hours_text(now_is)} (were {hours_text(was)})", write)


def set_business_hours(
    session: Session,
    *,
    actor: StaffMember,
    hours_open: str | None = None,
    hours_close: str | None = None,
    business_days: str | None = None,
    now: datetime | None = None,
) -> CalendarChanged:
    """Change the opening time, the closing time or the business days (local time in
    the district's time zone); the open tickets' running clocks are re-timed."""
    change = NewHours(hours_open, hours_close, business_days)
    return save_change(session, actor=actor, change=change, now=now)

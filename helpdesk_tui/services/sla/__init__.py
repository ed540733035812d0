"""Service levels: business time (hours, holidays and the ones worked all the same,
closures, busy periods), targets per category and priority, ticket clocks, and the
supervisors' calendar settings, each previewable before it is saved."""

from helpdesk_tui.services.sla.admin import (
    DropBusyPeriod,
    NewBusyPeriod,
    NewTarget,
    add_busy_period,
    remove_busy_period,
    set_target,
)
from helpdesk_tui.services.sla.calendar import BusinessCalendar, BusyPeriod, build_calendar
from helpdesk_tui.services.sla.changes import CalendarChange, CalendarChanged
from helpdesk_tui.services.sla.clocks import set_clocks
from helpdesk_tui.services.sla.closures import (
    CloseDays,
    ReopenDays,
    add_closure,
    close_range,
    reopen_days,
)
from helpdesk_tui.services.sla.hours import NewHours, set_business_hours
from helpdesk_tui.services.sla.ics_import import (
    MAX_ICS_BYTES,
    IcsImport,
    import_ics,
    parse_ics,
    read_ics_file,
)
from helpdesk_tui.services.sla.overview import (
    BusyLine,
    CalendarOverview,
    ClosureRange,
    TargetLine,
    calendar_overview,
)
from helpdesk_tui.services.sla.preview import DuePreview, preview_due
from helpdesk_tui.services.sla.public_days import (
    OpenOnHoliday,
    PublicHoliday,
    close_on_holiday,
    open_on_holiday,
    public_holidays_of,
)
from helpdesk_tui.services.sla.targets import load_calendar, targets_for

__all__ = [
    "BusinessCalendar",
    "MAX_ICS_BYTES",
    "BusyLine",
    "BusyPeriod",
    "CalendarChange",
    "CalendarChanged",
    "CalendarOverview",
    "CloseDays",
    "ClosureRange",
    "DropBusyPeriod",
    "DuePreview",
    "IcsImport",
    "NewBusyPeriod",
    "NewHours",
    "NewTarget",
    "OpenOnHoliday",
    "PublicHoliday",
    "ReopenDays",
    "TargetLine",
    "add_busy_period",
    "add_closure",
    "build_calendar",
    "calendar_overview",
    "close_on_holiday",
    "close_range",
    "import_ics",
    "load_calendar",
    "open_on_holiday",
    "parse_ics",
    "preview_due",
    "public_holidays_of",
    "read_ics_file",
    "remove_busy_period",
    "reopen_days",
    "set_business_hours",
    "set_clocks",
    "set_target",
    "targets_for",
]

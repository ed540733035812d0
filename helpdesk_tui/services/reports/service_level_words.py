"""The service-level figures in words, as the CLI report and the dashboard both say
them: business time in hours and minutes (never days: a business day is not 24 hours),
percentages, and one line per clock and per time figure."""

from helpdesk_tui.services.kernel.text import count_of
from helpdesk_tui.services.reports.service_level_figures import ClockFigures, TimeFigures


def business_time(seconds: float | None) -> str:
    """ "7 h 05 min", "25 min", "0 min" (business hours, never days); "—" for none."""
    if seconds is None:
        return "—"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def clock_line(what: str, c: ClockFigures) -> str:
    if not c.due:
        return f"{what} due in the range: none"
    return (
        f"{what} due in the range: {c.due:,} — {c.met:,} met, {c.breached:,} breached, "
        f"{c.not_yet_due:,} not yet due ({percent(c.met_percent)} met of those decided)"
    )


def time_line(what: str, t: TimeFigures, after: str = "") -> str:
    if not t.count:
        return f"{what}: no tickets in the range"
    return (
        f"{what}: median {business_time(t.median_seconds)}, 90th percentile "
        f"{business_time(t.p90_seconds)} ({count_of(t.count, 'ticket')}{after})"
    )

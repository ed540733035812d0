"""`helpdesk report sla`: the service-level figures for a range of days, for the
district's monthly report: readable text, the whole figures as JSON (--json), or one
CSV row per figure (--csv). Supervisors get the team's figures, an agent their own;
docs/service-levels.md says what each figure means."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from helpdesk_tui.cli._common import print_json, run_as_staff, staff_option
from helpdesk_tui.services.kernel.text import clean_text, count_of
from helpdesk_tui.services.reports import (
    business_time,
    clock_line,
    percent,
    time_line,
)

if TYPE_CHECKING:
    from helpdesk_tui.services.reports import ClockFigures, DayFigures, ServiceLevels

MAX_DAYS = 366  # services.reports.MAX_RANGE_DAYS, checked here before anyone signs in


class Day(click.ParamType):
    """A calendar day written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                f"{value!r} is not a day; write it as YYYY-MM-DD, for example 2026-11-01.",
                param,
                ctx,
            )


@click.group()
def report() -> None:
    """Reports from the command line."""


@report.command("sla")
@click.option("--from", "first_day", type=Day(), required=True, help="The first day, YYYY-MM-DD.")
@click.option("--to", "last_day", type=Day(), required=True, help="The last day (included).")
@click.option("--json", "as_json", is_flag=True, help="All the figures as one JSON document.")
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="One row per figure: section, item, measure, value (times in business hours).",
)
@staff_option(
    help="Your staff username (env HELPDESK_STAFF): a supervisor, or an agent for "
    "their own figures; the password is asked for or read from HELPDESK_STAFF_PASSWORD."
)
@click.pass_context
def report_sla(
    ctx: click.Context,
    first_day: date,
    last_day: date,
    as_json: bool,
    as_csv: bool,
    staff: str,
) -> None:
    """Service-level figures for the days --from to --to, in business time.

    Tickets received; first responses and resolutions due (met, breached, not yet
    due); median and 90th percentile times; open tickets by age; the backlog at each
    day's close; figures per agent; busy periods; the most overdue tickets now.
    Supervisors get the team's figures, an agent their own."""
    if as_json and as_csv:
        raise click.UsageError("Choose --json or --csv, not both.")
    if last_day < first_day:
        raise click.UsageError(
            f"--to ({last_day}) is before --from ({first_day}); give the earlier day first."
        )
    if (days := (last_day - first_day).days + 1) > MAX_DAYS:
        raise click.UsageError(
            f"Choose at most {MAX_DAYS} days; {first_day} to {last_day} is {days:,} days."
        )
    from helpdesk_tui.services.reports import service_levels

    figures = run_as_staff(
        ctx,
        staff,
        lambda s, a: service_levels(s, actor=a, first_day=first_day, last_day=last_day),
        write=False,
    )
    if as_json:
        print_json(figures)
    elif as_csv:
        _write_csv(figures)
    else:
        click.echo("\n".join(text_lines(figures)))


def text_lines(f: ServiceLevels) -> list[str]:
    lines = [
        f"Service levels, {f.first_day} to {f.last_day} (business time: "
        f"{f.business_day_hours:g}-hour business days, {f.time_zone})",
        f"As of {_local(f, f.now)}.",
    ]
    if f.busy_periods:
        lines.append(
            "Busy periods in the range: "
            + "; ".join(
                f"{p.name} ({p.first_day} to {p.last_day}, targets at {p.stretch_percent}%)"
                for p in f.busy_periods
            )
        )
    t = f.team
    if t is None:
        lines.append("Team figures are for supervisors; these are your own.")
    else:
        lines += [
            "",
            f"Received: {count_of(t.received, 'ticket')}",
            "  by channel: " + ", ".join(f"{c.label} {c.count:,}" for c in t.by_channel),
            "  by category: " + ", ".join(f"{c.label} {c.count:,}" for c in t.by_category),
            "",
            clock_line("First responses", t.first_response),
            clock_line("Resolutions", t.resolution),
            time_line("Time to first response", t.first_response_time),
            time_line(
                "Time to resolution", t.resolution_time, "; time waiting on the guardian left out"
            ),
            "",
            f"Open now: {count_of(t.open_now, 'ticket')}, "
            f"{t.pending_on_guardian:,} of them pending on the guardian",
            "  by age: " + ", ".join(f"{b.label} {b.count:,}" for b in t.open_by_age),
            "",
            "Each business day (received since the day before closed; due that day: met of",
            "those decided; open at its close):",
            *_day_lines(t.daily),
        ]
    lines += ["", "Per agent:" if t else "Your figures:", *_agent_lines(f)]
    lines += ["", "Most overdue open tickets now:" if t else "Your most overdue open tickets now:"]
    lines += [
        f"  {o.label:<10} {business_time(o.late_seconds) + ' late':>17}  {o.clock:<14}  "
        f"{clean_text(o.subject)}"
        for o in f.oldest_breaching
    ] or ["  none"]
    return lines


def _day_lines(days: tuple[DayFigures, ...]) -> list[str]:
    if not days:
        return ["  (no business day of the range has begun yet)"]

    def met(c: ClockFigures) -> str:
        return f"{c.met:,} of {c.met + c.breached:,} {percent(c.met_percent):>6}"

    head = (
        f"  {'':<14}  {'received':>8}  {'first responses met':>19}  {'resolutions met':>19}  "
        "open at close"
    )
    return [head] + [
        f"  {d.day} {d.day:%a}  {d.received:>8,}  {met(d.first_response):>19}  "
        f"{met(d.resolution):>19}  "
        + (f"{d.open_at_close:>13,}" if d.open_at_close is not None else f"{'not yet':>13}")
        + (f"  ({d.busy_period})" if d.busy_period else "")
        for d in days
    ]


def _agent_lines(f: ServiceLevels) -> list[str]:
    if not f.agents:
        return ["  nobody"]
    met = {
        a.staff_id: f"{a.first_response.met:,} of "
        f"{a.first_response.met + a.first_response.breached:,} "
        f"{percent(a.first_response.met_percent):>6}"
        for a in f.agents
    }
    name_width = max(len(a.name) for a in f.agents)
    met_width = max(len("first responses met"), *(len(m) for m in met.values()))
    head = f"  {'':<{name_width}}  open now  resolved  {'first responses met':>{met_width}}  calls taken"
    return [head] + [
        f"  {a.name:<{name_width}}  {a.open_now:>8,}  {a.resolved:>8,}  "
        f"{met[a.staff_id]:>{met_width}}  {a.calls_taken:>11,}"
        for a in f.agents
    ]


def _local(f: ServiceLevels, moment: datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(f.time_zone)).strftime("%Y-%m-%d %H:%M %Z")


# -- CSV -----------------------------------------------------------------------------------
def csv_rows(f: ServiceLevels) -> list[tuple[str, str, str, object]]:
    """(section, item, measure, value): one row per figure; times in business hours."""

    def hours(seconds: float | None) -> object:
        return "" if seconds is None else round(seconds / 3600, 2)

    rows: list[tuple[str, str, str, object]] = [
        ("range", f"{f.first_day} to {f.last_day}", "as of", _local(f, f.now)),
    ]
    rows += [
        ("busy period", f"{p.name}, {p.first_day} to {p.last_day}", "targets %", p.stretch_percent)
        for p in f.busy_periods
    ]
    if (t := f.team) is not None:
        rows.append(("received", "all", "tickets", t.received))
        rows += [("received by channel", c.label, "tickets", c.count) for c in t.by_channel]
        rows += [("received by category", c.label, "tickets", c.count) for c in t.by_category]
        for name, c in (("first responses", t.first_response), ("resolutions", t.resolution)):
            rows += [
                (name, "due in the range", "tickets", c.due),
                (name, "met", "tickets", c.met),
                (name, "breached", "tickets", c.breached),
                (name, "not yet due", "tickets", c.not_yet_due),
                (name, "met of those decided", "%", "" if c.met_percent is None else c.met_percent),
            ]
        for name, times in (
            ("time to first response", t.first_response_time),
            ("time to resolution", t.resolution_time),
        ):
            rows += [
                (name, "tickets", "tickets", times.count),
                (name, "median", "business hours", hours(times.median_seconds)),
                (name, "90th percentile", "business hours", hours(times.p90_seconds)),
            ]
        rows += [
            ("open now", "all", "tickets", t.open_now),
            ("open now", "pending on the guardian", "tickets", t.pending_on_guardian),
        ]
        rows += [("open now by age", b.label, "tickets", b.count) for b in t.open_by_age]
        for d in t.daily:
            day = str(d.day)
            rows.append(("business day", day, "received", d.received))
            for name, c in (("first responses", d.first_response), ("resolutions", d.resolution)):
                rows += [
                    ("business day", day, f"{name} due", c.due),
                    ("business day", day, f"{name} met", c.met),
                    ("business day", day, f"{name} breached", c.breached),
                    ("business day", day, f"{name} met %", _number(c.met_percent)),
                ]
            rows.append(("business day", day, "open at close", _number(d.open_at_close)))
            if d.busy_period:
                rows.append(("business day", day, "busy period", d.busy_period))
    for a in f.agents:
        who = f"{a.name} ({a.username})"
        rows += [
            ("agent", who, "open now", a.open_now),
            ("agent", who, "resolved", a.resolved),
            ("agent", who, "first responses due", a.first_response.due),
            ("agent", who, "first responses met", a.first_response.met),
            ("agent", who, "first responses breached", a.first_response.breached),
            (
                "agent",
                who,
                "first responses met %",
                "" if a.first_response.met_percent is None else a.first_response.met_percent,
            ),
            ("agent", who, "calls taken", a.calls_taken),
        ]
    for o in f.oldest_breaching:
        rows += [
            ("overdue now", o.label, "subject", o.subject),
            ("overdue now", o.label, f"{o.clock}, business hours late", hours(o.late_seconds)),
        ]
    return rows


def _number(value: float | None) -> object:
    return "" if value is None else value


def _write_csv(f: ServiceLevels) -> None:
    from helpdesk_tui.services.reports import spreadsheet_cell

    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["section", "item", "measure", "value"])
    for row in csv_rows(f):
        out.writerow([spreadsheet_cell(cell) for cell in row])
    click.echo(buffer.getvalue(), nl=False)

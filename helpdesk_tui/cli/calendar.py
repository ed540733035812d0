"""`helpdesk calendar`: business hours and days, public holidays (and the ones the
helpdesk works all the same), closure days and ranges, busy periods, service targets and
importing a district calendar (.ics): the inputs of every ticket's due time. Changes are
for supervisors and audited; each re-times the open tickets' running clocks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from helpdesk_tui.cli._common import (
    database_for,
    emit,
    fail,
    json_option,
    run_as_staff,
    run_service,
    staff_option,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlmodel import Session

    from helpdesk_tui.services.kernel.actors import StaffMember
    from helpdesk_tui.services.sla import CalendarChanged, CalendarOverview, IcsImport

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("calendar")
def calendar_group() -> None:
    """Hours, holidays, closures, busy periods and service targets (changes: supervisors;
    audited)."""


def _changed(
    ctx: click.Context, staff: str, call: Callable[[Session, StaffMember], CalendarChanged]
) -> None:
    """Run a calendar change as ``staff`` and say what it did."""
    click.echo(run_as_staff(ctx, staff, call).message)


@calendar_group.command("show")
@click.option("--year", type=int, help="Holidays and closures of this year (default: this year).")
@json_option
@click.pass_context
def calendar_show(ctx: click.Context, year: int | None, as_json: bool) -> None:
    """Everything due times depend on: hours, holidays, closures, busy periods, targets."""
    from helpdesk_tui.services.sla import calendar_overview

    _, database = database_for(ctx)
    overview = run_service(database, lambda s: calendar_overview(s, year=year), write=False)
    emit(overview, _overview_text(overview), as_json=as_json)


def _overview_text(o: CalendarOverview) -> str:
    where = f"{o.country}-{o.subdivision}" if o.subdivision else o.country
    lines = [
        f"Business hours: {o.hours_open} to {o.hours_close}, {o.days_label} ({o.time_zone})",
        f"Public holidays {o.year} ({where}):",
        *(f"  {h.day}  {h.name}: {h.state_label}" for h in o.holidays),
        f"District closures {o.year}:" if o.closures else f"District closures {o.year}: none",
        *(
            f"  {c.first_day}"
            + (f" to {c.last_day}" if c.last_day != c.first_day else "")
            + f"  {c.name} ({c.days} day{'s' if c.days != 1 else ''})"
            for c in o.closures
        ),
        "Busy periods:" if o.busy_periods else "Busy periods: none",
        *(
            f"  #{b.busy_id} {b.name}: {b.first_day} to {b.last_day}, targets at "
            f"{b.stretch_percent}%"
            for b in o.busy_periods
        ),
        "Service targets (business minutes: first response / resolution):",
        *(
            f"  {t.label}, {t.priority}: {t.first_response_minutes} / {t.resolution_minutes}"
            + (" (built in)" if t.built_in else "")
            for t in o.targets
        ),
    ]
    return "\n".join(lines)


@calendar_group.command("hours")
@click.option("--open", "opens", help="Opening time, HH:MM (local).")
@click.option("--close", "closes", help="Closing time, HH:MM (local).")
@click.option("--days", help="Business days as digits, 1 = Monday: 12345 is Monday to Friday.")
@staff_option()
@click.pass_context
def calendar_hours(
    ctx: click.Context, opens: str | None, closes: str | None, days: str | None, staff: str
) -> None:
    """Change the business hours and days."""
    from helpdesk_tui.services.sla import set_business_hours

    if opens is None and closes is None and days is None:
        raise click.UsageError("Give --open, --close or --days (or several).")
    _changed(
        ctx,
        staff,
        lambda s, a: set_business_hours(
            s, actor=a, hours_open=opens, hours_close=closes, business_days=days
        ),
    )


@calendar_group.command("holidays")
@click.option("--year", type=int, help="Default: this year.")
@json_option
@click.pass_context
def calendar_holidays(ctx: click.Context, year: int | None, as_json: bool) -> None:
    """The public holidays of a year, and whether the helpdesk closes or works each."""
    from helpdesk_tui.services.sla import public_holidays_of

    _, database = database_for(ctx)
    chosen = year or datetime.now().year
    found = run_service(database, lambda s: public_holidays_of(s, year=chosen), write=False)
    text = "\n".join(f"{h.day}  {h.name}: {h.state_label}" for h in found)
    emit(found, text or f"No public holidays listed for {chosen}.", as_json=as_json)


@calendar_group.command("open")
@click.argument("day", type=DAY)
@staff_option()
@click.pass_context
def calendar_open(ctx: click.Context, day: datetime, staff: str) -> None:
    """Work the public holiday DAY (YYYY-MM-DD) all the same."""
    from helpdesk_tui.services.sla import open_on_holiday

    _changed(ctx, staff, lambda s, a: open_on_holiday(s, actor=a, day=day.date()))


@calendar_group.command("unopen")
@click.argument("day", type=DAY)
@staff_option()
@click.pass_context
def calendar_unopen(ctx: click.Context, day: datetime, staff: str) -> None:
    """Close on the public holiday DAY again (undo `open`)."""
    from helpdesk_tui.services.sla import close_on_holiday

    _changed(ctx, staff, lambda s, a: close_on_holiday(s, actor=a, day=day.date()))


@calendar_group.command("close")
@click.argument("day", type=DAY)
@click.argument("name")
@staff_option()
@click.pass_context
def calendar_close(ctx: click.Context, day: datetime, name: str, staff: str) -> None:
    """Add a district closure day (YYYY-MM-DD NAME)."""
    from helpdesk_tui.services.sla import add_closure

    _changed(ctx, staff, lambda s, a: add_closure(s, actor=a, day=day.date(), name=name))


@calendar_group.command("close-range")
@click.argument("first_day", type=DAY)
@click.argument("last_day", type=DAY)
@click.argument("name")
@staff_option()
@click.pass_context
def calendar_close_range(
    ctx: click.Context, first_day: datetime, last_day: datetime, name: str, staff: str
) -> None:
    """Close every business day from FIRST_DAY to LAST_DAY (a winter break) in one step."""
    from helpdesk_tui.services.sla import close_range

    _changed(
        ctx,
        staff,
        lambda s, a: close_range(
            s, actor=a, first_day=first_day.date(), last_day=last_day.date(), name=name
        ),
    )


@calendar_group.command("reopen")
@click.argument("day", type=DAY, required=False)
@click.option("--range", "span", type=(DAY, DAY), help="FIRST LAST: every closure between.")
@staff_option()
@click.pass_context
def calendar_reopen(
    ctx: click.Context,
    day: datetime | None,
    span: tuple[datetime, datetime] | None,
    staff: str,
) -> None:
    """Remove the closure on DAY, or every closure of --range FIRST LAST."""
    from helpdesk_tui.services.sla import reopen_days

    if day is not None and span is None:
        first = last = day
    elif span is not None and day is None:
        first, last = span
    else:
        raise click.UsageError("Give a DAY or --range FIRST LAST (one of them).")
    _changed(
        ctx,
        staff,
        lambda s, a: reopen_days(s, actor=a, first_day=first.date(), last_day=last.date()),
    )


@calendar_group.command("import-ics")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only list what would change.")
@staff_option()
@json_option
@click.pass_context
def calendar_import_ics(
    ctx: click.Context, file: Path, dry_run: bool, staff: str, as_json: bool
) -> None:
    """Close on the all-day events of a district calendar (.ics); multi-day events
    become ranges. Events at a time of day, repeating or cancelled ones are left out."""
    from helpdesk_tui.services.kernel.errors import DomainError
    from helpdesk_tui.services.sla import import_ics, read_ics_file

    try:
        data = read_ics_file(file)
    except DomainError as exc:
        fail(str(exc))

    def run(s: Session, a: StaffMember) -> IcsImport:
        return import_ics(s, actor=a, data=data, file_name=file.name, dry_run=dry_run)

    done = run_as_staff(ctx, staff, run)
    heading = ("Dry run, nothing changed. " if dry_run else "") + done.message
    emit(done, "\n".join([heading, *(f"  {line}" for line in done.lines)]), as_json=as_json)


@calendar_group.command("busy")
@click.argument("name")
@click.argument("first_day", type=DAY)
@click.argument("last_day", type=DAY)
@click.option(
    "--stretch", default=150, show_default=True, help="Targets as a percentage of normal."
)
@staff_option()
@click.pass_context
def calendar_busy(
    ctx: click.Context,
    name: str,
    first_day: datetime,
    last_day: datetime,
    stretch: int,
    staff: str,
) -> None:
    """Add a busy period (NAME FIRST_DAY LAST_DAY): targets stretch, the queue shows a banner."""
    from helpdesk_tui.services.sla import add_busy_period

    _changed(
        ctx,
        staff,
        lambda s, a: add_busy_period(
            s,
            actor=a,
            name=name,
            first_day=first_day.date(),
            last_day=last_day.date(),
            stretch_percent=stretch,
        ),
    )


@calendar_group.command("unbusy")
@click.argument("busy_id", type=int)
@staff_option()
@click.pass_context
def calendar_unbusy(ctx: click.Context, busy_id: int, staff: str) -> None:
    """Remove busy period BUSY_ID (the #number `calendar show` lists)."""
    from helpdesk_tui.services.sla import remove_busy_period

    _changed(ctx, staff, lambda s, a: remove_busy_period(s, actor=a, busy_id=busy_id))


@calendar_group.command("target")
@click.argument("category")
@click.argument("priority")
@click.argument("first_response_minutes", type=int)
@click.argument("resolution_minutes", type=int)
@staff_option()
@click.pass_context
def calendar_target(
    ctx: click.Context,
    category: str,
    priority: str,
    first_response_minutes: int,
    resolution_minutes: int,
    staff: str,
) -> None:
    """Set business-minute targets for CATEGORY (or *) and PRIORITY."""
    from helpdesk_tui.services.sla import set_target

    _changed(
        ctx,
        staff,
        lambda s, a: set_target(
            s,
            actor=a,
            category=category,
            priority=priority,
            first_response_minutes=first_response_minutes,
            resolution_minutes=resolution_minutes,
        ),
    )

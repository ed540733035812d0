"""`helpdesk calendar`: closure days, busy periods and service targets, the inputs of
every ticket's due time (supervisors; audited)."""

from __future__ import annotations

from datetime import datetime

import click

from helpdesk_tui.cli._common import run_as_staff, staff_option

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("calendar")
def calendar_group() -> None:
    """Closure days, busy periods and service targets (supervisors; audited)."""


@calendar_group.command("close")
@click.argument("day", type=DAY)
@click.argument("name")
@staff_option()
@click.pass_context
def calendar_close(ctx: click.Context, day: datetime, name: str, staff: str) -> None:
    """Add a district closure day (YYYY-MM-DD NAME)."""
    from helpdesk_tui.services.sla import add_closure

    run_as_staff(ctx, staff, lambda s, a: add_closure(s, actor=a, day=day.date(), name=name))
    click.echo(f"Closed on {day:%Y-%m-%d} ({name}); due times of new tickets skip it.")


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

    run_as_staff(
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
    click.echo(
        f"Busy period {name}: {first_day:%Y-%m-%d} to {last_day:%Y-%m-%d}, targets at {stretch}%."
    )


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

    run_as_staff(
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
    click.echo(
        f"Target for {category}/{priority}: {first_response_minutes} / {resolution_minutes} "
        "business minutes."
    )

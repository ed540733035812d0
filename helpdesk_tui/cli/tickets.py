"""`helpdesk tickets close-stale`: ticket housekeeping from cron or by hand (the app's
background worker does the same)."""

from __future__ import annotations

import click

from helpdesk_tui.cli._common import database_for, demo_option, emit, json_option, run_service
from helpdesk_tui.widgets.formatting import count_of


@click.group()
def tickets() -> None:
    """Ticket housekeeping (the app does this in the background too)."""


@tickets.command("close-stale")
@demo_option()
@click.option("--days", default=5, show_default=True, type=click.IntRange(1, 60))
@json_option
@click.pass_context
def tickets_close_stale(ctx: click.Context, demo: bool, days: int, as_json: bool) -> None:
    """Close tickets pending on the guardian for DAYS business days with no answer, and
    remind the families whose ticket closes in one business day."""
    from helpdesk_tui.services.tickets import close_stale_pending, remind_stale_pending

    _, database = database_for(ctx, demo=demo)
    reminded = run_service(database, lambda s: remind_stale_pending(s, days=days))
    closed = run_service(database, lambda s: close_stale_pending(s, days=days))
    emit(
        {"days": days, "closed": closed, "reminded": reminded},
        f"Closed {count_of(len(closed), 'ticket')}{': ' + ', '.join(closed) if closed else ''}; "
        f"reminded {count_of(len(reminded), 'family', 'families')}"
        f"{': ' + ', '.join(reminded) if reminded else ''}.",
        as_json=as_json,
    )

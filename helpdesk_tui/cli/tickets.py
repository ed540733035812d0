"""`helpdesk tickets close-stale`: ticket housekeeping from cron or by hand (the app's
background worker does the same)."""

from __future__ import annotations

import click

from helpdesk_tui.cli._common import database_for, demo_option, emit, json_option, run_service


@click.group()
def tickets() -> None:
    """Ticket housekeeping (the app does this in the background too)."""


@tickets.command("close-stale")
@demo_option()
@click.option("--days", default=5, show_default=True, type=click.IntRange(1, 60))
@json_option
@click.pass_context
def tickets_close_stale(ctx: click.Context, demo: bool, days: int, as_json: bool) -> None:
    """Close tickets pending on the guardian for DAYS business days with no answer."""
    from helpdesk_tui.services.tickets import close_stale_pending

    _, database = database_for(ctx, demo=demo)
    closed = run_service(database, lambda s: close_stale_pending(s, days=days))
    emit(
        {"days": days, "closed": closed},
        f"Closed {len(closed)} ticket(s){': ' + ', '.join(closed) if closed else ''}.",
        as_json=as_json,
    )

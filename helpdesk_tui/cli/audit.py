"""`helpdesk audit verify`: prove the tamper-evident audit trail is intact, or name the
first row where it was changed (exit 1)."""

from __future__ import annotations

import click

from helpdesk_tui.cli._common import (
    database_for,
    demo_option,
    fail,
    json_option,
    jsonable,
    print_json,
    run_service,
)


@click.group()
def audit() -> None:
    """The tamper-evident audit trail."""


@audit.command("verify")
@demo_option()
@json_option
@click.pass_context
def audit_verify(ctx: click.Context, demo: bool, as_json: bool) -> None:
    """Recompute the hash chain; exit 1 and name the first broken row if any."""
    from helpdesk_tui.services.kernel.audit import verify_chain

    _, database = database_for(ctx, demo=demo)
    report = run_service(database, verify_chain, write=False)
    if as_json:
        print_json({"ok": report.ok, **jsonable(report)})
    elif report.ok:
        click.echo(f"Audit trail intact: {report.rows_checked} rows checked.")
        # Someone able to rewrite the whole table could recompute every hash after a
        # change; writing the latest hash down elsewhere (a ticket, a printout) lets a
        # later check prove the trail up to that point was not rewritten.
        click.echo(f"Latest hash: {report.head_hash} (keep it outside this database)")
    if not report.ok:
        fail(
            f"Audit trail BROKEN at row {report.first_broken_id}: {report.problem}. "
            f"{report.rows_checked} rows before it are intact.",
            label=None,
        )

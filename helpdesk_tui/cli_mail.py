"""`helpdesk mail ...` and `helpdesk audit ...`: the outbox and the audit trail from
the command line (registered on the main group in cli.py)."""

from __future__ import annotations

import click


def _database(ctx: click.Context, demo: bool):  # type: ignore[no-untyped-def]
    from helpdesk_tui.cli import _settings, open_database
    from helpdesk_tui.config import demo_settings

    settings = _settings(ctx)
    if demo:
        settings = demo_settings(settings)
    return settings, open_database(settings)


_demo_option = click.option(
    "--demo", is_flag=True, help="The demo database; mail is written as .eml files, not sent."
)


@click.group()
def mail() -> None:
    """Deliver and inspect the outbox."""


@mail.command("send")
@_demo_option
@click.pass_context
def mail_send(ctx: click.Context, demo: bool) -> None:
    """Send every message that is due (retries wait with backoff)."""
    from helpdesk_tui.cli import _fail
    from helpdesk_tui.config import ConfigError
    from helpdesk_tui.services.mail import deliver_due, outbox_counts, sender_for, transport_for

    settings, database = _database(ctx, demo)
    try:
        transport = transport_for(settings, demo=demo)
    except ConfigError as exc:
        _fail(str(exc))
    report = deliver_due(database, transport, sender=sender_for(settings))
    with database.read() as session:
        counts = outbox_counts(session)
    where = f" to {settings.demo_mail_dir}" if demo else ""
    click.echo(f"Sent {report.sent}{where}; {counts.pending} waiting, {counts.failed} failed.")
    if report.error:
        _fail(f"Delivery stopped: {report.error}. The messages will be retried.")


@mail.command("status")
@_demo_option
@click.pass_context
def mail_status(ctx: click.Context, demo: bool) -> None:
    """Counts of pending, sending, sent and failed messages."""
    from helpdesk_tui.services.mail import outbox_counts

    _, database = _database(ctx, demo)
    with database.read() as session:
        c = outbox_counts(session)
    click.echo(f"pending {c.pending} · sending {c.sending} · sent {c.sent} · failed {c.failed}")


@mail.command("retry-failed")
@_demo_option
@click.pass_context
def mail_retry(ctx: click.Context, demo: bool) -> None:
    """Queue failed messages again (after fixing the server or address)."""
    from helpdesk_tui.services.mail import retry_failed

    _, database = _database(ctx, demo)
    with database.write() as session:
        n = retry_failed(session)
    click.echo(f"{n} failed message(s) queued again.")


@click.group()
def audit() -> None:
    """The tamper-evident audit trail."""


@audit.command("verify")
@_demo_option
@click.pass_context
def audit_verify(ctx: click.Context, demo: bool) -> None:
    """Recompute the hash chain; exit 1 and name the first broken row if any."""
    from helpdesk_tui.services.audit import verify_chain

    _, database = _database(ctx, demo)
    with database.read() as session:
        report = verify_chain(session)
    if report.ok:
        click.echo(f"Audit trail intact: {report.rows_checked} rows checked.")
        return
    click.echo(
        f"Audit trail BROKEN at row {report.first_broken_id}: {report.problem}. "
        f"{report.rows_checked} rows before it are intact.",
        err=True,
    )
    ctx.exit(1)

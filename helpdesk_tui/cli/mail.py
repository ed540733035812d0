"""`helpdesk mail`: deliver and inspect the outbox, and read the support mailbox into
tickets. A mail server or mailbox that cannot be reached exits 3, like the database."""

from __future__ import annotations

import click

from helpdesk_tui.cli._common import (
    EXIT_FAILED,
    EXIT_UNREACHABLE,
    database_for,
    demo_option,
    emit,
    fail,
    json_option,
    run_service,
)
from helpdesk_tui.widgets.formatting import count_of


@click.group()
def mail() -> None:
    """Deliver and inspect the outbox."""


@mail.command("send")
@demo_option()
@json_option
@click.pass_context
def mail_send(ctx: click.Context, demo: bool, as_json: bool) -> None:
    """Send every message that is due (retries wait with backoff)."""
    from helpdesk_tui.config import ConfigError
    from helpdesk_tui.services.mail import deliver_due, outbox_counts, sender_for, transport_for

    settings, database = database_for(ctx, demo=demo)
    try:
        transport = transport_for(settings, demo=demo)
    except ConfigError as exc:
        fail(str(exc))
    report = deliver_due(database, transport, sender=sender_for(settings))
    counts = run_service(database, outbox_counts, write=False)
    where = f" to {settings.demo_mail_dir}" if demo else ""
    summary = f"Sent {report.sent}{where}; {counts.pending} waiting, {counts.failed} failed."
    if report.erased:
        summary += f"\n{report.reissue_note()}"
    emit(
        {"delivery": report, "outbox": counts, "folder": settings.demo_mail_dir if demo else None},
        summary,
        as_json=as_json,
    )
    if report.error:
        later = " The messages will be retried." if counts.pending else ""
        stopped = f"Delivery stopped: {report.error}.{later}"
        fail(stopped, EXIT_UNREACHABLE if report.unreachable else EXIT_FAILED)


@mail.command("fetch")
@json_option
@click.pass_context
def mail_fetch(ctx: click.Context, as_json: bool) -> None:
    """Read new messages from the support mailbox into tickets."""
    from helpdesk_tui.services.tickets import MailboxUnavailable, fetch_mail

    settings, database = database_for(ctx)
    if settings.imap is None:
        fail(
            "No support mailbox is set up. Add an [imap] table with host, username (and "
            "port, folder, security) to helpdesk.toml, or set HELPDESK_IMAP_HOST and "
            "HELPDESK_IMAP_USERNAME; store its password with `helpdesk secrets set imap`."
        )
    try:
        report = fetch_mail(database, settings.imap)
    except MailboxUnavailable as exc:
        fail(f"Cannot read the mailbox: {exc}", EXIT_UNREACHABLE)
    emit(
        report,
        f"{count_of(len(report.created), 'new ticket')}, "
        f"{count_of(len(report.threaded), 'reply', 'replies')} threaded, "
        f"{report.duplicates} already imported, {len(report.errors)} moved to the error folder.",
        as_json=as_json,
    )
    for error in report.errors:
        click.echo(f"  error: {error}", err=True)


@mail.command("status")
@demo_option()
@json_option
@click.pass_context
def mail_status(ctx: click.Context, demo: bool, as_json: bool) -> None:
    """Counts of pending, sending, sent and failed messages."""
    from helpdesk_tui.services.mail import outbox_counts

    _, database = database_for(ctx, demo=demo)
    c = run_service(database, outbox_counts, write=False)
    emit(
        c,
        f"pending {c.pending} · sending {c.sending} · sent {c.sent} · failed {c.failed}",
        as_json=as_json,
    )


@mail.command("retry-failed")
@demo_option()
@click.pass_context
def mail_retry(ctx: click.Context, demo: bool) -> None:
    """Queue failed messages again (after fixing the server or address). Those whose
    key, code or link was erased stay failed: send a new one from the guardian."""
    from helpdesk_tui.services.mail import retry_failed

    _, database = database_for(ctx, demo=demo)
    n = run_service(database, retry_failed)
    click.echo(f"{count_of(n, 'failed message')} queued again.")

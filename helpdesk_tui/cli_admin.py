"""`helpdesk mail`, `helpdesk audit` and `helpdesk policy`: the outbox, the audit trail and
the verification policy from the command line (registered in cli.py)."""

from __future__ import annotations

import click

from helpdesk_tui.cli import staff_option, staff_password


def _database(ctx: click.Context, demo: bool):
    from helpdesk_tui.cli import _settings, open_database
    from helpdesk_tui.config import demo_settings

    settings = _settings(ctx)
    if demo:
        settings = demo_settings(settings)
    return settings, open_database(settings)


_demo_option = click.option(
    "--demo", is_flag=True, help="The demo database; mail is written as .eml files, not sent."
)


def _as_supervisor(ctx: click.Context, staff: str, change, *, demo: bool = False):
    """Sign ``staff`` in, run ``change(session, actor)`` in one transaction and return
    its result; a domain error (a refusal included) ends the command with its message."""
    from helpdesk_tui.cli import _fail
    from helpdesk_tui.services.kernel.errors import DomainError
    from helpdesk_tui.services.staff import authenticate

    password = staff_password()
    _, database = _database(ctx, demo)
    try:
        with database.read() as session:
            actor = authenticate(session, username=staff, password=password)
        with database.write() as session:
            return change(session, actor)
    except DomainError as exc:
        _fail(str(exc))


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


@mail.command("fetch")
@click.pass_context
def mail_fetch(ctx: click.Context) -> None:
    """Read new messages from the support mailbox into tickets."""
    from helpdesk_tui.cli import _fail
    from helpdesk_tui.services.tickets import MailboxUnavailable, fetch_mail

    settings, database = _database(ctx, False)
    if settings.imap is None:
        _fail(
            "No support mailbox is set up. Add an [imap] table with host, username (and "
            "port, folder, security) to helpdesk.toml, or set HELPDESK_IMAP_HOST and "
            "HELPDESK_IMAP_USERNAME; store its password with `helpdesk secrets set imap`."
        )
        return
    try:
        report = fetch_mail(database, settings.imap)
    except MailboxUnavailable as exc:
        _fail(f"Cannot read the mailbox: {exc}")
        return
    click.echo(
        f"{len(report.created)} new ticket(s), {len(report.threaded)} reply(ies) threaded, "
        f"{report.duplicates} already imported, {len(report.errors)} moved to the error folder."
    )
    for error in report.errors:
        click.echo(f"  error: {error}", err=True)


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
    from helpdesk_tui.services.kernel.audit import verify_chain

    _, database = _database(ctx, demo)
    with database.read() as session:
        report = verify_chain(session)
    if report.ok:
        click.echo(f"Audit trail intact: {report.rows_checked} rows checked.")
        # Someone able to rewrite the whole table could recompute every hash after a
        # change; writing the latest hash down elsewhere (a ticket, a printout) lets a
        # later check prove the trail up to that point was not rewritten.
        click.echo(f"Latest hash: {report.head_hash} (keep it outside this database)")
        return
    click.echo(
        f"Audit trail BROKEN at row {report.first_broken_id}: {report.problem}. "
        f"{report.rows_checked} rows before it are intact.",
        err=True,
    )
    ctx.exit(1)


@click.group(invoke_without_command=True)
@_demo_option
@click.pass_context
def policy(ctx: click.Context, demo: bool) -> None:
    """The caller-verification policy. With no command, shows it."""
    ctx.obj["policy_demo"] = demo
    if ctx.invoked_subcommand is None:
        from helpdesk_tui.cli import _fail
        from helpdesk_tui.services.kernel.errors import DomainError
        from helpdesk_tui.services.verification import get_policy

        _, database = _database(ctx, demo)
        try:
            with database.read() as session:
                click.echo(get_policy(session).describe())
        except DomainError as exc:
            _fail(str(exc))


@policy.command("set")
@click.option("--screening-required", type=int, help="Screening answers that must match.")
@click.option("--proofs", help="Comma-separated: email_code, callback, photo_id.")
@click.option("--pass-minutes", type=int, help="How long a pass lets staff act.")
@click.option("--failure-limit", type=int, help="Failures in 24 hours that block a guardian.")
@staff_option
@click.pass_context
def policy_set(
    ctx: click.Context,
    screening_required: int | None,
    proofs: str | None,
    pass_minutes: int | None,
    failure_limit: int | None,
    staff: str,
) -> None:
    """Change the policy (supervisors; audited)."""
    from helpdesk_tui.services.verification import set_policy

    after = _as_supervisor(
        ctx,
        staff,
        lambda s, a: set_policy(
            s,
            actor=a,
            screening_required=screening_required,
            proofs=tuple(p.strip() for p in proofs.split(",") if p.strip())
            if proofs is not None
            else None,
            pass_minutes=pass_minutes,
            failure_limit=failure_limit,
        ),
        demo=ctx.obj.get("policy_demo", False),
    )
    click.echo(f"Policy now: {after.describe()}")


@click.group()
def tickets() -> None:
    """Ticket housekeeping (the app does this in the background too)."""


@tickets.command("close-stale")
@_demo_option
@click.option("--days", default=5, show_default=True, type=click.IntRange(1, 60))
@click.pass_context
def tickets_close_stale(ctx: click.Context, demo: bool, days: int) -> None:
    """Close tickets pending on the guardian for DAYS business days with no answer."""
    from helpdesk_tui.services.tickets import close_stale_pending

    _, database = _database(ctx, demo)
    with database.write() as session:
        closed = close_stale_pending(session, days=days)
    click.echo(f"Closed {len(closed)} ticket(s){': ' + ', '.join(closed) if closed else ''}.")


@click.group("calendar")
def calendar_group() -> None:
    """Closure days, busy periods and service targets (supervisors; audited)."""


@calendar_group.command("close")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("name")
@staff_option
@click.pass_context
def calendar_close(ctx: click.Context, day, name: str, staff: str) -> None:
    """Add a district closure day (YYYY-MM-DD NAME)."""
    from helpdesk_tui.services.sla import add_closure

    _as_supervisor(ctx, staff, lambda s, a: add_closure(s, actor=a, day=day.date(), name=name))
    click.echo(f"Closed on {day:%Y-%m-%d} ({name}); due times of new tickets skip it.")


@calendar_group.command("busy")
@click.argument("name")
@click.argument("first_day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("last_day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option(
    "--stretch", default=150, show_default=True, help="Targets as a percentage of normal."
)
@staff_option
@click.pass_context
def calendar_busy(
    ctx: click.Context, name: str, first_day, last_day, stretch: int, staff: str
) -> None:
    """Add a busy period (NAME FIRST_DAY LAST_DAY): targets stretch, the queue shows a banner."""
    from helpdesk_tui.services.sla import add_busy_period

    _as_supervisor(
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
@staff_option
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

    _as_supervisor(
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
        f"Target for {category}/{priority}: {first_response_minutes} / {resolution_minutes} business minutes."
    )

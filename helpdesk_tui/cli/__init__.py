"""`helpdesk`: the command line. Thin: parse, build, run. This module only declares the
top group and registers the command groups; each group lives in its own module and
shares what it needs through `_common` (never through another command module). Heavy
imports stay inside the commands so that start-up stays fast."""

from __future__ import annotations

import click

import helpdesk_tui.cli.app_commands as app_commands
import helpdesk_tui.cli.audit as audit
import helpdesk_tui.cli.calendar as calendar
import helpdesk_tui.cli.db as db
import helpdesk_tui.cli.guardians as guardians
import helpdesk_tui.cli.keys as keys
import helpdesk_tui.cli.mail as mail
import helpdesk_tui.cli.policy as policy
import helpdesk_tui.cli.portal as portal
import helpdesk_tui.cli.report as report
import helpdesk_tui.cli.roster as roster
import helpdesk_tui.cli.secrets as secrets
import helpdesk_tui.cli.staff as staff
import helpdesk_tui.cli.tickets as tickets
from helpdesk_tui.cli._common import EXIT_CODES, HelpdeskGroup, open_database, start

__all__ = ["main", "open_database"]


@click.group(
    cls=HelpdeskGroup,
    invoke_without_command=True,
    epilog=EXIT_CODES,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--database-url",
    envvar="HELPDESK_DATABASE_URL",
    default=None,
    help="sqlite:///PATH or postgresql+psycopg://user@host/db (default: the embedded database).",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log in detail, to stderr as well as to the log file in the data dir.",
)
@click.version_option(package_name="helpdesk-tui")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, verbose: bool) -> None:
    """The Parent Portal support helpdesk. With no command, opens the app."""
    opens_app = ctx.invoked_subcommand in (None, app_commands.demo.name)
    # The app owns the terminal: its logs go to the file only, even with -v.
    start(ctx, database_url=database_url, verbose=verbose, stderr=verbose and not opens_app)
    if ctx.invoked_subcommand is None:
        app_commands.open_app(ctx)


main.add_command(app_commands.demo)
for group in (
    db.db,
    secrets.secrets,
    guardians.guardians,
    keys.keys,
    mail.mail,
    portal.portal,
    roster.import_group,
    staff.staff,
    audit.audit,
    policy.policy,
    tickets.tickets,
    calendar.calendar_group,
    report.report,
):
    main.add_command(group)

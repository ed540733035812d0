"""The app itself: `helpdesk` with no command opens it on the configured database, and
`helpdesk demo` on a demo district in the embedded database (generated on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from helpdesk_tui.cli._common import fail, open_database, run_service, settings
from helpdesk_tui.cli._progress import DEMO_GUARDIANS, DEMO_SEED, seed_with_progress

if TYPE_CHECKING:
    from helpdesk_tui.config import Settings
    from helpdesk_tui.data.engine import Database


def open_app(ctx: click.Context) -> None:
    """`helpdesk` with no command."""
    chosen = settings(ctx)
    run_app(open_database(chosen), demo=False, settings=chosen)


def run_app(database: Database, *, demo: bool, settings: Settings) -> None:
    from helpdesk_tui.app import HelpdeskApp
    from helpdesk_tui.services.staff import active_staff_count, has_staff_accounts

    if not run_service(database, has_staff_accounts, write=False):
        fail(
            f"{database.url} holds no staff accounts yet, so nobody could sign in. "
            "For a demo run `helpdesk demo`; to fill this database with a demo district "
            "run `helpdesk db seed-demo`; for a real district, `helpdesk staff add` the "
            "first supervisor."
        )
    if run_service(database, active_staff_count, write=False) == 0:
        fail(
            f"Every staff account in {database.url} is inactive, so nobody can sign in. "
            "Ask the district's IT to make a supervisor's account active again; "
            "`helpdesk staff add` without signing in works only on a database that never "
            "had staff."
        )
    app = HelpdeskApp(database, demo=demo, settings=settings)
    app.run()
    if app.return_code:  # the app ended on an error (its traceback is on screen and in the log)
        raise SystemExit(app.return_code)


@click.command()
@click.option(
    "--guardians", default=DEMO_GUARDIANS, show_default=True, help="Size of the demo district."
)
@click.option("--seed", default=DEMO_SEED, show_default=True)
@click.option("--reset", is_flag=True, help="Throw the demo database away and generate it again.")
@click.pass_context
def demo(ctx: click.Context, guardians: int, seed: int, reset: bool) -> None:
    """Open the app on a demo district (generated on first use) in the embedded database."""
    from helpdesk_tui.config import demo_settings
    from helpdesk_tui.data.demo.seed import read_district_state

    chosen = demo_settings(settings(ctx))
    database = open_database(chosen)
    state = read_district_state(database)
    if state.real:  # someone's district in the demo's file: opened, never thrown away
        if reset:
            fail(
                f"{database.url} holds a district that is not a demo ({state.describe()}); "
                "--reset only throws away a demo district, so nothing was changed. Move "
                "that file elsewhere to start a new demo."
            )
    elif state.interrupted_demo:
        click.echo(
            "The demo district was interrupted while it was being generated; generating it again.",
            err=True,
        )
        seed_with_progress(database, guardians=guardians, seed=seed, replace=True)
    elif reset or not state.holds_rows:
        seed_with_progress(database, guardians=guardians, seed=seed, replace=True)
    run_app(database, demo=True, settings=chosen)

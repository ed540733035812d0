"""`helpdesk`: the command line. Thin: parse, build, run. Heavy imports stay inside
the commands so that start-up stays fast."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from helpdesk_tui.config import Settings
    from helpdesk_tui.data.engine import Database

DEMO_GUARDIANS = 2000
DEMO_SEED = 2026


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _settings(ctx: click.Context) -> Settings:
    from helpdesk_tui.config import ConfigError, load_settings

    try:
        return load_settings(database_url=ctx.obj.get("database_url"))
    except ConfigError as exc:
        _fail(str(exc))
        raise  # unreachable


def open_database(settings: Settings, *, upgrade_embedded: bool = True) -> Database:
    """The engine for these settings, with the embedded database brought up to date and
    a shared server checked (its schema is upgraded on purpose, with `helpdesk db upgrade`)."""
    from sqlalchemy.exc import OperationalError

    from helpdesk_tui.config import with_database_password
    from helpdesk_tui.data.engine import Database, build_engine
    from helpdesk_tui.data.schema_version import is_up_to_date

    try:
        engine = build_engine(with_database_password(settings.database_url))
        if is_up_to_date(engine):
            return Database(engine)
        if settings.is_embedded and upgrade_embedded:
            from helpdesk_tui.data import migrate

            migrate.upgrade(engine)
            return Database(engine)
    except OperationalError as exc:
        _fail(
            f"Cannot open the database {settings.database_url.split('@')[-1]}: {exc.orig}. "
            "Check the URL, that the server is running, and the password "
            "(`helpdesk secrets set database`)."
        )
    except ValueError as exc:
        _fail(str(exc))
    _fail(
        "The database schema is older than this version of helpdesk. "
        "Run `helpdesk db upgrade` once (it is safe to run from one desk while others wait)."
    )
    raise AssertionError("unreachable")


@click.group(invoke_without_command=True)
@click.option(
    "--database-url",
    envvar="HELPDESK_DATABASE_URL",
    default=None,
    help="sqlite:///PATH or postgresql+psycopg://user@host/db (default: the embedded database).",
)
@click.version_option(package_name="helpdesk-tui")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """The Parent Portal support helpdesk. With no command, opens the app."""
    ctx.ensure_object(dict)
    ctx.obj["database_url"] = database_url
    if ctx.invoked_subcommand is None:
        settings = _settings(ctx)
        _run_app(open_database(settings), demo=False, settings=settings)


def _run_app(database: Database, *, demo: bool, settings: Settings) -> None:
    from helpdesk_tui.app import HelpdeskApp
    from helpdesk_tui.services.staff import active_staff_count

    with database.read() as session:
        if active_staff_count(session) == 0:
            _fail(
                f"{database.url} holds no staff accounts yet, so nobody could sign in. "
                "For a demo run `helpdesk demo`; to fill this database with a demo district "
                "run `helpdesk db seed-demo`."
            )
    HelpdeskApp(database, demo=demo, settings=settings).run()


@main.command()
@click.option(
    "--guardians", default=DEMO_GUARDIANS, show_default=True, help="Size of the demo district."
)
@click.option("--seed", default=DEMO_SEED, show_default=True)
@click.option("--reset", is_flag=True, help="Throw the demo database away and generate it again.")
@click.pass_context
def demo(ctx: click.Context, guardians: int, seed: int, reset: bool) -> None:
    """Open the app on a demo district (generated on first use) in the embedded database."""
    from helpdesk_tui.config import demo_settings
    from helpdesk_tui.data.demo.seed import district_guardian_count

    settings = demo_settings(_settings(ctx))
    database = open_database(settings)
    if reset or district_guardian_count(database) == 0:
        _seed_with_progress(database, guardians=guardians, seed=seed, replace=True)
    _run_app(database, demo=True, settings=settings)


def _seed_with_progress(database: Database, *, guardians: int, seed: int, replace: bool) -> None:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from sqlalchemy.exc import DBAPIError

    from helpdesk_tui.data.demo.seed import DistrictNotEmpty, seed_demo_district

    console = Console(stderr=True)
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("Generating guardians", total=guardians)
            samples = seed_demo_district(
                database,
                guardians=guardians,
                seed=seed,
                replace=replace,
                progress=lambda n: progress.advance(task, n),
            )
    except DistrictNotEmpty as exc:
        _fail(str(exc))
    except DBAPIError as exc:
        _fail(
            f"The demo district could not be written ({exc.orig}); nothing was kept. If another "
            "desk or command is seeding this database right now, wait for it and try again."
        )
    except KeyboardInterrupt:
        _fail("Stopped; the partly generated district was removed.")
    from helpdesk_tui.services.tickets import seed_tickets

    tickets = seed_tickets(database, count=max(guardians // 5, 1), seed=seed)
    console.print(
        f"Demo district ready in {database.url}: {guardians:,} guardians, {tickets:,} tickets "
        f"(seed {seed})."
    )
    console.print("Staff: demo-agent, demo-clerk, demo-supervisor; password: demo-password")
    if samples.outstanding or samples.redeemed_by_other_member:
        console.print("Demo keys to try in the lookup box (demo data only):")
        for key in samples.outstanding[:2]:
            console.print(f"  {key}  outstanding")
        for key in samples.redeemed_by_other_member[:2]:
            console.print(f"  {key}  redeemed by another family member")


# -- database -------------------------------------------------------------------
@main.group()
def db() -> None:
    """Create, upgrade, check and seed the database."""


@db.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Apply the schema migrations shipped with this version."""
    from helpdesk_tui.config import with_database_password
    from helpdesk_tui.data import migrate
    from helpdesk_tui.data.engine import build_engine

    settings = _settings(ctx)
    engine = build_engine(with_database_password(settings.database_url))
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    click.echo(f"Schema at {after} (was {before or 'empty'}).")


@db.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Fail if the tables in the code and the migrations disagree (alembic check)."""
    from alembic.util.exc import AutogenerateDiffsDetected

    from helpdesk_tui.data import migrate

    database = open_database(_settings(ctx), upgrade_embedded=False)
    try:
        migrate.check(database.engine)
    except AutogenerateDiffsDetected as exc:
        _fail(str(exc))
    click.echo("Models and migrations agree.")


@db.command("seed-demo")
@click.option("--guardians", default=DEMO_GUARDIANS, show_default=True)
@click.option("--seed", default=DEMO_SEED, show_default=True)
@click.option("--replace", is_flag=True, help="Wipe whatever district the database holds first.")
@click.pass_context
def seed_demo(ctx: click.Context, guardians: int, seed: int, replace: bool) -> None:
    """Generate a deterministic demo district (22 schools, staff demo-agent/-clerk/-supervisor)."""
    if guardians < 1:
        _fail("--guardians must be at least 1.")
    _seed_with_progress(
        open_database(_settings(ctx)), guardians=guardians, seed=seed, replace=replace
    )


# -- secrets ---------------------------------------------------------------------
@main.group()
def secrets() -> None:
    """Keep the database and SMTP passwords in the OS keyring."""


@secrets.command("set")
@click.argument("name", type=click.Choice(["database", "smtp", "imap"]))
def secrets_set(name: str) -> None:
    """Store a password (asked for, never echoed)."""
    from helpdesk_tui.config import ConfigError, set_secret

    value = click.prompt(f"{name} password", hide_input=True, confirmation_prompt=True)
    try:
        set_secret(name, value)
    except ConfigError as exc:
        _fail(str(exc))
    click.echo(f"Stored the {name} password in the OS keyring.")


@secrets.command("delete")
@click.argument("name", type=click.Choice(["database", "smtp", "imap"]))
def secrets_delete(name: str) -> None:
    from helpdesk_tui.config import ConfigError, delete_secret

    try:
        removed = delete_secret(name)
    except ConfigError as exc:
        _fail(str(exc))
    click.echo(f"Removed the {name} password." if removed else f"No {name} password was stored.")


staff_option = click.option(
    "--staff",
    envvar="HELPDESK_STAFF",
    required=True,
    help="Your staff username (env HELPDESK_STAFF); the password is asked for "
    "or read from HELPDESK_STAFF_PASSWORD.",
)


def staff_password() -> str:
    return os.environ.get("HELPDESK_STAFF_PASSWORD") or click.prompt(
        "Password", hide_input=True, err=True
    )


# -- guardians -------------------------------------------------------------------
@main.group()
def guardians() -> None:
    """Find guardians from the command line."""


@guardians.command("search")
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="One JSON document, for scripts.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500))
@staff_option
@click.pass_context
def guardians_search(ctx: click.Context, query: str, as_json: bool, limit: int, staff: str) -> None:
    """Search as the lookup screen does: names, emails, phones, student numbers, usernames, keys."""
    from helpdesk_tui.services.guardians import search_guardians
    from helpdesk_tui.services.kernel.errors import DomainError
    from helpdesk_tui.services.staff import authenticate

    password = staff_password()
    database = open_database(_settings(ctx))
    try:
        with database.read() as session:
            actor = authenticate(session, username=staff, password=password)
            result = search_guardians(session, actor=actor, query=query, limit=limit)
    except DomainError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "query": query,
                    "note": result.note,
                    "more": result.more,
                    "results": [asdict(hit) for hit in result.hits],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if result.note:
        click.echo(result.note)
    for hit in result.hits:
        click.echo(
            f"#{hit.guardian_id:<8} {hit.name:<32} {hit.city:<14} {hit.account:<16} {hit.students_label()}"
        )
    if not result.hits:
        click.echo("No guardian matches.")
    elif result.more:
        click.echo(f"(first {len(result.hits)} shown; type more of the name to narrow)")


@db.command("revision", hidden=True)
@click.option("-m", "--message", required=True)
@click.pass_context
def db_revision(ctx: click.Context, message: str) -> None:
    """Developers: autogenerate a migration from the tables."""
    from helpdesk_tui.data import migrate

    migrate.revision(open_database(_settings(ctx)).engine, message)


def _register_more_commands() -> None:
    from helpdesk_tui.cli_admin import audit, calendar_group, mail, policy, tickets
    from helpdesk_tui.cli_import import export_demo, import_group
    from helpdesk_tui.cli_portal import portal
    from helpdesk_tui.cli_staff import staff

    main.add_command(mail)
    main.add_command(portal)
    main.add_command(import_group)
    main.add_command(staff)
    db.add_command(export_demo)
    main.add_command(audit)
    main.add_command(policy)
    main.add_command(tickets)
    main.add_command(calendar_group)


_register_more_commands()

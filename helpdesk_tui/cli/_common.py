"""What every command shares, in one place, so the command modules never import each
other: the settings and the database, staff sign-in, how a failure ends a command (and
with which exit code, EXIT_CODES), `--json` output, and logging. Only light modules are
imported at the top, so `helpdesk -h` stays fast.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, Literal, NoReturn, TypeVar, cast

import click

if TYPE_CHECKING:
    from sqlmodel import Session

    from helpdesk_tui.config import Settings
    from helpdesk_tui.data.engine import Database
    from helpdesk_tui.services.kernel.actors import StaffMember

log = logging.getLogger("helpdesk_tui.cli")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

EXIT_FAILED: Final = 1
EXIT_UNREACHABLE: Final = 3
EXIT_CODES = """\b
Exit codes:
  0  done
  1  refused or failed as asked: a refusal (wrong password, not allowed, a portal
     refusal), a bad row in an import, a broken audit trail, unreadable settings
  2  usage error: an unknown command, a missing or wrong option or argument
  3  cannot reach the database or the mail server (or the support mailbox)"""
CHECK_SERVER = (
    "that the server is running and reachable from here, and the password "
    "(`helpdesk secrets set database`)."
)
CHECK_FILE = "that the file's folder exists and you may read and write both."
NOT_TEXT = (
    "{what} is not valid text: it holds bytes that are not UTF-8 ({shown}). Set the "
    "terminal (or the variable) to UTF-8 and type it again."
)


def not_text(value: str) -> bool:
    """Whether ``value`` came from bytes that are not UTF-8 (Python keeps each such byte
    as a lone surrogate, which nothing can store or print)."""
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def _shown(value: str) -> str:
    return repr(value.encode("utf-8", "surrogateescape"))[:60]


# -- failures -----------------------------------------------------------------------
class Failed(click.ClickException):
    """Refused or failed as asked: exit 1, the message after ``label`` ("Error", ...)."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *, label: str | None = "Error") -> None:
        super().__init__(message)
        self.label = label

    def show(self, file: IO[Any] | None = None) -> None:
        text = self.format_message()
        click.echo(f"{self.label}: {text}" if self.label else text, file=file, err=True)


class Unreachable(Failed):
    """The database, the mail server or the mailbox cannot be reached: exit 3."""

    exit_code = EXIT_UNREACHABLE


def fail(message: str, code: Literal[1, 3] = 1, *, label: str | None = "Error") -> NoReturn:
    """End the command with ``message`` on stderr and exit ``code`` (2 is click's)."""
    log.warning("command failed (exit %d): %s", code, message)
    raise (Unreachable if code == EXIT_UNREACHABLE else Failed)(message, label=label)


def _where(url: str) -> str:
    return url.rsplit("@", 1)[-1]  # never the user or password part


def _unreachable(url: str, problem: object) -> NoReturn:
    lines = [line.strip() for line in str(problem).splitlines() if line.strip()]
    said = " ".join(line if line[-1] in ".?!" else f"{line}." for line in lines)
    check = CHECK_FILE if url.startswith("sqlite") else CHECK_SERVER
    where = "Check the URL (--database-url or HELPDESK_DATABASE_URL), " + check
    fail(f"Cannot use the database {_where(url)}: {said} {where}", EXIT_UNREACHABLE)


class HelpdeskGroup(click.Group):
    """The top group: a database that cannot be reached (after the retries) or settings
    that cannot be used, escaping any command, end it with exit 3 or 1 and a message
    saying what to check; anything else is a bug, logged with its traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """An argument made of bytes that are not UTF-8 (a terminal set to another
        encoding) is a usage error that says so, before any command sees it."""
        for arg in args:
            if not_text(arg):
                raise click.UsageError(NOT_TEXT.format(what="An argument", shown=_shown(arg)))
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except UnicodeEncodeError as exc:
            if not not_text(str(exc.object)):
                log.exception("unexpected error")
                raise
            # From the environment (HELPDESK_*), which no argument check sees.
            fail(NOT_TEXT.format(what="A setting", shown=_shown(str(exc.object))))
        except Exception as exc:
            from sqlalchemy.exc import OperationalError

            from helpdesk_tui.config import ConfigError
            from helpdesk_tui.services.kernel.errors import DatabaseUnavailable

            if isinstance(exc, ConfigError):
                fail(str(exc))
            if not isinstance(exc, DatabaseUnavailable | OperationalError):
                log.exception("unexpected error")
                raise
            url = getattr(_state(ctx).get("settings"), "database_url", "")
            _unreachable(url, exc.orig if isinstance(exc, OperationalError) else exc)


# -- settings, logging, database ----------------------------------------------------
def _state(ctx: click.Context) -> dict[str, Any]:  # this run's settings, shared
    return cast("dict[str, Any]", ctx.find_root().ensure_object(dict))


def start(ctx: click.Context, *, database_url: str | None, verbose: bool, stderr: bool) -> None:
    """Once per run: load the settings and send logs to ``<data dir>/logs`` (and to
    stderr with -v). Unusable settings fail only the commands that need them."""
    from helpdesk_tui.config import ConfigError, default_data_dir, load_settings
    from helpdesk_tui.logs import configure_logging, stop_logging

    state = _state(ctx)
    state["database_url"] = database_url
    try:
        state["settings"] = load_settings(database_url=database_url)
        data_dir = state["settings"].data_dir
    except ConfigError:  # fails the commands that need settings, when they ask
        data_dir = default_data_dir()
    try:
        configure_logging(data_dir, stderr=stderr, verbose=verbose)
    except OSError as exc:
        click.echo(f"Warning: cannot write the log in {data_dir}: {exc}", err=True)
        return
    ctx.call_on_close(stop_logging)  # a run inside another process leaves no handler
    log.info("helpdesk %s", ctx.invoked_subcommand or "(app)")


def settings(ctx: click.Context) -> Settings:
    state = _state(ctx)
    if "settings" not in state:  # unusable settings raise ConfigError again: exit 1
        from helpdesk_tui.config import load_settings

        state["settings"] = load_settings(database_url=state.get("database_url"))
    return cast("Settings", state["settings"])


def open_database(settings: Settings, *, upgrade_embedded: bool = True) -> Database:
    """The engine for these settings, with the embedded database brought up to date and
    a shared server checked (its schema is upgraded on purpose, with `helpdesk db upgrade`)."""
    from sqlalchemy.exc import OperationalError

    from helpdesk_tui.config import with_database_password
    from helpdesk_tui.data.engine import Database, build_engine
    from helpdesk_tui.data.schema_version import is_up_to_date

    try:
        engine = build_engine(with_database_password(settings.database_url))
        log.info("database %s", _where(settings.database_url))
        if is_up_to_date(engine):
            return Database(engine)
        if settings.is_embedded and upgrade_embedded:
            from helpdesk_tui.data import migrate

            migrate.upgrade(engine)
            return Database(engine)
    except OperationalError as exc:
        _unreachable(settings.database_url, exc.orig)
    except ValueError as exc:
        fail(str(exc))
    fail(
        "The database schema is older than this version of helpdesk. "
        "Run `helpdesk db upgrade` once (it is safe to run from one desk while others wait)."
    )


def database_for(ctx: click.Context, *, demo: bool = False) -> tuple[Settings, Database]:
    """The settings (the demo database's with ``demo``) and their open database."""
    from helpdesk_tui.config import demo_settings

    chosen = demo_settings(settings(ctx)) if demo else settings(ctx)
    return chosen, open_database(chosen)


# -- options ------------------------------------------------------------------------
def staff_option(
    *,
    required: bool = True,
    help: str = "Your staff username (env HELPDESK_STAFF); the password is asked for "
    "or read from HELPDESK_STAFF_PASSWORD.",
) -> Callable[[F], F]:
    return click.option("--staff", envvar="HELPDESK_STAFF", required=required, help=help)


def demo_option(
    help: str = "The demo database; mail is written as .eml files, not sent.",
) -> Callable[[F], F]:
    return click.option("--demo", is_flag=True, help=help)


def json_option(command: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="One JSON document, for scripts.")(
        command
    )


def secret_from(env: str, prompt: str, *, confirm: bool = False) -> str:
    """A password from ``env`` or asked for on stderr, never echoed nor logged."""
    value: str = os.environ.get(env) or click.prompt(
        prompt, hide_input=True, confirmation_prompt=confirm, err=True
    )
    if not_text(value):
        fail(NOT_TEXT.format(what=f"The password ({env} or typed)", shown="not shown"))
    return value


def staff_password() -> str:
    return secret_from("HELPDESK_STAFF_PASSWORD", "Password")


# -- running a service ---------------------------------------------------------------
def run_service(
    database: Database, call: Callable[[Session], T], *, write: bool = True, label: str = "Error"
) -> T:
    """``call(session)`` in one transaction, retried on transient failures; a domain
    error (a refusal included, its audit row kept) ends the command with exit 1."""
    from helpdesk_tui.services.kernel.errors import DomainError

    try:
        return database.run(call, write=write)
    except DomainError as exc:
        fail(str(exc), label=label)


def sign_in(database: Database, staff: str) -> StaffMember:
    """``staff`` signed in (password from the environment or asked for); a wrong
    password ends the command with exit 1."""
    from helpdesk_tui.services.kernel.errors import DomainError
    from helpdesk_tui.services.staff import authenticate

    if not_text(staff):
        fail(NOT_TEXT.format(what="The staff username", shown=_shown(staff)))
    password = staff_password()
    log.info("signing in as %s", staff)
    try:
        return authenticate(database, username=staff, password=password)
    except DomainError as exc:
        fail(str(exc))


def run_as_staff(
    ctx: click.Context,
    staff: str,
    call: Callable[[Session, StaffMember], T],
    *,
    write: bool = True,
    demo: bool = False,
) -> T:
    """Sign ``staff`` in, then run ``call(session, actor)`` in one transaction (so
    password hashing never holds a write open); a refusal ends the command with exit 1."""
    _, database = database_for(ctx, demo=demo)
    actor = sign_in(database, staff)
    return run_service(database, lambda s: call(s, actor), write=write)


# -- output --------------------------------------------------------------------------
def jsonable(value: object) -> Any:
    """Plain JSON values: dataclasses as objects, enums as their values, dates as ISO
    strings, paths as text, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def print_json(record: object) -> None:
    """One JSON document. Text is kept whole, but what a terminal would act on (C1
    controls, direction overrides, lone surrogates) is written as \\u escapes, which
    JSON readers turn back into the same text; C0 controls json escapes itself."""
    from helpdesk_tui.data.normalize import UNSAFE_CHARACTERS

    text = json.dumps(jsonable(record), ensure_ascii=False, indent=2)
    click.echo(UNSAFE_CHARACTERS.sub(lambda m: json.dumps(m.group(0))[1:-1], text))


def emit(record: object, text: str, *, as_json: bool) -> None:
    """``record`` as one JSON document with --json, else ``text`` for a person."""
    if as_json:
        print_json(record)
    else:
        click.echo(text)

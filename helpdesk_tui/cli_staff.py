"""`helpdesk staff add`: staff accounts from the command line (registered in cli.py)."""

from __future__ import annotations

import os

import click


@click.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option("--role", type=click.Choice(["agent", "clerk", "supervisor"]), required=True)
@click.option("--school", "school_code", help="A clerk's school code.")
@click.option(
    "--staff",
    "signed_in_as",
    envvar="HELPDESK_STAFF",
    help="Your supervisor username (not needed for the very first account).",
)
@click.pass_context
def staff_add(
    ctx: click.Context,
    username: str,
    full_name: str,
    role: str,
    school_code: str | None,
    signed_in_as: str | None,
) -> None:
    """Add a staff account; its password is asked for twice (or read from
    HELPDESK_NEW_STAFF_PASSWORD)."""
    from helpdesk_tui.cli import _fail, _settings, open_database, staff_password
    from helpdesk_tui.services.kernel.errors import DomainError
    from helpdesk_tui.services.staff import add_staff, authenticate

    database = open_database(_settings(ctx))
    try:
        actor = None
        if signed_in_as:
            password = staff_password()
            with database.read() as session:
                actor = authenticate(session, username=signed_in_as, password=password)
        new_password = os.environ.get("HELPDESK_NEW_STAFF_PASSWORD") or click.prompt(
            f"Password for {username}", hide_input=True, confirmation_prompt=True, err=True
        )
        with database.write() as session:
            message = add_staff(
                session,
                actor=actor,
                username=username,
                full_name=full_name,
                role=role,
                password=new_password,
                school_code=school_code,
            )
    except DomainError as exc:
        _fail(str(exc))
    click.echo(message)

"""`helpdesk staff add`: staff accounts from the command line, including the very first
supervisor of a new installation (who has nobody to sign in as)."""

from __future__ import annotations

import click

from helpdesk_tui.cli._common import (
    database_for,
    emit,
    json_option,
    run_service,
    secret_from,
    sign_in,
    staff_option,
)
from helpdesk_tui.vocabulary import Role


@click.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--school", "school_code", help="A clerk's school code.")
@staff_option(
    required=False, help="Your supervisor username (not needed for the very first account)."
)
@json_option
@click.pass_context
def staff_add(
    ctx: click.Context,
    username: str,
    full_name: str,
    role: str,
    school_code: str | None,
    staff: str | None,
    as_json: bool,
) -> None:
    """Add a staff account; its password is asked for twice (or read from
    HELPDESK_NEW_STAFF_PASSWORD)."""
    from helpdesk_tui.services.kernel.actors import StaffMember
    from helpdesk_tui.services.staff import add_staff

    _, database = database_for(ctx)
    actor: StaffMember | None = None
    if staff:
        actor = sign_in(database, staff)
    new_password = secret_from(
        "HELPDESK_NEW_STAFF_PASSWORD", f"Password for {username}", confirm=True
    )
    message = run_service(
        database,
        lambda s: add_staff(
            s,
            actor=actor,
            username=username,
            full_name=full_name,
            role=role,
            password=new_password,
            school_code=school_code,
        ),
    )
    record = {
        "username": username,
        "full_name": full_name,
        "role": role,
        "school_code": school_code,
        "message": message,
    }
    emit(record, message, as_json=as_json)

"""`helpdesk staff`: staff accounts from the command line. `add` (including the very
first supervisor of a database that never had staff, who has nobody to sign in as),
`list` (with locked accounts and last sign-ins), `unlock` (an account locked after
repeated wrong passwords), `disable`/`enable`, `set-role` and `reset-password` (a
temporary password printed once) for supervisors."""

from __future__ import annotations

import click

from helpdesk_tui.cli._common import (
    database_for,
    emit,
    json_option,
    jsonable,
    run_as_staff,
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


@staff.command("list")
@staff_option(help="Your supervisor username (env HELPDESK_STAFF).")
@json_option
@click.pass_context
def staff_list(ctx: click.Context, staff: str, as_json: bool) -> None:
    """Every staff account with its last sign-in and its state: active, disabled,
    password reset, failed sign-ins in a row, or LOCKED (unlock it with `helpdesk staff
    unlock`). Supervisors only."""
    from helpdesk_tui.services.staff import list_staff

    accounts = run_as_staff(ctx, staff, lambda s, a: list_staff(s, actor=a))
    records = [jsonable(a) | {"status": a.status} for a in accounts]
    width = max((len(a.username) for a in accounts), default=8)
    lines = [
        f"{a.username:<{width}}  {a.full_name:<28}  "
        f"{a.role.label + (', ' + a.school_name if a.school_name else ''):<40}  "
        f"last sign-in {a.last_sign_in:<20}  {a.status}"
        for a in accounts
    ]
    emit({"staff": records}, "\n".join(lines), as_json=as_json)


@staff.command("unlock")
@click.argument("username")
@click.option("--reason", required=True, help="Why, for the audit trail.")
@staff_option(help="Your supervisor username (env HELPDESK_STAFF).")
@json_option
@click.pass_context
def staff_unlock(ctx: click.Context, username: str, reason: str, staff: str, as_json: bool) -> None:
    """Unlock a staff account locked after repeated wrong passwords (supervisors;
    audited with the reason). Check first that the person asking is who they say."""
    from helpdesk_tui.services.staff import unlock_staff

    message = run_as_staff(
        ctx, staff, lambda s, a: unlock_staff(s, actor=a, username=username, reason=reason)
    )
    emit({"username": username, "message": message}, message, as_json=as_json)


@staff.command("disable")
@click.argument("username")
@click.option("--reason", required=True, help="Why, for the audit trail.")
@staff_option(help="Your supervisor username (env HELPDESK_STAFF).")
@json_option
@click.pass_context
def staff_disable(
    ctx: click.Context, username: str, reason: str, staff: str, as_json: bool
) -> None:
    """Disable a staff account: it can no longer sign in (supervisors; audited with the
    reason). Not your own account, nor the last active supervisor's."""
    from helpdesk_tui.services.staff import disable_staff

    message = run_as_staff(
        ctx, staff, lambda s, a: disable_staff(s, actor=a, username=username, reason=reason)
    )
    emit({"username": username, "message": message}, message, as_json=as_json)


@staff.command("enable")
@click.argument("username")
@click.option("--reason", required=True, help="Why, for the audit trail.")
@staff_option(help="Your supervisor username (env HELPDESK_STAFF).")
@json_option
@click.pass_context
def staff_enable(ctx: click.Context, username: str, reason: str, staff: str, as_json: bool) -> None:
    """Enable a disabled staff account again (supervisors; audited with the reason)."""
    from helpdesk_tui.services.staff import enable_staff

    message = run_as_staff(
        ctx, staff, lambda s, a: enable_staff(s, actor=a, username=username, reason=reason)
    )
    emit({"username": username, "message": message}, message, as_json=as_json)


@staff.command("set-role")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--school", "school_code", help="A clerk's school code (only for a clerk).")
@click.option("--reason", default="", help="Why, for the audit trail (optional).")
@staff_option(help="Your supervisor username (env HELPDESK_STAFF).")
@json_option
@click.pass_context
def staff_set_role(
    ctx: click.Context,
    username: str,
    role: str,
    school_code: str | None,
    reason: str,
    staff: str,
    as_json: bool,
) -> None:
    """Change a staff account's role, or a clerk's school (supervisors; audited with
    what it was before). The last active supervisor cannot be demoted."""
    from helpdesk_tui.services.staff import set_staff_role

    message = run_as_staff(
        ctx,
        staff,
        lambda s, a: set_staff_role(
            s, actor=a, username=username, role=role, school_code=school_code, reason=reason
        ),
    )
    record = {"username": username, "role": role, "school_code": school_code}
    emit(record | {"message": message}, message, as_json=as_json)


@staff.command("reset-password")
@click.argument("username")
@click.option("--reason", required=True, help="Why, for the audit trail.")
@staff_option(help="Your supervisor username (env HELPDESK_STAFF).")
@json_option
@click.pass_context
def staff_reset_password(
    ctx: click.Context, username: str, reason: str, staff: str, as_json: bool
) -> None:
    """Reset a staff password (supervisors; audited with the reason): the old one stops
    working and a temporary password is printed, once. Give it to the person (check
    first they are who they say); at their next sign-in in the app they choose a new
    one, and until then they can do nothing else."""
    from helpdesk_tui.services.staff import new_temporary_password, reset_staff_password

    temporary = new_temporary_password()
    message = run_as_staff(
        ctx,
        staff,
        lambda s, a: reset_staff_password(
            s, actor=a, username=username, reason=reason, temporary=temporary
        ),
    )
    record = {"username": username, "temporary_password": temporary.text, "message": message}
    text = f"{message}\nTemporary password (shown only now): {temporary.text}"
    emit(record, text, as_json=as_json)

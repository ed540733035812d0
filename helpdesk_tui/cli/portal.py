"""`helpdesk portal ...`: each function a parent portal calls, runnable from the command
line so a district can wire its portal to them or rehearse a call.

A refusal prints what the parent would be shown and exits 1; a usage problem exits 2.
Passwords are asked for (never echoed) or read from HELPDESK_PORTAL_PASSWORD.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from helpdesk_tui.cli._common import (
    database_for,
    demo_option,
    emit,
    fail,
    json_option,
    run_service,
    secret_from,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from helpdesk_tui.data.engine import Database

T = TypeVar("T")
REFUSED = "Refused"

_ip_option = click.option(
    "--ip", default="127.0.0.1", show_default=True, help="The client's address, for the access log."
)
_demo_option = demo_option("Act on the demo database.")


def _portal_password(*, new: bool) -> str:
    return secret_from(
        "HELPDESK_PORTAL_PASSWORD", "New password" if new else "Password", confirm=new
    )


def _in_transaction(ctx: click.Context, demo: bool, call: Callable[[Session], T]) -> T:
    """``call`` in one write transaction; a refusal ends the command with exit 1."""
    _, database = database_for(ctx, demo=demo)
    return run_service(database, call, label=REFUSED)


def _with_database(ctx: click.Context, demo: bool, call: Callable[[Database], T]) -> T:
    """For the calls that own their transactions: those that hash a password outside
    them, and the "forgot" answers with their constant time."""
    from helpdesk_tui.services.kernel.errors import DomainError

    _, database = database_for(ctx, demo=demo)
    try:
        return call(database)
    except DomainError as exc:
        fail(str(exc), label=REFUSED)


@click.group()
def portal() -> None:
    """The parent portal's side: redeem a key, sign in, recover a login."""


@portal.command("redeem")
@click.argument("key")
@click.option("--username", required=True, help="The login name the parent chooses.")
@_ip_option
@_demo_option
@json_option
@click.pass_context
def portal_redeem(
    ctx: click.Context, key: str, username: str, ip: str, demo: bool, as_json: bool
) -> None:
    """Create a guardian's login with their activation KEY (any case; spaces, braces and
    dashes optional)."""
    from helpdesk_tui.services.portal import redeem_key

    password = _portal_password(new=True)
    done = _with_database(
        ctx,
        demo,
        lambda d: redeem_key(d, key_text=key, username=username, password=password, ip=ip),
    )
    text = f"Login {done.username} created for {done.guardian_name}."
    if done.replaced_login:
        text += f"\nTheir earlier login {done.replaced_login} no longer signs in."
    emit(done, text, as_json=as_json)


@portal.command("login")
@click.argument("username")
@_ip_option
@_demo_option
@json_option
@click.pass_context
def portal_login(ctx: click.Context, username: str, ip: str, demo: bool, as_json: bool) -> None:
    """One sign-in attempt; every attempt goes to the access log."""
    from helpdesk_tui.services.portal import sign_in

    password = _portal_password(new=False)
    done = _with_database(
        ctx, demo, lambda d: sign_in(d, username=username, password=password, ip=ip)
    )
    last = f"{done.last_login_at:%Y-%m-%d %H:%M} UTC" if done.last_login_at else "never"
    emit(
        done,
        f"Signed in as {done.username} ({done.kind}); previous sign-in: {last}.",
        as_json=as_json,
    )


@portal.command("security-email")
@click.argument("username")
@click.argument("email")
@_ip_option
@_demo_option
@click.pass_context
def portal_security_email(
    ctx: click.Context, username: str, email: str, ip: str, demo: bool
) -> None:
    """Set the login's security email (current password required); a verification link
    is sent to it."""
    from helpdesk_tui.services.portal import set_security_email

    password = _portal_password(new=False)
    masked = _with_database(
        ctx,
        demo,
        lambda d: set_security_email(d, username=username, password=password, email=email, ip=ip),
    )
    click.echo(f"Security email set to {masked}; open the link sent there to verify it.")


@portal.command("verify-email")
@click.argument("link")
@_demo_option
@click.pass_context
def portal_verify_email(ctx: click.Context, link: str, demo: bool) -> None:
    """Open a security-email verification LINK (the whole link or its token)."""
    from helpdesk_tui.services.portal import verify_security_email

    masked = _in_transaction(ctx, demo, lambda s: verify_security_email(s, link=link))
    click.echo(f"{masked} is verified: Forgot password and Forgot username now work.")


@portal.command("forgot-password")
@click.argument("username")
@_ip_option
@_demo_option
@click.pass_context
def portal_forgot_password(ctx: click.Context, username: str, ip: str, demo: bool) -> None:
    """Send a reset link to the login's verified security email (same answer either way)."""
    from helpdesk_tui.services.portal import forgot_password

    click.echo(_with_database(ctx, demo, lambda d: forgot_password(d, username=username, ip=ip)))


@portal.command("forgot-username")
@click.argument("email")
@_ip_option
@_demo_option
@click.pass_context
def portal_forgot_username(ctx: click.Context, email: str, ip: str, demo: bool) -> None:
    """Send the username to EMAIL if it is a verified security email (same answer either way)."""
    from helpdesk_tui.services.portal import forgot_username

    click.echo(_with_database(ctx, demo, lambda d: forgot_username(d, email=email, ip=ip)))


@portal.command("reset-password")
@click.argument("link")
@_ip_option
@_demo_option
@click.pass_context
def portal_reset_password(ctx: click.Context, link: str, ip: str, demo: bool) -> None:
    """Choose a new password with a reset LINK (the whole link or its token)."""
    from helpdesk_tui.services.portal import reset_password

    password = _portal_password(new=True)
    username = _with_database(
        ctx, demo, lambda d: reset_password(d, link=link, new_password=password, ip=ip)
    )
    click.echo(f"Password changed; sign in as {username}.")

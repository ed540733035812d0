"""`helpdesk secrets`: the database, SMTP and IMAP passwords kept in the OS keyring,
never in a plaintext file."""

from __future__ import annotations

import click

from helpdesk_tui.cli._common import fail

NAMES = click.Choice(["database", "smtp", "imap"])


@click.group()
def secrets() -> None:
    """Keep the database and SMTP passwords in the OS keyring."""


@secrets.command("set")
@click.argument("name", type=NAMES)
def secrets_set(name: str) -> None:
    """Store a password (asked for, never echoed)."""
    from helpdesk_tui.config import ConfigError, set_secret

    value = click.prompt(f"{name} password", hide_input=True, confirmation_prompt=True)
    try:
        set_secret(name, value)
    except ConfigError as exc:
        fail(str(exc))
    click.echo(f"Stored the {name} password in the OS keyring.")


@secrets.command("delete")
@click.argument("name", type=NAMES)
def secrets_delete(name: str) -> None:
    from helpdesk_tui.config import ConfigError, delete_secret

    try:
        removed = delete_secret(name)
    except ConfigError as exc:
        fail(str(exc))
    click.echo(f"Removed the {name} password." if removed else f"No {name} password was stored.")

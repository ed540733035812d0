"""`helpdesk guardians search`: the lookup screen's search for scripts and curious
agents, signed in as a staff member (so a clerk sees only their school's families)."""

from __future__ import annotations

import click

from helpdesk_tui.cli._common import json_option, print_json, run_as_staff, staff_option


@click.group()
def guardians() -> None:
    """Find guardians from the command line."""


@guardians.command("search")
@click.argument("query")
@json_option
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500))
@staff_option()
@click.pass_context
def guardians_search(ctx: click.Context, query: str, as_json: bool, limit: int, staff: str) -> None:
    """Search as the lookup screen does: names, emails, phones, student numbers, usernames, keys."""
    from helpdesk_tui.services.guardians import search_guardians
    from helpdesk_tui.services.kernel.text import clean_text

    result = run_as_staff(
        ctx,
        staff,
        lambda s, actor: search_guardians(s, actor=actor, query=query, limit=limit),
        write=False,
    )
    if as_json:
        print_json(
            {"query": query, "note": result.note, "more": result.more, "results": result.hits}
        )
        return
    if result.note:
        click.echo(result.note)
    for hit in result.hits:  # names from the SIS: no escape reaches the terminal
        name, city, students = (clean_text(t) for t in (hit.name, hit.city, hit.students_label()))
        click.echo(f"#{hit.guardian_id:<8} {name:<32} {city:<14} {hit.account:<16} {students}")
    if not result.hits:
        click.echo("No guardian matches.")
    elif result.more:
        click.echo(f"(first {len(result.hits)} shown; type more of the name to narrow)")

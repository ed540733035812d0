"""`helpdesk audit`: prove the tamper-evident audit trail is intact (exit 1 and name
what is wrong when it is not), write its head down as an anchor to keep elsewhere, and
put back the database's append-only guards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from helpdesk_tui.cli._common import (
    database_for,
    demo_option,
    fail,
    json_option,
    jsonable,
    print_json,
    run_service,
)

if TYPE_CHECKING:
    from helpdesk_tui.services.kernel.audit import Anchor, ChainReport
    from helpdesk_tui.services.kernel.audit_anchors import AnchorLine

WHAT_TO_DO = (
    "Keep this database and the anchor files as they are (copy both somewhere safe) and "
    "tell whoever looks after the district's security: a backup taken before the change "
    "holds the trail as it was."
)


@click.group()
def audit() -> None:
    """The tamper-evident audit trail."""


def _when(anchor: Anchor) -> str:
    return f"{anchor.at:%Y-%m-%d %H:%M} UTC"


def _anchor_lines(paths: tuple[Path, ...]) -> list[AnchorLine]:
    from helpdesk_tui.services.kernel.audit_anchors import BadAnchorFile, read_anchors

    lines: list[AnchorLine] = []
    for path in paths:
        try:
            lines.extend(read_anchors(path))
        except BadAnchorFile as exc:
            raise click.BadParameter(str(exc), param_hint="--anchor") from None
    return lines


def _record(report: ChainReport, lines: list[AnchorLine]) -> dict[str, Any]:
    record: dict[str, Any] = {"ok": report.ok, **jsonable(report), "anchors": len(lines)}
    if report.failed_anchor is not None:
        line = lines[report.failed_anchor]
        record["failed_anchor"] = {
            **json.loads(line.anchor.to_json()),
            "number": report.failed_anchor + 1,
            "file": str(line.path),
            "line": line.line,
        }
    return record


@audit.command("verify")
@click.option(
    "--anchor",
    "anchor_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of anchors (from `helpdesk audit anchor --append`); the trail must "
    "still extend every one. Repeat for more files.",
)
@demo_option()
@json_option
@click.pass_context
def audit_verify(
    ctx: click.Context, anchor_files: tuple[Path, ...], demo: bool, as_json: bool
) -> None:
    """Recompute the hash chain, check it still extends every anchor given and that the
    append-only guards are in place; exit 1 and say what is wrong if not."""
    from helpdesk_tui.data.audit_guard import missing_guards_message
    from helpdesk_tui.services.kernel.audit import verify_chain

    lines = _anchor_lines(anchor_files)
    anchors = [line.anchor for line in lines]
    _, database = database_for(ctx, demo=demo)
    report = run_service(database, lambda s: verify_chain(s, anchors=anchors), write=False)
    if as_json:
        print_json(_record(report, lines))
    elif not report.problem:
        intact = "Audit trail intact" if report.ok else "Hash chain intact"
        click.echo(f"{intact}: {report.rows_checked:,} rows checked.")
        click.echo(
            f"Latest hash: {report.head_hash} (to keep it outside this database: "
            "`helpdesk audit anchor --append FILE`)"
        )
        if lines:
            latest = max(anchors, key=lambda a: a.rows)
            files = ", ".join(str(p) for p in anchor_files)
            which = "the anchor" if len(lines) == 1 else f"all {len(lines)} anchors"
            click.echo(
                f"It extends {which} in {files} (the latest taken {_when(latest)}, at "
                f"{latest.rows:,} rows)."
            )
    if report.ok:
        return
    if report.missing_guards and report.problem:
        click.echo(missing_guards_message(report.missing_guards), err=True)
    if not report.problem:
        fail(missing_guards_message(report.missing_guards), label=None)
    matched = f" {report.anchors_matched} of {len(lines)} anchors matched." if lines else ""
    if report.failed_anchor is None:
        fail(
            f"Audit trail BROKEN at row {report.first_broken_id}: {report.problem}. "
            f"{report.rows_checked:,} rows before it are intact.{matched} {WHAT_TO_DO}",
            label=None,
        )
    from helpdesk_tui.services.kernel.audit_anchors import database_label

    line = lines[report.failed_anchor]
    taken_on = line.anchor.database
    elsewhere = (
        f" (That anchor was taken on {taken_on}: check it belongs to this database.)"
        if taken_on and taken_on != database_label(database)
        else ""
    )
    fail(
        f"Audit trail does NOT extend anchor {report.failed_anchor + 1} of {len(lines)} "
        f"({line.where}, taken {_when(line.anchor)} at {line.anchor.rows:,} rows): "
        f"{report.problem}. {report.rows_checked:,} rows checked;{matched}{elsewhere} "
        f"{WHAT_TO_DO}",
        label=None,
    )


@audit.command("anchor")
@click.option(
    "--append",
    "append_to",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Add the anchor as the last line of this file (created readable only by you). "
    "Keep it away from the database: another machine, a share the database's admins "
    "cannot write to.",
)
@demo_option()
@json_option
@click.pass_context
def audit_anchor(ctx: click.Context, append_to: Path | None, demo: bool, as_json: bool) -> None:
    """Check the trail, then print its head (row count, last row, hash, time) as one
    JSON line to keep outside the database; `audit verify --anchor` checks against it."""
    from helpdesk_tui.services.kernel.audit import take_anchor
    from helpdesk_tui.services.kernel.audit_anchors import append_anchor, database_label

    _, database = database_for(ctx, demo=demo)
    label = database_label(database)
    anchor = run_service(database, lambda s: take_anchor(s, database=label), write=False)
    if append_to is not None:
        try:
            append_anchor(append_to, anchor)
        except OSError as exc:
            fail(f"Cannot write the anchor to {append_to}: {exc}. Check the folder exists.")
    if as_json:
        print_json(json.loads(anchor.to_json()))
        return
    head = f"the latest is row {anchor.last_id}" if anchor.rows else "none yet"
    click.echo(f"Audit trail intact: {anchor.rows:,} rows; {head}.")
    click.echo(anchor.to_json())
    if append_to is not None:
        click.echo(f"Appended to {append_to}.")
    else:
        click.echo(
            "Keep this line outside this database (or use --append FILE); "
            "`helpdesk audit verify --anchor FILE` checks the trail still extends it."
        )


@audit.command("restore-guards")
@demo_option()
@click.pass_context
def audit_restore_guards(ctx: click.Context, demo: bool) -> None:
    """Put back the database triggers that refuse changes to audit rows, if any is
    missing, disabled or changed (rows are never touched; an audit row records it)."""
    from helpdesk_tui.services.kernel.audit import restore_append_only_guards

    _, database = database_for(ctx, demo=demo)
    missing = run_service(database, restore_append_only_guards)
    if not missing:
        click.echo("The audit trail's append-only guards are already in place; nothing changed.")
        return
    click.echo(
        f"Put back the audit trail's append-only guards ({', '.join(missing)}); an audit "
        "row records it. Rows could be changed while they were missing: run "
        "`helpdesk audit verify --anchor FILE` with the anchors you keep to check."
    )

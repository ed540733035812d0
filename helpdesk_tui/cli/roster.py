"""`helpdesk import oneroster`: the district's roster in from its SIS as a OneRoster CSV
export, all or nothing, with a report a person (or, with --json, a script) can act on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from helpdesk_tui.cli._common import fail, json_option, open_database, print_json, settings
from helpdesk_tui.cli._progress import PhaseProgress, progress_bar
from helpdesk_tui.data.normalize import clean_text
from helpdesk_tui.services.kernel.text import count_of

if TYPE_CHECKING:
    from helpdesk_tui.services.roster import ImportReport

COLUMNS = ("added", "changed", "deactivated", "removed", "members added", "members removed")


@click.group("import")
def import_group() -> None:
    """Bring the district's roster in from its SIS."""


@import_group.command("oneroster")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count everything; change nothing.")
@click.option("--encoding", default=None, help="Force the files' encoding (utf-8, cp1252).")
@click.option("--portal-url", help="First import only: the Parent Portal's address.")
@click.option("--helpdesk-email", help="First import only: where guardians write to us.")
@click.option("--helpdesk-phone", help="First import only: the helpdesk's phone number.")
@click.option("--time-zone", default="America/Chicago", show_default=True)
@json_option
@click.pass_context
def import_oneroster_command(
    ctx: click.Context,
    path: Path,
    dry_run: bool,
    encoding: str | None,
    portal_url: str | None,
    helpdesk_email: str | None,
    helpdesk_phone: str | None,
    time_zone: str,
    as_json: bool,
) -> None:
    """Import a OneRoster 1.1 or 1.2 CSV export (a folder or a .zip): schools, students,
    parents and guardians with their links, emails, phones and birth dates.

    All or nothing: one bad row and nothing changes; every bad row is listed with its
    file and line. Bulk files replace the roster (missing people become inactive, never
    deleted); delta files apply active and tobedeleted rows. Exit 1 when refused."""
    from rich.console import Console

    from helpdesk_tui.services.roster import ImportRefused, NewDistrict, import_oneroster

    new_district = None
    if portal_url or helpdesk_email or helpdesk_phone:
        if not (portal_url and helpdesk_email and helpdesk_phone):
            raise click.UsageError(
                "Give all three of --portal-url, --helpdesk-email and --helpdesk-phone."
            )
        new_district = NewDistrict(
            portal_url=portal_url,
            helpdesk_email=helpdesk_email,
            helpdesk_phone=helpdesk_phone,
            time_zone=time_zone,
        )
    database = open_database(settings(ctx))
    try:
        with progress_bar(Console(stderr=True)) as bar:
            report = import_oneroster(
                database,
                path,
                dry_run=dry_run,
                encoding=encoding,
                new_district=new_district,
                progress=PhaseProgress(bar),
            )
    except ImportRefused as exc:
        fail(str(exc), label="Not imported")
    except KeyboardInterrupt:
        fail("Stopped; nothing was changed.")
    if as_json:
        print_json(_record(report))
    else:
        _print_report(report)
    if report.problem_count:
        fail(_problems(report), label=None)


def _record(report: ImportReport) -> dict[str, Any]:
    """What a script needs from the report; samples as a list, since JSON keys are text."""
    return {
        "path": report.path,
        "version": report.version,
        "modes": report.modes,
        "dry_run": report.dry_run,
        "applied": report.applied,
        "rows_read": report.rows_read,
        "counts": report.counts,
        "problem_count": report.problem_count,
        "problems": report.problems,
        "notes": report.notes,
        "samples": [
            {"entity": entity, "change": what, "names": names}
            for (entity, what), names in report.samples.items()
        ],
        "reindexed_guardians": report.reindexed_guardians,
        "seconds": round(report.seconds, 3),
    }


def _problems(report: ImportReport) -> str:
    lines = [
        f"\nNOT IMPORTED: {count_of(report.problem_count, 'problem')}, so nothing was changed. "
        "Fix them in the SIS (or the files) and import again:",
        *(f"  {clean_text(problem)}" for problem in report.problems),
    ]
    hidden = report.problem_count - len(report.problems)
    if hidden > 0:
        lines.append(f"  … and {hidden:,} more")
    return "\n".join(lines)


def _print_report(report: ImportReport) -> None:
    modes = ", ".join(f"{s} {m}" for s, m in sorted(report.modes.items()) if m != "absent")
    click.echo(f"OneRoster {report.version} export at {report.path} ({modes})")
    read = ", ".join(f"{name} {n:,} rows" for name, n in report.rows_read.items())
    if read:
        click.echo(f"Read: {read}.")
    if report.problem_count:
        return  # the problems end the command, on stderr
    verb = "Would change" if report.dry_run else "Changed"
    if not report.changes:
        click.echo("Nothing to change: the roster already matches this export.")
    else:
        click.echo(f"\n{verb}:")
        width = max(len(e) for e in report.counts) + 2
        for entity, per in report.counts.items():
            cells = ", ".join(f"{n:,} {what}" for what, n in per.items() if what in COLUMNS)
            click.echo(f"  {entity + 's':<{width}} {cells}")
        click.echo("\nFor example:")
        for (entity, what), names in report.samples.items():  # names as the roster holds them
            click.echo(f"  {entity}s {what}: {clean_text(', '.join(names))}")
    for note in report.notes:
        click.echo(f"Note: {note}")
    if report.dry_run:
        click.echo("\nDRY RUN: nothing was changed. Run again without --dry-run to apply.")
    else:
        click.echo(
            f"\nDone in {report.seconds:.1f} s; {count_of(report.reindexed_guardians, 'guardian')} "
            "re-indexed for the lookup."
        )

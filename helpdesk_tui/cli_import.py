"""`helpdesk import oneroster` and `helpdesk db export-demo`: the roster in and out as
OneRoster CSV (registered in cli.py)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import Console

    from helpdesk_tui.services.roster import ImportReport

COLUMNS = ("added", "changed", "deactivated", "removed", "members added", "members removed")


class _RichProgress:
    """The import's phases as progress bars on stderr."""

    def __init__(self, progress) -> None:
        self.progress = progress
        self.task = None

    def phase(self, label: str, total: int | None) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[-1].total)
        self.task = self.progress.add_task(label, total=total)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)


def _progress_bar(console: Console):
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


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
) -> None:
    """Import a OneRoster 1.1 or 1.2 CSV export (a folder or a .zip): schools, students,
    parents and guardians with their links, emails, phones and birth dates.

    All or nothing: one bad row and nothing changes; every bad row is listed with its
    file and line. Bulk files replace the roster (missing people become inactive, never
    deleted); delta files apply active and tobedeleted rows. Exit 1 when refused."""
    from rich.console import Console

    from helpdesk_tui.cli import _fail, _settings, open_database
    from helpdesk_tui.services.roster import ImportRefused, NewDistrict, import_oneroster

    new_district = None
    if portal_url or helpdesk_email or helpdesk_phone:
        if not (portal_url and helpdesk_email and helpdesk_phone):
            _fail("Give all three of --portal-url, --helpdesk-email and --helpdesk-phone.")
        new_district = NewDistrict(
            portal_url=portal_url or "",
            helpdesk_email=helpdesk_email or "",
            helpdesk_phone=helpdesk_phone or "",
            time_zone=time_zone,
        )
    database = open_database(_settings(ctx))
    console = Console(stderr=True)
    try:
        with _progress_bar(console) as bar:
            report = import_oneroster(
                database,
                path,
                dry_run=dry_run,
                encoding=encoding,
                new_district=new_district,
                progress=_RichProgress(bar),
            )
    except ImportRefused as exc:
        click.echo(f"Not imported: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        _fail("Stopped; nothing was changed.")
    _print_report(report)
    if report.problem_count:
        sys.exit(1)


def _print_report(report: ImportReport) -> None:
    modes = ", ".join(f"{s} {m}" for s, m in sorted(report.modes.items()) if m != "absent")
    click.echo(f"OneRoster {report.version} export at {report.path} ({modes})")
    read = ", ".join(f"{name} {n:,} rows" for name, n in report.rows_read.items())
    if read:
        click.echo(f"Read: {read}.")
    if report.problem_count:
        click.echo(
            f"\nNOT IMPORTED: {report.problem_count:,} problem(s), so nothing was changed. "
            "Fix them in the SIS (or the files) and import again:",
            err=True,
        )
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        hidden = report.problem_count - len(report.problems)
        if hidden > 0:
            click.echo(f"  … and {hidden:,} more", err=True)
        return
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
        for (entity, what), names in report.samples.items():
            click.echo(f"  {entity}s {what}: {', '.join(names)}")
    for note in report.notes:
        click.echo(f"Note: {note}")
    if report.dry_run:
        click.echo("\nDRY RUN: nothing was changed. Run again without --dry-run to apply.")
    else:
        click.echo(
            f"\nDone in {report.seconds:.1f} s; {report.reindexed_guardians:,} guardian(s) "
            "re-indexed for the lookup."
        )


@click.command("export-demo")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--guardians", default=2000, show_default=True)
@click.option("--seed", default=2026, show_default=True)
@click.option("--version", "version", type=click.Choice(["1.1", "1.2"]), default="1.2")
def export_demo(path: Path, guardians: int, seed: int, version: str) -> None:
    """Write the demo district as a OneRoster CSV export (a folder, or a .zip when PATH
    ends in .zip): the same seed and size as `seed-demo` give the same district."""
    from rich.console import Console

    from helpdesk_tui.cli import _fail
    from helpdesk_tui.data.oneroster.export import write_demo_export

    if guardians < 1:
        _fail("--guardians must be at least 1.")
    if path.exists() and (path.is_file() or any(path.iterdir())):
        _fail(f"{path} already exists; give a new folder or .zip name.")
    with _progress_bar(Console(stderr=True)) as bar:
        task = bar.add_task("Writing the export", total=guardians)
        written = write_demo_export(
            path,
            guardians=guardians,
            seed=seed,
            now=datetime.now(UTC),
            version=version,
            progress=lambda n: bar.advance(task, n),
        )
    click.echo(
        f"Wrote OneRoster {version}: {written.students:,} students and "
        f"{written.guardians:,} guardians to {written.path}."
    )

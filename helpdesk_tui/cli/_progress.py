"""Progress bars on stderr for the commands that run long (generating the demo district,
importing or exporting a roster), shared so that the command modules do not import each
other. Bars and notes go to stderr: with --json, stdout holds only the JSON document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpdesk_tui.cli._common import fail

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from helpdesk_tui.data.engine import Database

DEMO_GUARDIANS = 2000
DEMO_SEED = 2026


def progress_bar(console: Console) -> Progress:
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


class PhaseProgress:
    """A roster import's phases, one bar each."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def phase(self, label: str, total: int | None) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[-1].total)
        self.task = self.progress.add_task(label, total=total)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)


def seed_with_progress(database: Database, *, guardians: int, seed: int, replace: bool) -> None:
    """Generate the demo district with a progress bar, then print how to try it."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from sqlalchemy.exc import DBAPIError

    from helpdesk_tui.data.demo.seed import DistrictNotEmpty, mark_demo_built, seed_demo_district

    console = Console(stderr=True)
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("Generating guardians", total=guardians)
            samples = seed_demo_district(
                database,
                guardians=guardians,
                seed=seed,
                replace=replace,
                progress=lambda n: progress.advance(task, n),
                mark_built=False,
            )
    except DistrictNotEmpty as exc:
        fail(str(exc))
    except DBAPIError as exc:
        fail(
            f"The demo district could not be written ({exc.orig}); nothing was kept. If another "
            "desk or command is seeding this database right now, wait for it and try again."
        )
    except KeyboardInterrupt:
        fail("Stopped; the partly generated district was removed.")
    from helpdesk_tui.services.tickets import seed_tickets

    tickets = seed_tickets(database, count=max(guardians // 5, 1), seed=seed)
    mark_demo_built(database)  # only now is the demo complete (a kill before: rebuilt)
    console.print(
        f"Demo district ready in {database.url}: {guardians:,} guardians, {tickets:,} tickets "
        f"(seed {seed})."
    )
    console.print("Staff: demo-agent, demo-clerk, demo-supervisor; password: demo-password")
    if samples.outstanding or samples.redeemed_by_other_member:
        # Demo keys only, derived from the seed; real keys are random and never printed.
        console.print("Demo keys to try in the lookup box (demo data only):")
        for key in samples.outstanding[:2]:
            console.print(f"  {key}  outstanding")
        for key in samples.redeemed_by_other_member[:2]:
            console.print(f"  {key}  redeemed by another family member")

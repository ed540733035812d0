"""Batch activation keys from the portal usage report (B on a school's line, or the
district's): choose how the keys go out, read the dry run (who would get a key, who
not and why), confirm, watch the progress, and read where the letters' PDF was
written. A run stopped part way (the dialog closed, the desk gone) is offered again
the next time the dialog opens, and carries on where it stopped."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, DataTable, Label, ProgressBar, Static

from helpdesk_tui.screens.base import DeskModal
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.text import count_of
from helpdesk_tui.services.key_batches import (
    BatchChoice,
    BatchPlan,
    BatchProgress,
    SkippedFamily,
    continue_key_batch,
    discard_letter_parts,
    finish_key_batch,
    merge_batch_letters,
    plan_key_batch,
    start_key_batch,
    unfinished_key_batches,
)
from helpdesk_tui.vocabulary import UsageCondition
from helpdesk_tui.widgets.desk import signed_in
from helpdesk_tui.widgets.formatting import plain, plain_content
from helpdesk_tui.widgets.service_call import run_service

SKIPPED_ROWS = 200  # the dialog lists this many; the command line lists them all
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BatchTarget:
    """What the report's line and list say the run is for."""

    school_id: int | None  # None: the whole district
    school: str
    status: UsageCondition
    days: int

    @property
    def words(self) -> str:
        if self.status == UsageCondition.KEY_OUTSTANDING:
            return f"{self.school} · key outstanding over {self.days} days"
        return f"{self.school} · with portal rights, no account"


class BatchKeysDialog(DeskModal[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="batch-keys.close", tooltip="Close (a run stops)"),
    ]

    def __init__(self, target: BatchTarget, *, letters_folder: Path) -> None:
        super().__init__()
        self.target = target
        self.letters_folder = letters_folder
        self.plan: BatchPlan | None = None
        self.progress: BatchProgress | None = None
        self.stopped: BatchProgress | None = None  # an unfinished run to resume
        self.running = False
        self.finished = False
        self.closed = False  # closed during a run: it stops after the group under way

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="batch-keys"):
            yield Label("Batch activation keys", classes="dialog-title")
            yield Static(plain_content(self.target.words), id="batch-target")
            yield Checkbox("Email each key to the first address on file", True, id="batch-email")
            yield Checkbox(
                "Printed letters: one PDF for the school office", True, id="batch-letters"
            )
            yield Static("Counting…", id="batch-plan")
            yield DataTable(id="batch-skipped", cursor_type="row", zebra_stripes=True)
            yield ProgressBar(id="batch-progress", show_eta=False)
            yield Static("", id="batch-status", markup=False)
            yield Static("", id="batch-unfinished", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Issue keys", variant="primary", id="batch-go", disabled=True)
                yield Button("Resume", id="batch-resume")
                yield Button("Close", id="batch-close")

    def on_mount(self) -> None:
        self.query_one("#batch-skipped", DataTable).add_columns("Skipped", "Why")
        self.query_one("#batch-progress").display = False
        self.query_one("#batch-resume").display = False
        self.query_one("#batch-email", Checkbox).focus()
        staff = signed_in(self)
        self._call(lambda s: unfinished_key_batches(s, actor=staff), self._show_unfinished, False)
        self._dry_run()

    def _call(
        self,
        call: Callable[[Any], T],
        done: Callable[[T], object],
        write: bool = True,
        group: str = "batch",
    ) -> None:
        run_service(
            self, call, done=done, refused=self._refused, failed=self._failed, write=write,
            group=group,
        )  # fmt: skip

    # -- the dry run -------------------------------------------------------------------
    def _choice(self) -> BatchChoice:
        return BatchChoice(
            self.target.status,
            email=self.query_one("#batch-email", Checkbox).value,
            letters=self.query_one("#batch-letters", Checkbox).value,
            school_id=self.target.school_id,
            days=self.target.days,
        )

    @on(Checkbox.Changed)
    def _dry_run(self) -> None:
        if self.running or self.finished:
            return
        choice, staff = self._choice(), signed_in(self)
        self.query_one("#batch-go", Button).disabled = True
        if not (choice.email or choice.letters):
            self._status("Choose how the keys go out: by email, as letters, or both.")
            self.query_one("#batch-plan", Static).update("")
            return
        self.query_one("#batch-plan", Static).update("Counting…")
        self._call(lambda s: plan_key_batch(s, actor=staff, choice=choice), self._show_plan,
                   group="batch-plan")  # fmt: skip

    def _show_plan(self, plan: BatchPlan) -> None:
        self.plan = plan
        how = []
        if plan.email:
            how.append(f"{plan.by_email:,} by email")
        if plan.letters:
            how.append(f"{plan.by_letter:,} by letter in {count_of(plan.households, 'household')}")
        self.query_one("#batch-plan", Static).update(
            f"Dry run: {count_of(plan.families, 'family', 'families')} on the list; "
            f"{plan.to_issue:,} would get a key ({', '.join(how) or 'none'}); "
            + (
                f"{len(plan.skipped):,} would be skipped, below with why."
                if plan.skipped
                else "nobody would be skipped."
            )
        )
        table = self._skipped(plan.skipped)
        if len(plan.skipped) > SKIPPED_ROWS:
            table.add_row(
                "…", f"{len(plan.skipped) - SKIPPED_ROWS:,} more: `helpdesk keys batch --dry-run`"
            )
        go = self.query_one("#batch-go", Button)
        go.label = f"Issue {count_of(plan.to_issue, 'key')}"
        go.disabled = plan.to_issue == 0
        self._status(
            "Nothing has been changed yet." if plan.to_issue else "Nobody to give a key to."
        )

    def _show_unfinished(self, runs: list[BatchProgress]) -> None:
        if runs and not self.running:
            self.stopped = runs[0]
            run = runs[0]
            self.query_one("#batch-unfinished", Static).update(
                f"{run.label.capitalize()} ({run.school}, started {run.started_at:%Y-%m-%d %H:%M} "
                f"by {run.started_by}) stopped at {run.issued + run.skipped:,} of {run.total:,}: "
                "Resume finishes it."
            )
            self.query_one("#batch-resume").display = True

    # -- the run -----------------------------------------------------------------------
    @on(Button.Pressed, "#batch-go")
    def _go(self) -> None:
        if self.plan is None or self.running or self.closed:
            return
        choice, staff, folder = self._choice(), signed_in(self), self.letters_folder
        self._lock_choices()
        self._call(
            lambda s: start_key_batch(s, actor=staff, choice=choice, letters_folder=folder),
            self._next,
        )

    @on(Button.Pressed, "#batch-resume")
    def _resume(self) -> None:
        if self.stopped is None or self.running or self.closed:
            return
        self._lock_choices()
        # A group call first, even with nobody pending: it also finds the letters lost
        # since the run stopped and issues them again.
        staff, batch_id = signed_in(self), self.stopped.batch_id
        self._call(lambda s: continue_key_batch(s, actor=staff, batch_id=batch_id), self._next)

    def _lock_choices(self) -> None:
        self.running = True
        self.query_one("#batch-unfinished", Static).update("")
        for selector in ("#batch-go", "#batch-resume", "#batch-email", "#batch-letters"):
            self.query_one(selector).disabled = True
        self.query_one("#batch-progress").display = True

    def _next(self, progress: BatchProgress) -> None:
        """One group per call until none is pending, then the PDF and the end."""
        self.progress = progress
        if self.closed:
            return
        bar = self.query_one("#batch-progress", ProgressBar)
        bar.update(total=max(progress.total, 1), progress=progress.issued + progress.skipped)
        staff, batch_id = signed_in(self), progress.batch_id
        if progress.pending:
            self._status(
                f"{progress.label.capitalize()}: {progress.issued:,} keys issued, "
                f"{progress.pending:,} to go. Esc stops after this group (Resume carries on)."
            )
            self._call(lambda s: continue_key_batch(s, actor=staff, batch_id=batch_id), self._next)
            return
        self._status(f"Merging {count_of(progress.lettered, 'letter')} into one PDF…")
        self._call(
            lambda s: merge_batch_letters(s, actor=staff, batch_id=batch_id),
            lambda _path: self._call(
                lambda s: finish_key_batch(s, actor=staff, batch_id=batch_id), self._finished
            ),
            write=False,
        )

    def _finished(self, progress: BatchProgress) -> None:
        self.progress, self.running, self.finished = progress, False, True
        self._call(lambda _s: discard_letter_parts(progress), lambda _n: None, write=False,
                   group="batch-tidy")  # fmt: skip
        lines = [
            f"{progress.label.capitalize()} finished: {count_of(progress.issued, 'key')} issued"
        ]
        if progress.emailed:
            lines.append(f"{count_of(progress.emailed, 'email')} queued in each family's language")
        if progress.lettered and progress.letters_to:
            lines.append(
                f"{count_of(progress.lettered, 'letter')} in {progress.letters_to} (only you can "
                "read it: it holds live keys; print it, then delete it)"
            )
        if progress.skipped:
            lines.append(f"{count_of(progress.skipped, 'family', 'families')} skipped, above")
        self._status("; ".join(lines) + ".")
        self._skipped(progress.skipped_families)
        self.query_one("#batch-close", Button).focus()
        self.notify(lines[0] + ".", title="Batch keys", timeout=10, markup=False)

    # -- words ---------------------------------------------------------------------------
    def _skipped(self, families: tuple[SkippedFamily, ...]) -> DataTable:
        """Who gets no key and why (names from the SIS: plain text); hidden if nobody."""
        table = self.query_one("#batch-skipped", DataTable)
        table.clear()
        for family in families[:SKIPPED_ROWS]:
            table.add_row(plain(family.guardian), family.reason.label)
        table.display = bool(families)
        return table

    def _status(self, text: str) -> None:
        self.query_one("#batch-status", Static).update(text)

    def _refused(self, exc: DomainError) -> None:
        self.running = False
        self._status(str(exc))
        if self.progress is not None and not self.finished:
            self.stopped = self.progress
            self.query_one("#batch-resume").display = True
            self.query_one("#batch-resume").disabled = False

    def _failed(self) -> None:
        self._refused(DomainError("The database could not be reached; Resume carries on."))

    @on(Button.Pressed, "#batch-close")
    def action_close(self) -> None:
        self.closed = True
        self.dismiss(None)

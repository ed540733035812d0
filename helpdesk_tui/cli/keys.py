"""`helpdesk keys batch`: activation keys for every family on one of the portal usage
report's lists, for a school or the district (supervisors; audited): a dry run first
if you like, then the run, by email and/or as one PDF of letters, with a progress line;
a run that was stopped carries on with `--resume BATCH`. docs/batch-keys.md tells the
whole story."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from helpdesk_tui.cli._common import (
    database_for,
    fail,
    print_json,
    run_service,
    sign_in,
    staff_option,
)
from helpdesk_tui.cli._progress import progress_bar
from helpdesk_tui.services.kernel.text import clean_text, count_of

if TYPE_CHECKING:
    from helpdesk_tui.data.engine import Database
    from helpdesk_tui.services.kernel.actors import StaffMember
    from helpdesk_tui.services.key_batches import (
        BatchChoice,
        BatchPlan,
        BatchProgress,
        SkippedFamily,
    )

STATUSES = {"no-account": "no_account", "outstanding": "key_outstanding"}


@click.group("keys")
def keys() -> None:
    """Activation keys in bulk (supervisors; audited)."""


@keys.command("batch")
@click.option("--school", "school_code", metavar="CODE", help="One school, by its code.")
@click.option("--district", is_flag=True, help="Every school (each family once).")
@click.option(
    "--status",
    type=click.Choice(list(STATUSES)),
    help="The usage report's list: with rights and no account, or a key outstanding.",
)
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    help="With --status outstanding: keys unused for longer than this (default 30).",
)
@click.option(
    "--email", is_flag=True, help="Email each key to the first address on file, in their language."
)
@click.option(
    "--letters",
    type=click.Path(path_type=Path, dir_okay=True, file_okay=True),
    metavar="PATH",
    help="One PDF of printed letters, by student grade, a household's together "
    "(PATH: a new file, or a folder to put it in).",
)
@click.option("--dry-run", is_flag=True, help="Only say who would get a key, and who not and why.")
@click.option("--resume", type=click.IntRange(1), metavar="BATCH", help="Finish a stopped run.")
@click.option("--json", "as_json", is_flag=True, help="The plan or the outcome as JSON.")
@staff_option()
@click.pass_context
def batch(
    ctx: click.Context,
    school_code: str | None,
    district: bool,
    status: str | None,
    days: int | None,
    email: bool,
    letters: Path | None,
    dry_run: bool,
    resume: int | None,
    as_json: bool,
    staff: str,
) -> None:
    """Give a key to every family on a usage report list, for --school CODE or the
    --district: --status no-account (with portal rights, no account) or outstanding
    (a key unused for longer than --days). Keys go by --email and/or as --letters. A
    family is skipped, with the reason, for a restricted relationship, a verification
    block, an account already, or no address for the chosen delivery. Try --dry-run
    first. A run that stops (Ctrl+C, a closed terminal) is finished with --resume."""
    from helpdesk_tui.services.key_batches import BatchChoice
    from helpdesk_tui.vocabulary import UsageCondition

    given: dict[str, object] = {
        "--school": school_code,
        "--district": district,
        "--status": status,
        "--days": days,
        "--email": email,
        "--letters": letters,
        "--dry-run": dry_run,
    }
    if resume is not None:
        extra = [option for option, value in given.items() if value]
        if extra:
            raise click.UsageError(
                f"--resume carries on with the batch's own choices: leave out {', '.join(extra)}."
            )
    else:
        if bool(school_code) == district:
            raise click.UsageError("Give --school CODE or --district (one of them).")
        if status is None:
            raise click.UsageError("Give --status no-account or --status outstanding.")
        if days is not None and status != "outstanding":
            raise click.UsageError("--days goes with --status outstanding.")
        if not (email or letters):
            raise click.UsageError("Say how the keys go out: --email, --letters PATH, or both.")
    settings, database = database_for(ctx)
    actor = sign_in(database, staff)
    if resume is not None:
        progress = _resume(database, actor, resume)
    else:
        choice = BatchChoice(
            UsageCondition(STATUSES[status or ""]),
            email=email,
            letters=letters is not None,
            school_code=school_code,
            days=days or 30,
        )
        if dry_run:
            _dry_run(database, actor, choice, as_json)
            return
        progress = _start(database, actor, choice, settings.data_dir / "letters", letters)
    progress = _run(database, actor, progress)
    if as_json:
        print_json(progress)
    else:
        click.echo("\n".join(clean_text(line) for line in _outcome(progress).splitlines()))


def _dry_run(database: Database, actor: StaffMember, choice: BatchChoice, as_json: bool) -> None:
    from helpdesk_tui.services.key_batches import plan_key_batch

    plan = run_service(database, lambda s: plan_key_batch(s, actor=actor, choice=choice))
    if as_json:
        print_json(plan)
    else:  # names of schools and families come from the SIS: no terminal controls
        click.echo("\n".join(clean_text(line) for line in plan_lines(plan)))


def plan_lines(plan: BatchPlan) -> list[str]:
    from helpdesk_tui.services.key_batches import plan_summary

    how = []
    if plan.email:
        how.append(f"{plan.by_email:,} by email")
    if plan.letters:
        how.append(f"{plan.by_letter:,} by letter ({count_of(plan.households, 'household')})")
    return [
        f"Dry run: {plan_summary(plan)}.",
        f"  {plan.to_issue:,} would be given a key: {', '.join(how) or 'none'}",
        *skipped_lines(plan.skipped, "would be skipped"),
        "Nothing was changed. Run it again without --dry-run to issue the keys.",
    ]


def skipped_lines(skipped: tuple[SkippedFamily, ...], verb: str) -> list[str]:
    """How many were skipped for each reason, then each family and why."""
    lines = [f"  {len(skipped):,} {verb}" + (":" if skipped else "")]
    counts: dict[str, int] = {}
    for family in skipped:
        counts[family.reason.label] = counts.get(family.reason.label, 0) + 1
    lines += [f"    {n:>6,}  {why}" for why, n in sorted(counts.items(), key=lambda kv: -kv[1])]
    if skipped:
        lines.append("  Each (guardian, id, why):")
        lines += [
            f"    {clean_text(f.guardian)} (#{f.guardian_id}): {f.reason.label}" for f in skipped
        ]
    return lines


def _start(
    database: Database,
    actor: StaffMember,
    choice: BatchChoice,
    letters_folder: Path,
    letters_to: Path | None,
) -> BatchProgress:
    from helpdesk_tui.services.key_batches import start_key_batch

    progress = run_service(
        database,
        lambda s: start_key_batch(
            s,
            actor=actor,
            choice=choice,
            letters_folder=letters_folder,
            letters_to=letters_to,
        ),
    )
    click.echo(
        f"Batch #{progress.batch_id} started: {progress.pending:,} keys to issue, "
        f"{progress.skipped:,} families skipped. If it stops, finish it with: "
        f"helpdesk keys batch --resume {progress.batch_id}",
        err=True,
    )
    return progress


def _resume(database: Database, actor: StaffMember, batch_id: int) -> BatchProgress:
    from helpdesk_tui.services.key_batches import key_batch_progress

    progress = run_service(
        database, lambda s: key_batch_progress(s, actor=actor, batch_id=batch_id), write=False
    )
    click.echo(
        f"Batch #{batch_id} ({clean_text(progress.school)}, started {progress.started_at:%Y-%m-%d %H:%M} by "
        f"{clean_text(progress.started_by)}): "
        + (
            "finished already."
            if progress.state == "done"
            else f"{progress.issued + progress.skipped:,} of {progress.total:,} families "
            "done, carrying on."
        ),
        err=True,
    )
    return progress


def _run(database: Database, actor: StaffMember, progress: BatchProgress) -> BatchProgress:
    """The groups with a progress line on stderr, then the letters' PDF."""
    from rich.console import Console

    from helpdesk_tui.services.key_batches import (
        continue_key_batch,
        discard_letter_parts,
        finish_key_batch,
        merge_batch_letters,
    )
    from helpdesk_tui.vocabulary import KeyBatchState

    batch_id = progress.batch_id
    console = Console(stderr=True)
    bar = progress_bar(console) if console.is_terminal else None
    try:
        if bar is not None:
            bar.start()
            task = bar.add_task(f"Batch #{batch_id}", total=progress.total)
        unfinished = progress.state == KeyBatchState.RUNNING
        # An unfinished run gets at least one group call, even with nobody pending: it
        # also finds the letters lost since (a resumed run) and issues them again.
        while unfinished:
            progress = run_service(
                database, lambda s: continue_key_batch(s, actor=actor, batch_id=batch_id)
            )
            done = progress.issued + progress.skipped
            if bar is not None:
                bar.update(task, completed=done, total=progress.total)
            else:  # a log or a pipe: one plain line per group
                click.echo(f"batch #{batch_id}: {done:,} of {progress.total:,} done", err=True)
            if not progress.pending:
                break
        if bar is not None:
            bar.stop()
        if progress.lettered and unfinished:
            click.echo(f"Merging {count_of(progress.lettered, 'letter')} into one PDF…", err=True)
        run_service(
            database,
            lambda s: merge_batch_letters(s, actor=actor, batch_id=batch_id),
            write=False,
        )
        progress = run_service(
            database, lambda s: finish_key_batch(s, actor=actor, batch_id=batch_id)
        )
    except KeyboardInterrupt:
        if bar is not None:
            bar.stop()
        fail(
            f"Stopped. Keys issued so far stay issued, with their letters kept apart; "
            f"finish with: helpdesk keys batch --resume {batch_id}"
        )
    discard_letter_parts(progress)
    return progress


def _outcome(progress: BatchProgress) -> str:
    lines = [
        f"Batch #{progress.batch_id} finished ({progress.school}): "
        f"{count_of(progress.issued, 'key')} issued.",
        *skipped_lines(progress.skipped_families, "skipped"),
    ]
    if progress.emailed:
        lines.append(
            f"  {count_of(progress.emailed, 'email')} queued, each in the family's language "
            "(the worker sends them: `helpdesk mail status`)."
        )
    if progress.lettered and progress.letters_to:
        lines.append(
            f"  {count_of(progress.lettered, 'letter')}: {progress.letters_to} (readable only "
            "by you: it holds live keys; print it, then delete it)."
        )
    return "\n".join(lines)

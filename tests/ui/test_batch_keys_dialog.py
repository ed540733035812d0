"""Batch keys from the portal usage report: a supervisor highlights a school, presses B,
reads the dry run, issues the keys and is told where the letters' PDF is; a run
closed part way is offered again and finished."""

import stat

from sqlmodel import col, func, select
from textual.widgets import Button, Checkbox

from helpdesk_tui.data.tables import AuditEvent, KeyBatchItem, OutboxMessage
from helpdesk_tui.screens.reports.batch_keys import BatchKeysDialog
from helpdesk_tui.services.key_batches import BatchChoice, continue_key_batch, start_key_batch
from helpdesk_tui.vocabulary import UsageCondition
from tests.conftest import sign_in as staff_sign_in
from tests.ui.helpers import SIZE, make_app, rows, settle, sign_in, text_of
from tests.unit.key_batch_world import active_keys, letters_in


def count(db, model, *where) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


async def test_a_supervisor_runs_a_batch_for_a_school_from_the_usage_report(
    sqlite_seeded, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    app.letters_dir = tmp_path / "letters"
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-supervisor")
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("down")  # the first school
        await settle(pilot)
        usage = app.screen
        school = usage.schools[1]  # type: ignore[attr-defined]
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BatchKeysDialog)
        plan = dialog.plan
        assert plan is not None and plan.school == school.school
        assert plan.families == school.no_account  # the line's own number
        assert f"{plan.to_issue:,} would get a key" in text_of(pilot, "#batch-plan")
        assert count(sqlite_seeded, KeyBatchItem) == 0  # a dry run changes nothing

        await pilot.click("#batch-letters")  # email only
        await settle(pilot)
        assert dialog.plan is not None and not dialog.plan.letters
        await pilot.click("#batch-letters")  # letters again
        await settle(pilot)
        await pilot.click("#batch-go")
        await settle(pilot)

        status = text_of(pilot, "#batch-status")
        assert f"Batch #1 finished: {plan.to_issue:,} keys issued" in status
        pdf = (
            tmp_path
            / "letters"
            / next(p.name for p in (tmp_path / "letters").iterdir() if p.suffix == ".pdf")
        )
        assert str(pdf) in status and stat.S_IMODE(pdf.stat().st_mode) == 0o600
        assert dialog.query_one("#batch-go", Button).disabled
        assert dialog.query_one("#batch-email", Checkbox).disabled

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is usage
        assert int(rows(pilot, "#usage-schools")[1][2]) == school.no_account  # no login yet

    issued = count(sqlite_seeded, KeyBatchItem, col(KeyBatchItem.state) == "issued")
    assert issued == plan.to_issue
    keys = count(sqlite_seeded, AuditEvent, col(AuditEvent.action) == "key_batch_issued")
    assert keys == issued
    assert count(sqlite_seeded, OutboxMessage, col(OutboxMessage.kind) == "activation_key") == (
        plan.by_email
    )
    pages = letters_in(sqlite_seeded, staff_sign_in(sqlite_seeded, "demo-supervisor"), pdf)
    assert len(pages) == plan.by_letter
    assert all(len(active_keys(sqlite_seeded, gid)) == 1 for gid, _, _ in pages)


async def test_a_run_stopped_part_way_is_offered_again_and_finished(
    sqlite_seeded, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """A run stopped after its first group (a desk closed, say) is offered by the next
    dialog, for any line, and Resume finishes it."""
    supervisor = staff_sign_in(sqlite_seeded, "demo-supervisor")
    choice = BatchChoice(UsageCondition.NO_ACCOUNT, email=False, letters=True)
    with sqlite_seeded.write() as s:
        started = start_key_batch(
            s, actor=supervisor, choice=choice, letters_folder=tmp_path / "letters"
        )
    with sqlite_seeded.write() as s:
        continue_key_batch(s, actor=supervisor, batch_id=started.batch_id, limit=10)
    to_issue = started.pending
    assert to_issue > 80  # the district's line: several groups

    app = make_app(sqlite_seeded)
    app.letters_dir = tmp_path / "letters"
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-supervisor")
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("down", "b")  # a school's line
        await settle(pilot)
        assert isinstance(app.screen, BatchKeysDialog)
        note = text_of(pilot, "#batch-unfinished")
        assert (
            "Batch #1 (the whole district, started" in note and f"at 10 of {started.total}" in note
        )
        assert "Nobody to give a key to" in text_of(pilot, "#batch-status")  # all in #1
        await pilot.click("#batch-resume")
        await settle(pilot)
        assert "Batch #1 finished" in text_of(pilot, "#batch-status")

    items = {
        state: count(sqlite_seeded, KeyBatchItem, col(KeyBatchItem.state) == state)
        for state in ("issued", "pending")
    }
    assert items == {"issued": to_issue, "pending": 0}
    assert count(sqlite_seeded, OutboxMessage, col(OutboxMessage.kind) == "activation_key") == 0
    keys = count(sqlite_seeded, AuditEvent, col(AuditEvent.action) == "key_batch_issued")
    assert keys == to_issue
    pages = letters_in(sqlite_seeded, supervisor, started.letters_to)
    assert len(pages) == to_issue and {state for _, state, _ in pages} == {"active"}

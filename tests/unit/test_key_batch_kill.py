"""A batch run killed part way (SIGKILL: no clean-up, no handler), then resumed, gives
exactly one active key per family, one audit row per key, every letter in the PDF with
a key that works, and no family left out without a reason; on both databases, through
the real command line in a process of its own."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import col, func, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import ActivationKey, AuditEvent, KeyBatchItem
from tests.unit.key_batch_world import PASSWORD, active_keys, build_world, letters_in

EXTRA = 200  # five groups of 40 and more: the kill lands with most of the run to go

pytestmark = pytest.mark.slow


def command(db: Database, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    url = db.engine.url.render_as_string(hide_password=False)
    env = {
        **os.environ,
        "HELPDESK_DATA_DIR": str(tmp_path / "data"),
        "HELPDESK_STAFF_PASSWORD": PASSWORD,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "helpdesk_tui", "--database-url", url, "keys", "batch",
         "--staff", "sue", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def items(db: Database, state: str) -> int:
    with db.read() as s:
        return s.exec(
            select(func.count()).select_from(KeyBatchItem).where(col(KeyBatchItem.state) == state)
        ).one()


def issued_rows(db: Database) -> list[int | None]:
    with db.read() as s:
        return list(
            s.exec(
                select(AuditEvent.guardian_id).where(col(AuditEvent.action) == "key_batch_issued")
            ).all()
        )


def test_a_run_killed_part_way_then_resumed_gives_each_family_exactly_one_key(db, tmp_path):
    world = build_world(db, extra=EXTRA)
    pdf = tmp_path / "office.pdf"
    run = command(db, tmp_path, "--school", "101", "--status", "no-account", "--email",
                  "--letters", str(pdf))  # fmt: skip
    assert run.stderr is not None
    for line in run.stderr:  # a progress line after each group's commit
        if line.startswith("batch #1: "):  # "43 of 207 done": 40 keys, 3 skipped
            run.send_signal(signal.SIGKILL)  # in the middle of the next group
            break
    else:
        pytest.fail(f"no progress line; exit {run.wait()}: {run.stdout and run.stdout.read()}")
    assert run.wait() == -signal.SIGKILL

    # Killed: what was saved is whole. Each key saved has its item, its audit row and
    # its letter; the families after it still wait.
    issued, pending = items(db, "issued"), items(db, "pending")
    assert issued >= 40 and pending > 0
    assert len(issued_rows(db)) == issued
    parts = tmp_path / "data" / "letters" / "batch-1-letters"
    on_disk = [PdfReader(p) for p in parts.glob("letters-*.pdf") if p.stat().st_size]
    assert sum(len(r.pages) for r in on_disk) >= issued  # a group's letters to a file
    assert not pdf.exists()

    resumed = command(db, tmp_path, "--resume", "1")
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert "Batch #1 finished (Oak Elementary School): 204 keys issued." in out
    assert "carrying on" in err

    families = [world.gid(n) for n in ("Ana", "Bo", "Cy", "Ivy")] + world.extra
    assert (items(db, "issued"), items(db, "pending"), items(db, "skipped")) == (204, 0, 3)
    for gid in families:
        assert len(active_keys(db, gid)) == 1, f"guardian {gid}"
    with db.read() as s:  # one audit row per key the run made (the killed group's none)
        made = s.exec(
            select(func.count())
            .select_from(ActivationKey)
            .where(col(ActivationKey.issued_by_staff_id) == world.supervisor.id)
        ).one()
    rows = issued_rows(db)
    assert len(rows) == made == 204 and sorted(rows) == sorted(families)

    pages = letters_in(db, world.supervisor, pdf)
    assert sorted(gid for gid, _, _ in pages) == sorted(families)
    assert {state for _, state, _ in pages} == {"active"}
    assert not parts.exists()

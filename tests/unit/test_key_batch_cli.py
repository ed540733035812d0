"""`helpdesk keys batch` on the small district of key_batch_world.py: the dry run as a
person and a script read it, what a finished run prints, and the exit codes: a refusal
1 (audited), a usage error 2, before anyone signs in."""

import json
import os

import pytest

from tests.unit.key_batch_world import PASSWORD, audit_actions, build_world
from tests.unit.test_cli import _run

SUE = {"HELPDESK_STAFF": "sue", "HELPDESK_STAFF_PASSWORD": PASSWORD}


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HELPDESK_DATA_DIR", str(tmp_path / "data"))


def test_the_dry_run_lists_each_skipped_family_and_why_and_changes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    build_world(db)
    args = ("keys", "batch", "--school", "101", "--status", "no-account", "--email", "--dry-run")
    text = _run(db, *args, env=SUE)
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert lines[0] == (
        "Dry run: Oak Elementary School, with rights, no account: 7 families, 3 to be given "
        "a key by email, 4 skipped."
    )
    assert "  3 would be given a key: 3 by email" in lines
    assert "    Cy Beta (#3): no email address on file" in lines
    assert "    Di Gamma (#4): restricted relationship (custody or court order)" in lines
    assert lines[-1].startswith("Nothing was changed.")
    data = json.loads(_run(db, *args, "--json", env=SUE).stdout)
    assert (data["to_issue"], len(data["skipped"])) == (3, 4)
    assert sorted(s["reason"] for s in data["skipped"]) == [
        "blocked", "no_email", "no_email", "restricted"  # Cy and Flo: no email
    ]  # fmt: skip
    assert len(audit_actions(db, "key_batch_dry_run")) == 2


def test_a_run_prints_what_it_did_and_where_the_letters_are(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    build_world(db)
    tmp_path = tmp_path / "office"
    tmp_path.mkdir()
    done = _run(db, "keys", "batch", "--school", "101", "--status", "no-account", "--email",
                "--letters", str(tmp_path), env=SUE)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Batch #1 started: 4 keys to issue, 3 families skipped." in done.stderr
    assert "batch #1: 7 of 7 done" in done.stderr  # a plain line when not a terminal
    out = done.stdout
    assert out.startswith("Batch #1 finished (Oak Elementary School): 4 keys issued.\n  3 skipped:")
    pdf = next(tmp_path.glob("key-letters-batch-1-*.pdf"))
    assert f"  4 letters: {pdf} (readable only by you" in out
    assert "  3 emails queued, each in the family's language" in out
    again = _run(db, "keys", "batch", "--resume", "1", env=SUE)  # finished: nothing to do
    assert again.exit_code == 0 and "4 keys issued" in again.stdout
    assert len(audit_actions(db, "key_batch_issued")) == 4


def test_refusals_exit_1_audited_and_usage_errors_exit_2(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    build_world(db)
    tmp_path = tmp_path / "office"
    tmp_path.mkdir()
    base = ("keys", "batch", "--status", "no-account", "--email")
    clerk = _run(db, *base, "--school", "101", env={**SUE, "HELPDESK_STAFF": "cal"})
    assert clerk.exit_code == 1 and "Only a supervisor can do this" in clerk.stderr
    assert [e.staff_username for e in audit_actions(db, "key_batch_run", "denied")] == ["cal"]
    unknown = _run(db, *base, "--school", "999", env=SUE)
    assert unknown.exit_code == 1 and "No school has the code 999" in unknown.stderr
    taken = tmp_path / "taken.pdf"
    taken.write_bytes(b"x")
    exists = _run(db, *base, "--school", "101", "--letters", str(taken), env=SUE)
    assert exists.exit_code == 1 and "exists already" in exists.stderr
    nobody = _run(db, "keys", "batch", "--school", "202", "--status", "outstanding",
                  "--email", env=SUE)  # fmt: skip
    assert nobody.exit_code == 1 and "Nobody on this list can be given a key" in nobody.stderr
    missing = _run(db, "keys", "batch", "--resume", "7", env=SUE)
    assert missing.exit_code == 1 and "There is no batch #7" in missing.stderr

    for args, words in (
        (("--status", "no-account", "--email"), "--school CODE or --district"),
        (("--school", "101", "--district", "--status", "no-account", "--email"), "one of them"),
        (("--district", "--email"), "--status no-account or --status outstanding"),
        (("--district", "--status", "no-account"), "--email, --letters PATH, or both"),
        (("--district", "--status", "no-account", "--email", "--days", "5"), "--days goes with"),
        (("--resume", "1", "--district"), "leave out --district"),
        (("--district", "--status", "none", "--email"), "'none' is not one of"),
    ):
        result = _run(db, "keys", "batch", *args, env=SUE)
        assert result.exit_code == 2 and words in result.stderr, (args, result.stderr)
    assert os.listdir(tmp_path) == ["taken.pdf"]

"""Anchors: the trail's head (row count, last row, its hash) written down outside the
database. `helpdesk audit verify --anchor FILE` proves the trail still extends every
anchor, so the tampering the chain alone cannot show (deleting the newest rows, every
row, or rewriting rows and recomputing their hashes) is caught too. Each case plays an
attacker with the database file or a superuser login, who lifts the append-only
triggers, changes the rows (with this code's own hash function at hand) and puts the
triggers back.

The eleven cases of issue 11 and what catches each:

| case                                        | verify alone | verify --anchor |
| (1) edit a row's detail                     | yes          | yes             |
| (2) edit a row, recompute its hash only     | yes          | yes             |
| (3) edit a row, recompute the chain on      | no           | yes             |
| (4) delete a middle row                     | yes          | yes             |
| (5) delete the last row                     | no           | yes             |
| (6) delete the last rows                    | no           | yes             |
| (7) delete every row                        | no           | yes             |
| (8) rewrite the whole trail, fresh chain    | no           | yes             |
| (9) insert a forged row in the middle       | yes          | yes             |
| (10) swap two rows' contents                | yes          | yes             |
| (11) drop the append-only triggers          | yes (guards) | yes (guards)    |
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, insert
from sqlmodel import col, select

from helpdesk_tui.data.audit_guard import create_guards, drop_guards
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent
from helpdesk_tui.services.kernel import audit
from tests.unit.test_audit_trail import _append, _trail
from tests.unit.test_cli import _run


def _rows(db: Database) -> list[AuditEvent]:
    """Every audit row, detached, in id order."""
    with db.read() as session:
        rows = list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all())
        for row in rows:
            session.expunge(row)
    return rows


def _rechain(rows: list[AuditEvent], start: int = 0) -> None:
    """What an attacker with this code does after a change: recompute every hash from
    ``rows[start]`` on, so the chain is valid again."""
    prev = rows[start - 1].hash if start else audit.GENESIS
    for row in rows[start:]:
        row.prev_hash = prev
        row.hash = audit._row_hash(prev, row)
        prev = row.hash


def _replace_trail(db: Database, rows: list[AuditEvent]) -> None:
    """Lift the guards, swap the whole table for ``rows`` (ids as given), put them back."""
    values = [row.model_dump() for row in rows]
    with db.write_engine.begin() as conn:
        drop_guards(conn)
        conn.execute(delete(AuditEvent))
        if values:
            conn.execute(insert(AuditEvent.__table__), values)
        create_guards(conn)


# -- the eleven cases: each changes the trail as an attacker would ---------------------
def edit_detail(db: Database) -> None:
    rows = _rows(db)
    rows[2].detail = "nothing to see"
    _replace_trail(db, rows)


def edit_and_rehash_the_row(db: Database) -> None:
    rows = _rows(db)
    rows[2].detail = "nothing to see"
    rows[2].hash = audit._row_hash(rows[2].prev_hash, rows[2])
    _replace_trail(db, rows)


def edit_and_rechain(db: Database) -> None:
    rows = _rows(db)
    rows[2].detail = "nothing to see"
    _rechain(rows, 2)
    _replace_trail(db, rows)


def delete_a_middle_row(db: Database) -> None:
    rows = _rows(db)
    del rows[3]
    _replace_trail(db, rows)


def delete_the_last_row(db: Database) -> None:
    _replace_trail(db, _rows(db)[:-1])


def delete_the_last_rows(db: Database) -> None:
    _replace_trail(db, _rows(db)[:-4])


def delete_every_row(db: Database) -> None:
    _replace_trail(db, [])


def rewrite_everything(db: Database) -> None:
    rows = _rows(db)
    for row in rows:
        row.reason = "routine check"
        row.detail = ""
    _rechain(rows)
    _replace_trail(db, rows)


def insert_a_forged_row(db: Database) -> None:
    rows = _rows(db)
    forged = AuditEvent.model_validate(rows[3].model_dump())
    forged.reason = "approved by the principal"
    forged.prev_hash = rows[3].hash
    forged.hash = audit._row_hash(forged.prev_hash, forged)
    rows.insert(4, forged)
    for number, row in enumerate(rows, start=rows[0].id or 1):  # ids renumbered to fit
        row.id = number
    _replace_trail(db, rows)


def swap_two_rows(db: Database) -> None:
    rows = _rows(db)
    (a, b) = (rows[1], rows[4])
    a.id, b.id = b.id, a.id
    _replace_trail(db, rows)


def drop_the_triggers(db: Database) -> None:
    with db.write_engine.begin() as conn:
        drop_guards(conn)


GUARDS_MISSING = "append-only guards are missing"
REWRITTEN = "no longer has the hash it had when anchored"
SHORTER = "rows were deleted from its end"
CASES: dict[str, tuple[Callable[[Database], None], str, str]] = {
    # case: (tampering, what plain verify says ("" = nothing wrong), what --anchor says)
    "1-edit-detail": (edit_detail, "its contents were changed", "its contents were changed"),
    "2-edit-rehash-row": (edit_and_rehash_the_row, "previous-row hash", "previous-row hash"),
    "3-edit-rechain": (edit_and_rechain, "", REWRITTEN),
    "4-delete-middle": (delete_a_middle_row, "previous-row hash", "previous-row hash"),
    "5-delete-last": (delete_the_last_row, "", SHORTER),
    "6-delete-last-n": (delete_the_last_rows, "", SHORTER),
    "7-delete-all": (delete_every_row, "", "every row was deleted"),
    "8-rewrite-all": (rewrite_everything, "", REWRITTEN),
    "9-insert-forged": (insert_a_forged_row, "previous-row hash", "previous-row hash"),
    "10-swap-rows": (swap_two_rows, "previous-row hash", "previous-row hash"),
    "11-drop-triggers": (drop_the_triggers, GUARDS_MISSING, GUARDS_MISSING),
}


def _anchored_trail(db: Database, anchors: Path) -> None:
    """Six rows, an anchor; four more, a second anchor (the file a district keeps)."""
    _trail(db, 6)
    assert _run(db, "audit", "anchor", "--append", str(anchors)).exit_code == 0
    _append(db, 4)
    assert _run(db, "audit", "anchor", "--append", str(anchors)).exit_code == 0
    assert _run(db, "audit", "verify", "--anchor", str(anchors)).exit_code == 0


@pytest.mark.parametrize("case", list(CASES))
def test_each_tampering_is_detected(db: Database, tmp_path: Path, case: str) -> None:
    tamper, plain_says, anchored_says = CASES[case]
    anchors = tmp_path / "anchors.jsonl"
    _anchored_trail(db, anchors)
    tamper(db)
    plain = _run(db, "audit", "verify")
    anchored = _run(db, "audit", "verify", "--anchor", str(anchors))
    if plain_says:
        assert plain.exit_code == 1 and plain_says in plain.output, plain.output
    else:  # what the chain alone cannot show: it still looks whole
        assert plain.exit_code == 0 and "Audit trail intact" in plain.output, plain.output
    assert anchored.exit_code == 1 and anchored_says in anchored.output, anchored.output


def test_verify_names_the_anchor_that_failed_and_what_to_do(db: Database, tmp_path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    _anchored_trail(db, anchors)
    delete_the_last_row(db)  # the second anchor (10 rows) no longer holds; the first does
    result = _run(db, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 1
    assert f"anchor 2 of 2 (line 2 of {anchors}, taken " in result.output
    assert "the trail has 9 rows but had 10 when anchored" in result.output
    assert "1 of 2 anchors matched" in result.output
    assert "backup" in result.output  # what to do next
    record = json.loads(_run(db, "audit", "verify", "--anchor", str(anchors), "--json").stdout)
    assert record["ok"] is False and record["rows_checked"] == 9
    assert record["failed_anchor"]["rows"] == 10 and record["failed_anchor"]["line"] == 2
    assert record["anchors_matched"] == 1


def test_the_app_appending_a_row_where_a_deleted_one_was_is_caught(db: Database, tmp_path) -> None:
    """SQLite hands a deleted last row's id to the next row, whose hash then links on
    from the row before: the chain is whole again, but the anchored head is not."""
    anchors = tmp_path / "anchors.jsonl"
    _anchored_trail(db, anchors)
    delete_the_last_row(db)
    _append(db, 1)
    assert _run(db, "audit", "verify").exit_code == 0
    result = _run(db, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 1 and "anchor 2 of 2" in result.output


def test_a_trail_that_grew_since_its_anchors_verifies(db: Database, tmp_path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    empty = _run(db, "audit", "anchor", "--append", str(anchors))  # a new district: 0 rows
    assert empty.exit_code == 0, empty.output
    _anchored_trail(db, anchors)
    _append(db, 3)
    result = _run(db, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Audit trail intact: 13 rows checked.\n")
    assert "It extends all 3 anchors" in result.output
    lines = anchors.read_text().splitlines()
    assert [json.loads(line)["rows"] for line in lines] == [0, 6, 10]
    assert anchors.stat().st_mode & 0o777 == 0o600


def test_anchor_prints_the_head_a_person_can_keep(db: Database) -> None:
    _trail(db, 3)
    result = _run(db, "audit", "anchor")
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.output.splitlines() if x.startswith("{")]
    anchor = json.loads(line)
    [last] = [row for row in _rows(db)[-1:]]
    assert anchor["rows"] == 3 and anchor["last_id"] == last.id
    assert anchor["head_hash"] == last.hash and anchor["at"].startswith("20")
    as_json = json.loads(_run(db, "audit", "anchor", "--json").stdout)
    assert as_json["rows"] == 3 and as_json["head_hash"] == last.hash


def test_no_anchor_is_taken_of_a_broken_trail(db: Database, tmp_path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    _trail(db, 5)
    edit_detail(db)
    result = _run(db, "audit", "anchor", "--append", str(anchors))
    assert result.exit_code == 1 and "no anchor was taken" in result.output
    assert not anchors.exists()


def test_an_unreadable_anchor_file_is_a_usage_error(db: Database, tmp_path) -> None:
    _trail(db, 2)
    anchors = tmp_path / "anchors.jsonl"
    anchors.write_text('{"rows": 2, "last_id": 2}\n')
    result = _run(db, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 2 and "Line 1 of" in result.output
    anchors.write_text("")
    result = _run(db, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 2 and "holds no anchors" in result.output


def test_daily_anchor_is_written_once_a_day_owner_only(db: Database, tmp_path) -> None:
    from helpdesk_tui.services.kernel.audit_anchors import daily_anchor_file, write_daily_anchor

    _trail(db, 4)
    path = daily_anchor_file(tmp_path / "data", db)
    morning = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    first = write_daily_anchor(db, path, now=morning)
    assert first is not None and first.rows == 4
    _append(db, 2)
    assert write_daily_anchor(db, path, now=morning + timedelta(hours=9)) is None
    second = write_daily_anchor(db, path, now=morning + timedelta(days=1))
    assert second is not None and second.rows == 6
    assert len(path.read_text().splitlines()) == 2
    assert path.stat().st_mode & 0o777 == 0o600
    assert _run(db, "audit", "verify", "--anchor", str(path)).exit_code == 0
    delete_the_last_row(db)
    assert _run(db, "audit", "verify", "--anchor", str(path)).exit_code == 1


@pytest.mark.parametrize("case", ["5-delete-last", "3-edit-rechain", "7-delete-all"])
def test_the_next_daily_anchor_refuses_a_trail_changed_since_the_last(
    db: Database, tmp_path: Path, case: str
) -> None:
    """The daily anchor walks only the rows since the last one, so it must check the
    trail still extends that one: a change since is caught the next day, not anchored."""
    from helpdesk_tui.services.kernel.audit import AuditTrailBroken
    from helpdesk_tui.services.kernel.audit_anchors import daily_anchor_file, write_daily_anchor

    _trail(db, 6)
    path = daily_anchor_file(tmp_path, db)
    day = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert write_daily_anchor(db, path, now=day) is not None
    CASES[case][0](db)
    _append(db, 2)
    with pytest.raises(AuditTrailBroken, match="no anchor was taken"):
        write_daily_anchor(db, path, now=day + timedelta(days=1))
    assert len(path.read_text().splitlines()) == 1


def test_an_anchor_of_another_database_is_named_as_such(db: Database, tmp_path) -> None:
    from helpdesk_tui.data import migrate
    from helpdesk_tui.data.engine import build_engine

    anchors = tmp_path / "anchors.jsonl"
    _anchored_trail(db, anchors)
    other = Database(build_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}"))
    migrate.upgrade(other.engine)
    _trail(other, 2)
    result = _run(other, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 1 and "That anchor was taken on" in result.output
    other.dispose()

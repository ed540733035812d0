"""The audit trail is append-only in the database itself, and `helpdesk audit verify`
finds an edited, deleted or reordered row even when someone got past the triggers."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import col, select

from helpdesk_tui.data.audit_guard import APPEND_ONLY, create_guards, drop_guards
from helpdesk_tui.data.tables import Staff
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from tests.unit.test_cli import _run


def _trail(db, rows: int = 5) -> list[int]:
    """A staff member "auditor" and ``rows`` audit rows of theirs; returns the ids."""
    with db.write() as session:
        session.add(
            Staff(
                username="auditor",
                full_name="A. Auditor",
                role="agent",
                password_hash="-",
                created_at=datetime.now(UTC),
            )
        )
    return _append(db, rows)


def _append(db, rows: int) -> list[int]:
    """``rows`` more audit rows by "auditor", as the app writes them; returns the ids."""
    with db.write() as session:
        staff = session.exec(select(Staff).where(Staff.username == "auditor")).one()
        actor = StaffMember(staff.id or 0, "auditor", "A. Auditor", "agent", None, None)
        ids = [
            audit.record(
                session,
                actor=actor,
                action="key_reissued",
                guardian_id=None,
                reason=f"reason {i}",
                detail=f"key …{i:04d}",
            ).id
            for i in range(rows)
        ]
    return [i or 0 for i in ids]


def _tamper(db, *statements: str) -> None:
    """What an attacker with the file or a superuser login could do: lift the guards,
    change rows, put the guards back."""
    with db.write_engine.begin() as conn:
        drop_guards(conn)
        for statement in statements:
            conn.execute(text(statement))
        create_guards(conn)


def test_the_database_refuses_to_change_delete_or_truncate_audit_rows(db):
    _trail(db, 2)
    statements = ["UPDATE audit_event SET reason = 'nothing happened'", "DELETE FROM audit_event"]
    if not db.is_sqlite:
        statements.append("TRUNCATE audit_event")  # SQLite has no TRUNCATE
    for statement in statements:
        with pytest.raises(DatabaseError, match=APPEND_ONLY), db.write_engine.begin() as conn:
            conn.execute(text(statement))
    assert _run(db, "audit", "verify").output.startswith("Audit trail intact: 2 rows")


def test_an_intact_trail_verifies(db):
    _trail(db)
    result = _run(db, "audit", "verify")
    assert result.exit_code == 0
    assert result.output.startswith("Audit trail intact: 5 rows checked.\nLatest hash: ")
    with db.read() as session:
        from helpdesk_tui.data.tables import AuditEvent

        last = session.exec(select(AuditEvent.hash).order_by(col(AuditEvent.id).desc())).first()
    assert f"Latest hash: {last} " in result.output


def test_an_edited_row_is_named(db):
    ids = _trail(db)
    _tamper(db, f"UPDATE audit_event SET reason = 'innocent' WHERE id = {ids[2]}")
    result = _run(db, "audit", "verify")
    assert result.exit_code == 1
    assert f"BROKEN at row {ids[2]}: its contents were changed" in result.output
    assert "2 rows before it are intact" in result.output


def test_a_deleted_row_breaks_the_chain_at_the_next_one(db):
    ids = _trail(db)
    _tamper(db, f"DELETE FROM audit_event WHERE id = {ids[1]}")
    result = _run(db, "audit", "verify")
    assert (
        result.exit_code == 1 and f"BROKEN at row {ids[2]}: its previous-row hash" in result.output
    )


def test_reordered_rows_are_detected(db):
    ids = _trail(db)
    a, b = ids[1], ids[3]
    _tamper(
        db,
        f"UPDATE audit_event SET id = -1 WHERE id = {a}",
        f"UPDATE audit_event SET id = {a} WHERE id = {b}",
        f"UPDATE audit_event SET id = {b} WHERE id = -1",
    )
    result = _run(db, "audit", "verify")
    assert result.exit_code == 1 and f"BROKEN at row {a}" in result.output


def test_rewriting_a_row_with_a_fresh_hash_is_still_caught_at_the_next_row(db):
    ids = _trail(db)
    with db.read() as session:
        from helpdesk_tui.data.tables import AuditEvent

        row = session.get(AuditEvent, ids[2])
        row.reason = "innocent"
        forged = audit._row_hash(row.prev_hash, row)
    _tamper(
        db, f"UPDATE audit_event SET reason = 'innocent', hash = '{forged}' WHERE id = {ids[2]}"
    )
    result = _run(db, "audit", "verify")
    assert result.exit_code == 1 and f"BROKEN at row {ids[3]}" in result.output


# -- the append-only guards themselves ----------------------------------------------
def test_dropped_guards_are_reported_by_verify_and_db_check(db):
    _trail(db, 2)
    with db.write_engine.begin() as conn:
        drop_guards(conn)
    verify = _run(db, "audit", "verify")
    assert verify.exit_code == 1
    assert "append-only guards are missing" in verify.output
    assert "helpdesk audit restore-guards" in verify.output
    check = _run(db, "db", "check")
    assert check.exit_code == 1 and "append-only guards are missing" in check.output
    record = json.loads(_run(db, "audit", "verify", "--json").stdout)
    assert record["ok"] is False and len(record["missing_guards"]) >= 2


def test_a_guard_replaced_by_one_that_lets_changes_through_is_reported(db):
    _trail(db, 2)
    with db.write_engine.begin() as conn:
        drop_guards(conn)
        if db.is_sqlite:
            create_guards(conn)
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
            conn.execute(
                text(
                    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                    "BEGIN SELECT 1; END"
                )
            )
        else:  # the same triggers, calling a function that no longer refuses
            create_guards(conn)
            conn.execute(
                text(
                    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger "
                    "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$"
                )
            )
    with db.write_engine.begin() as conn:  # the change now goes through
        conn.execute(text("DELETE FROM audit_event"))
    result = _run(db, "audit", "verify")
    assert result.exit_code == 1 and "append-only guards are missing" in result.output


def test_a_disabled_postgresql_trigger_is_reported(db):
    if db.is_sqlite:
        return  # SQLite triggers cannot be disabled, only dropped (above)
    _trail(db, 2)
    with db.write_engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
    result = _run(db, "audit", "verify")
    assert result.exit_code == 1 and "audit_event_no_change" in result.output


def test_restore_guards_puts_them_back_and_leaves_a_row_saying_so(db):
    ids = _trail(db, 3)
    with db.write_engine.begin() as conn:
        drop_guards(conn)
    restored = _run(db, "audit", "restore-guards")
    assert restored.exit_code == 0, restored.output
    assert "helpdesk audit verify --anchor" in restored.output
    verify = _run(db, "audit", "verify")
    assert verify.exit_code == 0 and verify.output.startswith("Audit trail intact: 4 rows")
    with db.read() as session:
        from helpdesk_tui.data.tables import AuditEvent

        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert last.id > ids[-1] and last.action == "audit_guards_restored"
    assert "audit_event_no" in last.detail  # which guards were missing
    with pytest.raises(DatabaseError, match=APPEND_ONLY), db.write_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))
    again = _run(db, "audit", "restore-guards")  # nothing missing: nothing done
    assert again.exit_code == 0 and "already in place" in again.output
    assert _run(db, "audit", "verify").output.startswith("Audit trail intact: 4 rows")

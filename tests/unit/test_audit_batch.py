"""The audit trail's batch append (a batch run of keys): its rows chain on from the
trail as ordinary rows do, ordinary rows chain on after them, and a row of a batch
changed afterwards is named by verify like any other; on both databases."""

from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import col, select

from helpdesk_tui.data.audit_guard import create_guards, drop_guards
from helpdesk_tui.data.tables import AuditEvent
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.audit_batch import record_many
from helpdesk_tui.services.key_batches import continue_key_batch, plan_key_batch, start_key_batch
from tests.unit.key_batch_world import audit_actions, build_world, run_to_end
from tests.unit.test_key_batches import oak

NOW = datetime.now(UTC)


def trail(db) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        found = s.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        for row in found:
            s.expunge(row)
        return list(found)


def verify(db) -> audit.ChainReport:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return audit.verify_chain(s)


def test_a_batch_of_rows_chains_between_ordinary_rows_in_order(db):
    world = build_world(db)
    ana, bo, cy = (world.gid(n) for n in ("Ana", "Bo", "Cy"))
    before = len(trail(db))
    with db.write() as s:
        audit.record(s, actor=world.agent, action="key_reissued", guardian_id=ana, detail="one")
        record_many(
            s, actor=world.supervisor, action="key_batch_issued",
            rows=[(bo, "key …0001"), (cy, "key …0002"), (ana, "key …0003")],
            now=datetime.now(UTC),
        )  # fmt: skip
        audit.record(s, actor=world.agent, action="key_reissued", guardian_id=cy, detail="two")
    with db.write() as s:  # and nothing at all: no row
        record_many(s, actor=world.supervisor, action="key_batch_issued", rows=[], now=NOW)
    added = trail(db)[before:]
    assert [(e.action, e.guardian_id, e.detail, e.staff_id) for e in added] == [
        ("key_reissued", ana, "one", world.agent.id),
        ("key_batch_issued", bo, "key …0001", world.supervisor.id),
        ("key_batch_issued", cy, "key …0002", world.supervisor.id),
        ("key_batch_issued", ana, "key …0003", world.supervisor.id),
        ("key_reissued", cy, "two", world.agent.id),
    ]
    assert all(e.outcome == "done" for e in added)
    assert [e.prev_hash for e in added[1:]] == [e.hash for e in added[:-1]]
    report = verify(db)
    assert report.ok and report.rows_checked == before + 5 and report.head_hash == added[-1].hash


def test_a_row_of_a_batch_changed_afterwards_is_named(db):
    world = build_world(db)
    with db.write() as s:
        record_many(
            s, actor=world.supervisor, action="key_batch_issued",
            rows=[(world.gid("Ana"), "key …0001"), (world.gid("Bo"), "key …0002")],
            now=datetime.now(UTC),
        )  # fmt: skip
    changed = trail(db)[-2]
    with db.write_engine.begin() as conn:
        drop_guards(conn)
        conn.execute(text(f"UPDATE audit_event SET detail = 'key …9999' WHERE id = {changed.id}"))
        create_guards(conn)
    report = verify(db)
    assert report.first_broken_id == changed.id and "contents were changed" in report.problem


def test_a_batch_run_interleaved_with_ordinary_actions_leaves_the_chain_intact(db, tmp_path):
    world = build_world(db, extra=50)
    with db.write() as s:
        started = start_key_batch(s, actor=world.supervisor, choice=oak(), letters_folder=tmp_path)
    for _ in range(2):  # a group, then a desk's audited action, twice
        with db.write() as s:
            continue_key_batch(s, actor=world.supervisor, batch_id=started.batch_id, limit=7)
        with db.write() as s:
            plan_key_batch(s, actor=world.supervisor, choice=oak())
    done = run_to_end(db, world.supervisor, started.batch_id)

    issued = audit_actions(db, "key_batch_issued")
    assert len(issued) == done.issued > 14
    assert len({e.guardian_id for e in issued}) == done.issued  # one row per key
    ids = [e.id or 0 for e in trail(db)]
    dry_runs = [e.id or 0 for e in audit_actions(db, "key_batch_dry_run")]
    assert ids.index(dry_runs[0]) == ids.index(issued[6].id or 0) + 1  # between the groups
    assert verify(db).ok

"""The districts benchmarks/sla_report.py measures, generated once and kept: 2,000
guardians, 100,000 tickets (`seed_tickets`, phone and walk-in calls given the staff
member who took them), 1,000,000 audit rows (a valid hash chain over the year), and the
tickets' business times stored as a desk's background round stores them.

  * "year": six 60-day batches over a year, about a quarter in the 90-day range;
  * "60days": the 60 days before the report's last day, as `helpdesk db seed-demo`
    spreads them: every ticket in the range;
  * "open": the same, every ticket unfinished (answered ones open again, their
    resolution clock running): the most "open now" work.

SQLite files benchmarks/.data/sla-v3-<spread>-<n>-audit<m>.sqlite3, PostgreSQL databases
helpdesk_bench_sla_v3_<spread>_<n>_audit<m>.
"""

import random
import time
from datetime import datetime, timedelta
from types import SimpleNamespace

from bench_db import kept_database_url
from sqlalchemy import case, insert, select, update

from helpdesk_tui.data import migrate
from helpdesk_tui.data.demo.seed import seed_demo_district
from helpdesk_tui.data.engine import Database, build_engine
from helpdesk_tui.data.tables import AuditEvent, Guardian, Staff, Ticket, core_table
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.reports import measure_business_times
from helpdesk_tui.vocabulary import AuditAction

SPREADS = {
    "year": "spread over a year",
    "60days": "spread over 60 days",
    "open": "all open, over 60 days",
}
_t = core_table(Ticket)


def database(backend: str, spread: str, tickets: int, audit_rows: int, now: datetime) -> Database:
    url = kept_database_url(backend, f"sla-v3-{spread}-{tickets}-audit{audit_rows}")
    db = Database(build_engine(url))
    migrate.upgrade(db.engine)
    with db.read() as s:
        have = s.connection().execute(select(_t.c.id).limit(1)).first()
    if have is None:
        from helpdesk_tui.services.tickets import seed_tickets

        started = time.perf_counter()
        seed_demo_district(db, guardians=2000, seed=5)
        batches = 6 if spread == "year" else 1  # each batch: the 60 days before its end
        for k in range(batches):
            count = tickets // batches + (1 if k < tickets % batches else 0)
            seed_tickets(db, count=count, seed=5 + k, now=now - timedelta(days=60 * k))
        if spread == "open":
            _reopen_all(db)
        _calls_taken_by_staff(db)
        _append_audit_rows(db, audit_rows, now)
        stored_in = store_business_times(db, now)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE")
        print(
            f"  [{backend}] generated {tickets:,} tickets and {audit_rows:,} audit rows in "
            f"{time.perf_counter() - started:.1f} s; every ticket's business times stored in "
            f"{stored_in:.1f} s"
        )
    return db


def store_business_times(db: Database, now: datetime) -> float:
    """What desks' background rounds do: every ticket's business times stored; seconds."""
    started = time.perf_counter()
    while db.run(lambda s: measure_business_times(s, now=now)):
        pass
    return time.perf_counter() - started


def _reopen_all(db: Database) -> None:
    t = _t.c
    with db.write() as s:
        s.connection().execute(
            update(_t)
            .where(t.status.in_(("resolved", "closed")))
            .values(status="open", resolved_at=None, closed_at=None)
        )
        s.connection().execute(
            update(_t)
            .where(t.status != "pending")
            .values(
                due_at=case(
                    (t.first_response_at.is_(None), t.first_response_due_at),
                    else_=t.resolution_due_at,
                )
            )
        )


def _calls_taken_by_staff(db: Database) -> None:
    """A phone call or a walk-in is opened by the staff member who took it (the seed
    leaves them without one): the per-agent "calls taken" has something to count."""
    t = _t.c
    with db.write() as s:
        staff = [i for (i,) in s.connection().execute(select(core_table(Staff).c.id))]
        for k, staff_id in enumerate(staff):
            s.connection().execute(
                update(_t)
                .where(t.channel.in_(("phone", "walk_in")), t.id % len(staff) == k)
                .values(created_by_id=staff_id)
            )


def _append_audit_rows(db: Database, rows: int, now: datetime) -> None:
    """``rows`` audit rows over the year before ``now``, a valid hash chain (as
    ``audit.record`` writes them, without its per-row statements)."""
    rng = random.Random(7)
    with db.read() as s:
        conn = s.connection()
        a = core_table(AuditEvent).c
        staff = [(i, name) for i, name in conn.execute(select(Staff.id, Staff.username))]  # type: ignore[call-overload]
        guardians = [i for (i,) in conn.execute(select(core_table(Guardian).c.id))]
        prev = conn.execute(select(a.hash).order_by(a.id.desc()).limit(1)).scalar()
    prev = prev or audit.GENESIS
    actions = [action.value for action in AuditAction]
    start, step = now - timedelta(days=365), timedelta(days=365) / max(rows, 1)
    done = 0
    while done < rows:
        batch = []
        for i in range(done, min(done + 20_000, rows)):
            staff_id, username = rng.choice(staff)
            row = SimpleNamespace(
                at=start + step * i,
                staff_id=staff_id,
                staff_username=username,
                guardian_id=rng.choice(guardians) if rng.random() < 0.8 else None,
                action=rng.choice(actions),
                outcome="done",
                verification_id=None,
                verification="",
                reason="",
                detail="benchmark",
            )
            row.prev_hash, row.hash = prev, audit._row_hash(prev, row)  # type: ignore[arg-type]
            prev = row.hash
            batch.append(vars(row))
        with db.write() as s:
            s.connection().execute(insert(core_table(AuditEvent)), batch)
        done += len(batch)

"""What checking the audit trail against its anchors costs, and what the app's daily
anchor costs a desk.

    .venv/bin/python benchmarks/audit_anchor.py [--rows 100000] [--anchors 365] [--backend both]

On an empty database per kind (SQLite file in benchmarks/.data/, PostgreSQL database
helpdesk_bench_anchor), appends ``--rows`` audit rows, then prints the time of:
`audit verify` (the chain and the guards), the same with ``--anchors`` anchors (a
year of daily ones), taking one anchor, and the app's daily anchor: the first (a walk
of the whole trail), the next day's after a busy day (only the new rows), and a
second try the same day (skipped).
"""

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_db import empty_database_url  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from helpdesk_tui.data import migrate  # noqa: E402
from helpdesk_tui.data.engine import Database, build_engine  # noqa: E402
from helpdesk_tui.data.tables import AuditEvent  # noqa: E402
from helpdesk_tui.services.kernel import audit  # noqa: E402
from helpdesk_tui.services.kernel.actors import SystemActor  # noqa: E402
from helpdesk_tui.services.kernel.audit_anchors import (  # noqa: E402
    daily_anchor_file,
    write_daily_anchor,
)

ACTOR = SystemActor("benchmark")
DAY_ROWS = 5_000  # a busy day


def timed(call):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def append(database: Database, rows: int) -> None:
    done = 0
    while done < rows:
        with database.write() as s:
            for i in range(min(5000, rows - done)):
                audit.record(s, actor=ACTOR, action="benchmark", guardian_id=None, detail=f"{i}")
        done += min(5000, rows - done)


def run(backend: str, rows: int, anchor_count: int) -> None:
    database = Database(build_engine(empty_database_url(backend, "helpdesk_bench_anchor")))
    migrate.upgrade(database.engine)
    append(database, rows)
    with database.read() as s:
        heads = s.exec(select(AuditEvent.id, AuditEvent.hash).order_by(col(AuditEvent.id))).all()
    start = datetime.now(UTC) - timedelta(days=anchor_count)
    step = max(len(heads) // anchor_count, 1)
    anchors = [
        audit.Anchor(n, heads[n - 1][0] or 0, heads[n - 1][1], start + timedelta(days=k))
        for k, n in enumerate(range(step, step * anchor_count + 1, step))
    ]
    plain, plain_s = timed(lambda: database.run(audit.verify_chain, write=False))
    anchored, anchored_s = timed(
        lambda: database.run(lambda s: audit.verify_chain(s, anchors=anchors), write=False)
    )
    assert plain.ok and anchored.ok and anchored.anchors_matched == len(anchors)
    _, take_s = timed(lambda: database.run(audit.take_anchor, write=False))
    day = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = daily_anchor_file(Path(folder), database)
        first, first_s = timed(lambda: write_daily_anchor(database, path, now=day))
        append(database, DAY_ROWS)
        later = day + timedelta(days=1)
        next_day, next_s = timed(lambda: write_daily_anchor(database, path, now=later))
        skipped, skip_s = timed(lambda: write_daily_anchor(database, path, now=later))
    assert first is not None and next_day is not None and skipped is None
    per = 10_000 / plain.rows_checked
    print(f"[{backend}] {plain.rows_checked:,} audit rows")
    print(
        f"  audit verify (chain + guards):       {plain_s:6.2f} s  ({plain_s * per:.2f} s per 10,000)"
    )
    print(f"  audit verify with {len(anchors)} anchors:      {anchored_s:6.2f} s")
    print(f"  audit anchor (verify, then the head): {take_s:6.2f} s")
    print(f"  daily anchor, the first (whole trail): {first_s:6.2f} s")
    print(f"  daily anchor, next day (+{DAY_ROWS:,} rows): {next_s:6.2f} s")
    print(f"  daily anchor, again the same day:      {skip_s * 1000:6.1f} ms")
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--anchors", type=int, default=365)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.rows, args.anchors)


if __name__ == "__main__":
    main()

"""Roster import speed and memory: a OneRoster 1.2 export of the demo district with about
100,000 and 1,000,000 users (students and guardians) imported into an empty SQLite file
and an empty PostgreSQL database, then imported again (nothing to change).

Each import runs in a process of its own so its peak memory (max RSS) is its own.
Exports are written once to benchmarks/.data/ and reused.

    .venv/bin/python benchmarks/roster_import.py [--sizes 100000,1000000] [--backends sqlite,postgresql]
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench_db import DATA, empty_database_url

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
USERS_PER_GUARDIAN = 1.92  # the demo district has ~0.92 students per guardian


def export_for(users: int) -> Path:
    from helpdesk_tui.data.oneroster.export import write_demo_export

    path = DATA / f"oneroster-{users}"
    if not (path / "manifest.csv").exists():
        started = time.perf_counter()
        written = write_demo_export(
            path, guardians=int(users / USERS_PER_GUARDIAN), seed=7, now=NOW, version="1.2"
        )
        print(
            f"  wrote {written.students + written.guardians:,} users to {path} "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    return path


def one_import(url: str, export: str, fresh: bool) -> None:
    """Child process: one import, its figures as JSON on stdout."""
    from helpdesk_tui.data import migrate
    from helpdesk_tui.data.engine import Database, build_engine
    from helpdesk_tui.services.roster import NewDistrict, import_oneroster

    engine = build_engine(url)
    if fresh:
        migrate.upgrade(engine)
    started = time.perf_counter()
    report = import_oneroster(
        Database(engine),
        Path(export),
        new_district=NewDistrict("https://portal.example.org", "help@example.org", "555-0100"),
        now=NOW,
    )
    seconds = time.perf_counter() - started
    users = report.rows_read.get("users.csv", 0)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "users": users,
                "changes": report.changes,
                "problems": report.problem_count,
                "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run_child(url: str, export: Path, *, fresh: bool) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(export), "1" if fresh else "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        url, export, fresh = args.child
        one_import(url, export, fresh == "1")
        return
    print("Roster import (OneRoster 1.2, demo district), one process per import")
    print(
        f"{'backend':<11} {'users':>10} {'run':<12} {'seconds':>8} {'users/s':>9} {'peak RSS':>9}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        export = export_for(size)
        for backend in args.backends.split(","):
            url = empty_database_url(backend, f"helpdesk_import_bench_{size}")
            for run, fresh in (("first", True), ("re-import", False)):
                r = run_child(url, export, fresh=fresh)
                assert r["problems"] == 0
                print(
                    f"{backend:<11} {r['users']:>10,} {run:<12} {r['seconds']:>8.1f} "
                    f"{r['users'] / r['seconds']:>9,.0f} {r['max_rss_mb']:>7.0f} MB"
                    + ("" if fresh else f"  ({r['changes']} changes)"),
                    flush=True,
                )


if __name__ == "__main__":
    main()

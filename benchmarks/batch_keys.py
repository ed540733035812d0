"""A batch run of activation keys (`helpdesk keys batch --district --status no-account
--email --letters PATH`) for about 1,000 and 10,000 families on SQLite: the whole run
(start, keys 25 families per transaction with their emails and letters, the merged
PDF, finishing) timed by phase, with the process's peak memory (ru_maxrss) for each
size: it should stay flat, since groups are read and written a few at a time and the
PDF is merged as it is written.

Each run is a process of its own (so its peak memory is its own) on a fresh copy of a
demo district kept between runs (benchmarks/.data/batch-keys-<guardians>.sqlite3;
about a third of the demo's guardians have no account).

    .venv/bin/python benchmarks/batch_keys.py [--families 1000 10000] [--email-only]
        [--postgresql]

With ``--postgresql`` the district is kept on the test server (HELPDESK_TEST_DATABASE_URL)
and each run has a copy of its own (CREATE DATABASE ... TEMPLATE).
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_db import DATA, PG_ADMIN, kept_database_url  # noqa: E402
from sqlalchemy import create_engine, inspect, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from helpdesk_tui.data import migrate  # noqa: E402
from helpdesk_tui.data.demo.seed import seed_demo_district  # noqa: E402
from helpdesk_tui.data.engine import Database, build_engine  # noqa: E402

NO_ACCOUNT_SHARE = 0.32  # of the demo's guardians, measured: 192 of 600


def kept_district(families: int, backend: str) -> str:
    """A demo district with about ``families`` guardians with rights and no account: the
    SQLite file's path, or the PostgreSQL database's URL."""
    guardians = round(families / NO_ACCOUNT_SHARE)
    name = f"batch-keys-{guardians}"
    path = DATA / f"{name}.sqlite3"
    url = kept_database_url(backend, name)
    if backend == "sqlite" and path.exists():
        return str(path)
    engine = build_engine(url)
    seeded = inspect(engine).has_table("guardian")
    engine.dispose()
    if not seeded:
        started = time.perf_counter()
        database = Database(build_engine(url))
        migrate.upgrade(database.engine)
        seed_demo_district(database, guardians=guardians, seed=7)
        database.checkpoint()
        database.dispose()
        print(f"  generated {guardians:,} guardians in {time.perf_counter() - started:.0f} s")
    return str(path) if backend == "sqlite" else url


def _pg_copy(kept_url: str, *, drop: bool = False) -> str:
    """A copy of the kept PostgreSQL district for one run (or, with ``drop``, gone)."""
    kept = make_url(kept_url).database
    copy = f"{kept}_run"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))
        if not drop:
            conn.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{kept}"'))
    admin.dispose()
    return make_url(kept_url).set(database=copy).render_as_string(hide_password=False)


def one_run(kept: str, *, letters: bool) -> dict[str, float]:
    """In this process: a run over a fresh copy of ``kept``; its figures."""
    from helpdesk_tui.services.key_batches import (
        BatchChoice,
        continue_key_batch,
        discard_letter_parts,
        finish_key_batch,
        merge_batch_letters,
        start_key_batch,
    )
    from helpdesk_tui.services.staff import authenticate
    from helpdesk_tui.vocabulary import UsageCondition

    folder = Path(tempfile.mkdtemp(prefix="batch-keys-"))
    if kept.startswith("postgresql"):
        url = _pg_copy(kept)
    else:
        shutil.copyfile(kept, folder / "district.sqlite3")
        url = f"sqlite:///{folder / 'district.sqlite3'}"
    database = Database(build_engine(url))
    actor = authenticate(database, username="demo-supervisor", password="demo-password")
    ready = _rss()  # signed in: argon2 alone takes 64 MB
    choice = BatchChoice(UsageCondition.NO_ACCOUNT, email=True, letters=letters)
    figures: dict[str, float] = {}
    cpu_before = _cpu()
    clock = time.perf_counter()
    progress = database.run(
        lambda s: start_key_batch(s, actor=actor, choice=choice, letters_folder=folder / "letters")
    )
    figures["start"], clock = time.perf_counter() - clock, time.perf_counter()
    rss = {"start": _rss()}
    while progress.pending:
        batch_id = progress.batch_id
        progress = database.run(
            lambda s: continue_key_batch(s, actor=actor, batch_id=batch_id)  # noqa: B023
        )
        done = progress.issued + progress.skipped
        for mark in (1000, 5000, 10000):
            if done >= mark and mark not in rss:
                rss[str(mark)] = _rss()
    figures["keys"], clock = time.perf_counter() - clock, time.perf_counter()
    batch_id = progress.batch_id
    before_merge = _rss()
    database.run(lambda s: merge_batch_letters(s, actor=actor, batch_id=batch_id), write=False)
    figures["merge"], clock = time.perf_counter() - clock, time.perf_counter()
    progress = database.run(lambda s: finish_key_batch(s, actor=actor, batch_id=batch_id))
    discard_letter_parts(progress)
    figures["finish"] = time.perf_counter() - clock
    figures["cpu"] = _cpu() - cpu_before
    pdf = progress.letters_to
    figures |= {
        "families": progress.total,
        "issued": progress.issued,
        "emailed": progress.emailed,
        "letters": progress.lettered,
        "pdf_mb": pdf.stat().st_size / 1e6 if pdf else 0,
        "peak_rss_mb": _rss(),
        "rss_ready": ready,
        "rss_before_merge": before_merge,
        **{f"rss_at_{k}": v for k, v in rss.items()},
    }
    database.dispose()
    if kept.startswith("postgresql"):
        _pg_copy(kept, drop=True)
    shutil.rmtree(folder, ignore_errors=True)
    return figures


def _rss() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """This process's CPU seconds (user and system): what the run costs whatever else
    the machine is doing."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--email-only", action="store_true", help="No letters, no PDF.")
    parser.add_argument("--postgresql", action="store_true", help="On the test server.")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child's own run
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, letters=not args.email_only)))
        return
    what = "email only" if args.email_only else "email and letters"
    load = os.getloadavg()[0]
    backend = "postgresql" if args.postgresql else "sqlite"
    print(
        f"Batch keys on {'PostgreSQL' if args.postgresql else 'SQLite'}, whole district, no-account list, {what} "
        f"({os.cpu_count()} cores, load average {load:.1f} at the start):"
    )
    for families in args.families:
        kept = kept_district(families, backend)
        command = [sys.executable, __file__, "--one", kept]
        child = subprocess.run(
            command + (["--email-only"] if args.email_only else []),
            capture_output=True,
            text=True,
            check=True,
        )
        f = json.loads(child.stdout.strip().splitlines()[-1])
        total = f["start"] + f["keys"] + f["merge"] + f["finish"]
        marks = ", ".join(
            f"{k.removeprefix('rss_at_')} {v:.0f}" for k, v in f.items() if k.startswith("rss_at")
        )
        print(
            f"  {f['families']:>6,} families ({f['issued']:,} keys, {f['emailed']:,} emails, "
            f"{f['letters']:,} letters): {total:5.1f} s = start {f['start']:.1f} + keys "
            f"{f['keys']:.1f} + merged PDF {f['merge']:.1f} ({f['pdf_mb']:.1f} MB) + finish "
            f"{f['finish']:.2f}; {f['cpu']:.1f} s of CPU; "
            f"{f['keys'] / max(f['issued'], 1) * 1000:.1f} ms a key; "
            f"peak RSS {f['peak_rss_mb']:.0f} MB (ready {f['rss_ready']:.0f}, after the start "
            f"and after N families: {marks}, before the merge {f['rss_before_merge']:.0f})"
        )


if __name__ == "__main__":
    main()

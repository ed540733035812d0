"""Lookup speed: the search service at 10k / 100k / 1M guardians on SQLite and PostgreSQL,
beside a naive LIKE '%q%' query over the guardian table, plus keystroke-to-results in the
running app (Pilot) and start-up to the sign-in screen.

    .venv/bin/python benchmarks/lookup.py                       # everything (seeds on first run)
    .venv/bin/python benchmarks/lookup.py --sizes 10000 --backends sqlite

Districts are generated once (seed 1) and reused: SQLite files under benchmarks/.data/,
PostgreSQL databases helpdesk_bench_<size> on --pg-url's server.
"""

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpdesk_tui.data import migrate  # noqa: E402
from helpdesk_tui.data.demo.seed import district_guardian_count, seed_demo_district  # noqa: E402
from helpdesk_tui.data.engine import Database, build_engine  # noqa: E402
from helpdesk_tui.data.normalize import fold  # noqa: E402
from helpdesk_tui.data.tables import Guardian, GuardianStudent, Student  # noqa: E402
from helpdesk_tui.services.guardians import search_guardians  # noqa: E402
from helpdesk_tui.services.kernel.actors import StaffMember  # noqa: E402
from helpdesk_tui.services.staff import authenticate  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PAGE = 50
# The mix; two-word "first + last" queries are timed too but reported apart
# (their cost depends on how often the two words meet in one family: see the note).
HEADLINE_KINDS = (
    "name as written",
    "name unaccented",
    "email prefix",
    "phone digits",
    "student number",
)
TYPING_GAP_S = 0.12  # a fast typist: about eight keys a second


def district(backend: str, size: int, pg_url: str) -> Database:
    """The benchmark district of this size, generated on first use."""
    if backend == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA / f'lookup-{size}.sqlite3'}"
    else:
        name = f"helpdesk_bench_{size}"
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    engine = build_engine(url)
    migrate.upgrade(engine)
    database = Database(engine)
    have = district_guardian_count(database)
    if have != size:
        print(f"  generating {size:,} guardians on {backend} (once)...", flush=True)
        started = time.perf_counter()
        seed_demo_district(database, guardians=size, seed=1, replace=True)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return database


def query_mix(database: Database, count: int = 30) -> list[tuple[str, str]]:
    """(kind, query) pairs a helpdesk types, drawn from real rows of this district."""
    rng = random.Random(42)
    with database.read() as session:
        top = session.exec(select(Guardian.id).order_by(Guardian.id.desc()).limit(1)).one()[0]
        mix: list[tuple[str, str]] = []
        while len(mix) < count * 6:
            g = session.get(Guardian, rng.randint(1, top))
            number = session.exec(
                select(Student.student_number)
                .join(GuardianStudent, GuardianStudent.student_id == Student.id)
                .where(GuardianStudent.guardian_id == g.id)
            ).first()
            if not (g.email and g.mobile_phone and number):
                continue
            mix += [
                ("name as written", g.last_name[:4]),
                ("name unaccented", fold(g.last_name)[:6]),
                ("first + last", f"{fold(g.first_name)[:3]} {fold(g.last_name)[:4]}"),
                ("email prefix", g.email[:7]),
                ("phone digits", g.mobile_phone),
                ("student number", number[0]),
            ]
    return mix


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def time_service(
    database: Database, actor: StaffMember, mix: list[tuple[str, str]], rounds: int
) -> list[float]:
    timings = []
    with database.read() as session:
        for _, query in mix:  # warm the caches and the statement cache once
            search_guardians(session, actor=actor, query=query, limit=PAGE)
        for _ in range(rounds):
            for _, query in mix:
                started = time.perf_counter()
                search_guardians(session, actor=actor, query=query, limit=PAGE)
                timings.append((time.perf_counter() - started) * 1000)
    return timings


NAIVE = text(
    "SELECT id, first_name, last_name, city, email FROM guardian "
    "WHERE lower(first_name || ' ' || last_name) LIKE :q OR lower(email) LIKE :q "
    "OR mobile_phone LIKE :q ORDER BY last_name, first_name, id LIMIT 50"
)


def time_naive(database: Database, mix: list[tuple[str, str]], sample: int) -> list[float]:
    timings = []
    picked = mix[:: max(1, len(mix) // sample)][:sample]
    # The baseline gets the server's defaults (parallel scans allowed), not the app's
    # interactive settings: the comparison should not handicap it.
    plain = (
        create_engine(database.engine.url)
        if database.engine.dialect.name != "sqlite"
        else database.engine
    )
    with plain.connect() as conn:
        for _, query in picked:
            started = time.perf_counter()
            conn.execute(NAIVE, {"q": f"%{query.lower()}%"}).all()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


async def time_keystrokes(database: Database, mix: list[tuple[str, str]]) -> list[float]:
    """Press a key in the running app and wait until the new results are in the table.

    Keys arrive at typing speed (TYPING_GAP_S apart) as the terminal driver delivers them
    (a Key event posted to the app); Pilot.press is not used for the timed keys because
    it also waits for the whole process to go idle, which would add its own sleeps."""
    from textual import events

    from helpdesk_tui.app import HelpdeskApp

    app = HelpdeskApp(database)
    timings: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"demo-agent", "enter", *"demo-password", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        for _, query in mix[:30]:
            for ch in query:
                await asyncio.sleep(TYPING_GAP_S)
                shown = screen.results_shown
                started = time.perf_counter()
                app.post_message(events.Key("space" if ch == " " else ch, ch))
                while screen.results_shown == shown:
                    await asyncio.sleep(0.001)
                timings.append((time.perf_counter() - started) * 1000)
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
    return timings


STARTUP_PROBE = """
import sys, time
from helpdesk_tui.cli import open_database
from helpdesk_tui.config import load_settings
from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.screens.sign_in import SignInScreen

async def main():
    app = HelpdeskApp(open_database(load_settings(database_url=sys.argv[1])))
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.screen, SignInScreen):
            await pilot.pause(0.001)
        print("ready", flush=True)

import asyncio
asyncio.run(main())
"""


def time_startup(url: str, runs: int = 5) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", STARTUP_PROBE, url], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        timings.append((time.perf_counter() - started) * 1000)
        proc.wait()
        assert line.strip() == "ready", line
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=24)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = args.backends.split(",")

    print(
        f"{'backend':<11}{'guardians':>10}{'queries':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'naive p50':>11}{'naive p95':>11}{'x faster p95':>14}"
    )
    keystroke_dbs: dict[str, Database] = {}
    for backend in backends:
        for size in sizes:
            database = district(backend, size, args.pg_url)
            actor = authenticate(database, username="demo-agent", password="demo-password")
            mix = query_mix(database)
            service = time_service(database, actor, mix, args.rounds)
            naive = time_naive(database, mix, args.naive_sample)
            by_kind: dict[str, list[float]] = {}
            for (kind, _), ms in zip(mix * args.rounds, service, strict=True):
                by_kind.setdefault(kind, []).append(ms)
            headline = [ms for kind in HEADLINE_KINDS for ms in by_kind[kind]]
            naive_p95 = percentile(naive, 95)
            print(
                f"{backend:<11}{size:>10,}{len(headline):>9}{percentile(headline, 50):>9.2f}"
                f"{percentile(headline, 95):>9.2f}{max(headline):>9.2f}"
                f"{percentile(naive, 50):>11.1f}{naive_p95:>11.1f}"
                f"{naive_p95 / percentile(headline, 95):>13.0f}x",
                flush=True,
            )
            pair = by_kind["first + last"]
            print(
                f"{'':21}p95 by kind: "
                + ", ".join(f"{k} {percentile(by_kind[k], 95):.2f}" for k in HEADLINE_KINDS)
                + f"; two words (first + last, {len(pair)}): p50 {percentile(pair, 50):.2f}"
                f" p95 {percentile(pair, 95):.2f} max {max(pair):.2f}",
                flush=True,
            )
            keystroke_dbs[backend] = database

    print()
    for backend, database in keystroke_dbs.items():
        timings = asyncio.run(time_keystrokes(database, query_mix(database, 8)))
        print(
            f"keystroke to refreshed results, {backend} at {max(sizes):,} guardians (Pilot): "
            f"p50 {percentile(timings, 50):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
            f"max {max(timings):.1f} ms over {len(timings)} keystrokes",
            flush=True,
        )
    if "sqlite" in keystroke_dbs:
        url = keystroke_dbs["sqlite"].engine.url.render_as_string(hide_password=False)
        startup = time_startup(url)
        print(
            f"start-up to the sign-in screen (new process, SQLite {max(sizes):,}): "
            f"median {statistics.median(startup):.0f} ms, max {max(startup):.0f} ms over {len(startup)} runs"
        )


if __name__ == "__main__":
    main()

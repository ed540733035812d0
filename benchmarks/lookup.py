"""Lookup speed and relevance: the search service at 10k / 100k / 1M guardians on SQLite
and PostgreSQL, p50/p95 per query type, beside a naive LIKE '%q%' query over the guardian
table; at the largest size, whether full-name queries put the guardian meant on page 1
(and fill it with exact own-name matches for common names); keystroke-to-results in the
running app (Pilot) and start-up to the sign-in screen. Key-to-painted is
benchmarks/lookup_paint.py.

    .venv/bin/python benchmarks/lookup.py                       # everything (seeds on first run)
    .venv/bin/python benchmarks/lookup.py --sizes 10000 --backends sqlite
    .venv/bin/python benchmarks/lookup.py --use sqlite:////work/bench-data/lookup-1m.sqlite3 \
        --use postgresql+psycopg://postgres@127.0.0.1/bench_lookup_1m   # districts seeded already

Districts are generated once (seed 1) and reused: SQLite files under benchmarks/.data/,
PostgreSQL databases helpdesk_bench_<size> on --pg-url's server; --use takes a district
as it is (e.g. one made by `helpdesk db seed-demo --guardians 1000000`).
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
from helpdesk_tui.data.normalize import fold, name_words  # noqa: E402
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


def query_mix(database: Database, actor: StaffMember, count: int = 30) -> list[tuple[str, str]]:
    """(kind, query) pairs a helpdesk types, drawn from real rows of this district."""
    rng = random.Random(42)
    with database.read() as session:
        top = session.exec(select(Guardian.id).order_by(Guardian.id.desc()).limit(1)).one()[0]
        mix: list[tuple[str, str]] = []
        people: list[tuple[str, str]] = []
        while len(mix) < count * 7:
            g = session.get(Guardian, rng.randint(1, top))
            number = session.exec(
                select(Student.student_number)
                .join(GuardianStudent, GuardianStudent.student_id == Student.id)
                .where(GuardianStudent.guardian_id == g.id)
            ).first()
            if not (g.email and g.mobile_phone and number):
                continue
            people.append((g.first_name, g.last_name))
            mix += [
                ("name as written", g.last_name[:4]),
                ("name unaccented", fold(g.last_name)[:6]),
                ("first + last", f"{fold(g.first_name)[:3]} {fold(g.last_name)[:4]}"),
                ("first last", f"{g.first_name} {g.last_name}"),
                ("email prefix", g.email[:7]),
                ("phone digits", g.mobile_phone),
                ("student number", number[0]),
            ]
        # A first name and a surname of two families that no family has together (an
        # English first name with a Spanish surname): the most the search can scan.
        apart: list[tuple[str, str]] = []
        while len(apart) < count:
            first, last = rng.choice(people)[0], rng.choice(people)[1]
            query = f"{fold(first)} {fold(last)}"
            if not search_guardians(session, actor=actor, query=query, limit=PAGE).hits:
                apart.append(("words that match no family", query))
    return mix + apart


def relevance(
    database: Database, actor: StaffMember, samples: int, rare: int
) -> tuple[dict[str, list[int]], list[float]]:
    """Full-name queries ("Emily Moore") for guardians drawn at random, and for guardians
    whose name few others share: whether page 1 has the guardian meant (<= 50 namesakes)
    or is all exact own-name matches (more than 50). Namesakes are counted here from the
    guardian table, apart from the search. Returns tallies and the search times."""
    rng = random.Random(7)
    namesakes: dict[tuple[str, ...], list[int]] = {}
    people: dict[int, str] = {}
    with database.read() as session:
        rows = session.connection().execute(text("SELECT id, first_name, last_name FROM guardian"))
        for gid, first, last in rows:
            name = f"{first} {last}"
            people[gid] = name
            namesakes.setdefault(tuple(sorted(set(fold(name).split()))), []).append(gid)
    few = [ids for ids in namesakes.values() if len(ids) <= PAGE]
    picked = rng.sample(sorted(people), min(samples, len(people)))
    picked += [rng.choice(ids) for ids in rng.sample(few, min(rare, len(few)))]
    tally: dict[str, list[int]] = {"few": [0, 0], "many": [0, 0], "count agrees": [0, 0]}
    timings: list[float] = []
    with database.read() as session:
        for gid in picked:
            query = people[gid]
            words = tuple(dict.fromkeys(fold(query).split()))
            expected = len(namesakes[tuple(sorted(set(words)))])
            started = time.perf_counter()
            result = search_guardians(session, actor=actor, query=query, limit=PAGE)
            timings.append((time.perf_counter() - started) * 1000)
            if expected <= PAGE:
                ok = gid in {h.guardian_id for h in result.hits}
                tally["few"][0] += ok
                tally["few"][1] += 1
            if expected >= PAGE:
                ok = len(result.hits) == PAGE and all(
                    set(words) <= set(name_words(h.name)) for h in result.hits
                )
                tally["many"][0] += ok
                tally["many"][1] += 1
            if not getattr(result, "exact_at_least", True):  # (the code before had no count)
                tally["count agrees"][0] += result.exact >= expected
                tally["count agrees"][1] += 1
    return tally, timings


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


def districts(args: argparse.Namespace) -> list[tuple[str, int, Database]]:
    """(backend, size, database) to measure: --use as they are, else generated."""
    if args.use:
        found = []
        for url in args.use:
            database = Database(build_engine(url))
            found.append(
                (database.engine.dialect.name, district_guardian_count(database), database)
            )
        return found
    return [
        (backend, size, district(backend, size, args.pg_url))
        for backend in args.backends.split(",")
        for size in (int(s) for s in args.sizes.split(","))
    ]


def report_service(
    backend: str, size: int, database: Database, actor: StaffMember, args: argparse.Namespace
) -> None:
    mix = query_mix(database, actor)
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
    for kind, timings in by_kind.items():
        print(
            f"{'':21}{kind:<28}{len(timings):>5} queries  p50 {percentile(timings, 50):6.2f}"
            f"  p95 {percentile(timings, 95):6.2f}  max {max(timings):6.2f} ms",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    parser.add_argument("--use", action="append", help="a district's URL, measured as it is")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=24)
    parser.add_argument("--relevance", type=int, default=700, help="random full-name queries")
    parser.add_argument("--rare", type=int, default=200, help="names <= 50 guardians share")
    parser.add_argument("--skip-app", action="store_true", help="no Pilot or start-up timing")
    args = parser.parse_args()

    print(
        f"{'backend':<11}{'guardians':>10}{'queries':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'naive p50':>11}{'naive p95':>11}{'x faster p95':>14}"
    )
    largest: dict[str, tuple[int, Database]] = {}
    for backend, size, database in districts(args):
        actor = authenticate(database, username="demo-agent", password="demo-password")
        report_service(backend, size, database, actor, args)
        if size >= largest.get(backend, (0, database))[0]:
            largest[backend] = (size, database)

    print()
    for backend, (size, database) in largest.items():
        actor = authenticate(database, username="demo-agent", password="demo-password")
        tally, timings = relevance(database, actor, args.relevance, args.rare)
        few, many, agree = tally["few"], tally["many"], tally["count agrees"]
        print(
            f"relevance, {backend} at {size:,} guardians ({len(timings)} full-name queries, "
            f"p50 {percentile(timings, 50):.2f} ms, p95 {percentile(timings, 95):.2f} ms):\n"
            f"  <= {PAGE} exact own-name matches: the guardian meant is on page 1 in "
            f"{few[0]} of {few[1]} ({100 * few[0] / max(1, few[1]):.1f}%)\n"
            f"  >= {PAGE}: page 1 is all exact own-name matches in {many[0]} of {many[1]} "
            f"({100 * many[0] / max(1, many[1]):.1f}%)\n"
            f"  the exact count covers every namesake in {agree[0]} of {agree[1]}",
            flush=True,
        )
    if args.skip_app:
        return
    print()
    for backend, (size, database) in largest.items():
        actor = authenticate(database, username="demo-agent", password="demo-password")
        timings = asyncio.run(time_keystrokes(database, query_mix(database, actor, 8)))
        print(
            f"keystroke to refreshed results, {backend} at {size:,} guardians (Pilot): "
            f"p50 {percentile(timings, 50):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
            f"max {max(timings):.1f} ms over {len(timings)} keystrokes",
            flush=True,
        )
    if "sqlite" in largest:
        size, database = largest["sqlite"]
        url = database.engine.url.render_as_string(hide_password=False)
        startup = time_startup(url)
        print(
            f"start-up to the sign-in screen (new process, SQLite {size:,}): "
            f"median {statistics.median(startup):.0f} ms, max {max(startup):.0f} ms over {len(startup)} runs"
        )


if __name__ == "__main__":
    main()

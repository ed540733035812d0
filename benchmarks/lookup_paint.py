"""Key to painted in the lookup: types 16 queries (226 keystrokes, 150 ms between keys)
into the running app (Pilot, 120x40) on a district of 1M guardians and prints, per
database, p50/p95/p99 of

- key -> results: from the key reaching the app to the search's results applied on the
  screen (the status line and the table updated for what the box now holds);
- key -> painted: to the first screen update after that which draws the table with
  them (Textual renders the screen in a headless run too; only the terminal write is
  skipped).

A key not painted before the next key is counted apart (a stale search must never be
painted: it is superseded), with the share of all keys painted within 50 and 100 ms. The queries are a helpdesk's mix
drawn from the district (full names with accents, surname then first name, a first name
and a surname no family has together, emails, phone numbers as read out, student
numbers), the same for every run of the same district.

    .venv/bin/python benchmarks/lookup_paint.py \\
        --use sqlite:////work/bench-data/lookup-1m.sqlite3 \\
        --use postgresql+psycopg://postgres@127.0.0.1/bench_lookup_1m

The districts are seeded once beforehand (`helpdesk db seed-demo --guardians 1000000`).
"""

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpdesk_tui.data.demo.seed import district_guardian_count  # noqa: E402
from helpdesk_tui.data.engine import Database, build_engine  # noqa: E402
from helpdesk_tui.data.normalize import fold  # noqa: E402
from helpdesk_tui.data.tables import Guardian, GuardianStudent, Student  # noqa: E402

GAP_S = 0.150
KEYSTROKES = 226
SIZE = (120, 40)


def queries(database: Database) -> list[str]:
    """16 queries, 226 keystrokes in all, drawn from this district (seed 5)."""
    rng = random.Random(5)
    with database.read() as session:
        top = session.exec(select(Guardian.id).order_by(Guardian.id.desc()).limit(1)).one()[0]
        people: list[tuple[Guardian, str]] = []
        while len(people) < 12:
            g = session.get(Guardian, rng.randint(1, top))
            number = session.exec(
                select(Student.student_number)
                .join(GuardianStudent, GuardianStudent.student_id == Student.id)
                .where(GuardianStudent.guardian_id == g.id)
            ).first()
            if g.email and g.mobile_phone and number:
                people.append((g, number[0]))
    names = [f"{g.first_name} {g.last_name}" for g, _ in people]
    mix = [
        *names[:4],  # "María José García", as the caller spells it
        *(f"{fold(g.last_name)} {fold(g.first_name)}" for g, _ in people[4:6]),
        f"{fold(people[6][0].first_name)} {fold(people[7][0].last_name)}",  # maybe no family
        f"{fold(people[8][0].first_name)} {fold(people[2][0].last_name)}",
        people[0][0].mobile_phone,  # "(630) 555-0142"
        people[3][0].mobile_phone,
        people[1][1],  # student numbers
        people[6][1],
        fold(people[9][0].last_name),  # a surname alone
        fold(people[10][0].last_name),
    ]
    # The emails are cut so that the whole run is KEYSTROKES keys.
    room = KEYSTROKES - sum(len(q) for q in mix)
    first = min(len(people[5][0].email), room // 2)
    mix += [people[5][0].email[:first], people[11][0].email[: room - first]]
    return mix


async def run(database: Database, typed: list[str]) -> dict[str, list[float]]:
    """Type the queries; return the latencies (ms) and the keys never painted."""
    from textual import events
    from textual.screen import Screen

    from helpdesk_tui.app import HelpdeskApp
    from helpdesk_tui.screens.lookup.guardian_lookup import GuardianLookupScreen

    app = HelpdeskApp(database)
    pending: dict[str, float] = {}  # box value -> when its key arrived
    applied: dict[str, float] = {}  # box value -> when its results reached the screen
    results: list[float] = []
    painted: list[float] = []
    show, refresh = GuardianLookupScreen._show, Screen._compositor_refresh

    def timed_show(screen: GuardianLookupScreen, result, error: str) -> None:  # type: ignore[no-untyped-def]
        show(screen, result, error)
        value = screen.query_one("#search").value  # type: ignore[attr-defined]
        if result.query == value and value in pending and value not in applied:
            applied[value] = time.perf_counter()
            results.append((applied[value] - pending[value]) * 1000)
            dirty = screen._dirty_widgets or screen._layout_required or screen._repaint_required
            if not dirty:  # the screen already shows it (the same page, the same status)
                painted.append((applied[value] - pending.pop(value)) * 1000)

    def timed_refresh(screen: Screen) -> None:  # type: ignore[type-arg]
        refresh(screen)
        if not isinstance(screen, GuardianLookupScreen):
            return
        table = screen.query_one("#results")
        if table._require_update_dimensions:  # type: ignore[attr-defined]
            return  # the rows are not laid out yet: this update does not show them
        now = time.perf_counter()
        for value in [v for v in applied if v in pending]:
            painted.append((now - pending.pop(value)) * 1000)

    GuardianLookupScreen._show = timed_show  # type: ignore[method-assign]
    Screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]
    late: list[bool] = []  # keys not painted before the next key: shown (True) or not
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"demo-agent", "enter", *"demo-password", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause(0.5)
            assert isinstance(app.screen, GuardianLookupScreen), app.screen
            for query in typed:
                for n, ch in enumerate(query, start=1):
                    started = time.perf_counter()
                    late += [v in applied for v in pending]  # not painted before this key
                    pending.clear()
                    pending[query[:n]] = started
                    app.post_message(events.Key("space" if ch == " " else ch, ch))
                    await asyncio.sleep(max(0.0, GAP_S - (time.perf_counter() - started)))
                await asyncio.sleep(GAP_S)
                late += [v in applied for v in pending]
                pending.clear()
                await pilot.press("escape")
                await app.workers.wait_for_complete()
                await pilot.pause(0.3)
                applied.clear()
    finally:
        GuardianLookupScreen._show = show  # type: ignore[method-assign]
        Screen._compositor_refresh = refresh  # type: ignore[method-assign]
    return {"results": results, "painted": painted, "late": [float(shown) for shown in late]}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--use", action="append", required=True, help="a seeded district's URL")
    args = parser.parse_args()
    for url in args.use:
        database = Database(build_engine(url))
        typed = queries(database)
        figures = asyncio.run(run(database, typed))
        keys = sum(len(q) for q in typed)
        name = database.engine.dialect.name
        print(
            f"{name} at {district_guardian_count(database):,} guardians: {len(typed)} queries, "
            f"{keys} keystrokes {GAP_S * 1000:.0f} ms apart",
            flush=True,
        )
        for what in ("results", "painted"):
            ms = figures[what]
            print(
                f"  key -> {what:<8} p50 {percentile(ms, 50):6.1f}  p95 {percentile(ms, 95):6.1f}"
                f"  p99 {percentile(ms, 99):6.1f}  max {max(ms):6.1f} ms  ({len(ms)} keys)",
                flush=True,
            )
        late = figures["late"]
        painted = figures["painted"]
        print(
            f"  not painted before the next key: {len(late)} of {keys} keys ({sum(late):.0f} of "
            f"them with their results on the screen, {len(late) - sum(late):.0f} superseded "
            "or still searching)\n"
            f"  every key, a key not painted before the next one counted as over 150 ms: "
            f"painted within 50 ms {sum(ms < 50 for ms in painted) / keys:.0%}, "
            f"within 100 ms {sum(ms < 100 for ms in painted) / keys:.0%}",
            flush=True,
        )
        database.dispose()


if __name__ == "__main__":
    main()

"""The service-level figures (`helpdesk report sla`, the dashboard's numbers) for a 90-day
range over 100,000 tickets, on SQLite and PostgreSQL, beside a naive computation in the
same run: every ticket loaded through the ORM and measured one by one with the
calendar's own business_seconds. The naive figures are checked against ours.

Two districts of 100,000 tickets each (2,000 guardians; `seed_tickets`):

  * spread over the 60 days before the report's last day, as `helpdesk db seed-demo`
    spreads them: every ticket falls in the 90-day range (the worst case);
  * spread over a year (six 60-day batches): about a quarter fall in the range.

    .venv/bin/python benchmarks/sla_report.py [--tickets 100000] [--backend both]
        [--runs 15] [--naive-runs 2]

The databases (benchmarks/.data/sla-<spread>-<n>.sqlite3, PostgreSQL
helpdesk_bench_sla_<spread>_<n>) are generated once and reused.
"""

import argparse
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_db import kept_database_url  # noqa: E402

from helpdesk_tui.data import migrate  # noqa: E402
from helpdesk_tui.data.demo.seed import seed_demo_district  # noqa: E402
from helpdesk_tui.data.engine import Database, build_engine  # noqa: E402
from helpdesk_tui.data.tables import Ticket  # noqa: E402
from helpdesk_tui.services.reports import ServiceLevels, service_levels  # noqa: E402
from helpdesk_tui.services.sla import load_calendar  # noqa: E402
from helpdesk_tui.services.staff import authenticate  # noqa: E402

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Chicago
LAST = date(2026, 11, 24)
FIRST = LAST - timedelta(days=89)  # 90 days


def database(backend: str, spread: str, tickets: int) -> Database:
    name = f"sla-{spread}-{tickets}"
    url = kept_database_url(backend, name)
    db = Database(build_engine(url))
    migrate.upgrade(db.engine)
    with db.read() as s:
        have = s.connection().execute(select(Ticket.id).limit(1)).first()  # type: ignore[call-overload]
    if have is None:
        from helpdesk_tui.services.tickets import seed_tickets

        started = time.perf_counter()
        seed_demo_district(db, guardians=2000, seed=5)
        batches = 1 if spread == "60days" else 6  # each batch: the 60 days before its end
        for k in range(batches):
            count = tickets // batches + (1 if k < tickets % batches else 0)
            seed_tickets(db, count=count, seed=5 + k, now=NOW - timedelta(days=60 * k))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE")
        print(
            f"  [{backend}] generated {tickets:,} tickets in {time.perf_counter() - started:.1f} s"
        )
    return db


def naive(db: Database) -> dict[str, object]:
    """The same figures the obvious way: every ticket as an ORM object, business time
    from the calendar ticket by ticket, the backlog by asking every ticket every day."""
    with db.read() as s:
        calendar = load_calendar(s, now=NOW)
        tickets = [t for t in s.exec(select(Ticket)).scalars() if t.merged_into_id is None]  # type: ignore[call-overload]
    zone = calendar.zone
    start = datetime.combine(FIRST, datetime.min.time(), zone)
    end = datetime.combine(LAST + timedelta(days=1), datetime.min.time(), zone)

    def inside(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    received = sum(inside(t.created_at) for t in tickets)
    first: Counter[str] = Counter()
    answer_times, resolve_times = [], []
    for t in tickets:
        if inside(t.first_response_due_at):
            stop = t.first_response_at or t.resolved_at or t.closed_at
            due = t.first_response_due_at
            assert due is not None
            if stop is not None:
                first["met" if stop <= due else "breached"] += 1
            else:
                first["breached" if due < (t.pending_since or NOW) else "open"] += 1
        if inside(t.first_response_at):
            assert t.first_response_at is not None
            answer_times.append(calendar.business_seconds(t.created_at, t.first_response_at))
        if inside(t.resolved_at):
            assert t.resolved_at is not None
            spent = calendar.business_seconds(t.created_at, t.resolved_at) - t.paused_seconds
            resolve_times.append(max(spent, 0.0))
    open_now = [t for t in tickets if t.status in ("new", "open", "pending")]
    ages = [calendar.business_seconds(t.created_at, NOW) / calendar.day_seconds for t in open_now]
    backlog = []
    day = FIRST
    while day <= LAST:
        closes = datetime.combine(day, datetime.strptime("15:30", "%H:%M").time(), zone)
        if calendar.is_open(closes) and closes <= NOW:
            backlog.append(
                sum(
                    1
                    for t in tickets
                    if t.created_at <= closes
                    and (t.resolved_at or t.closed_at or NOW + timedelta(days=1)) > closes
                )
            )
        day += timedelta(days=1)
    answer_times.sort()
    resolve_times.sort()
    return {
        "received": received,
        "first responses met/breached": (first["met"], first["breached"]),
        "answered, median": (len(answer_times), statistics.median(answer_times)),
        "resolved, median": (len(resolve_times), statistics.median(resolve_times)),
        "open, 5 days or more": (len(open_now), sum(a >= 5 for a in ages)),
        "backlog": backlog,
    }


def ours_as_naive(f: ServiceLevels) -> dict[str, object]:
    t = f.team
    assert t is not None
    return {
        "received": t.received,
        "first responses met/breached": (t.first_response.met, t.first_response.breached),
        "answered, median": (t.first_response_time.count, t.first_response_time.median_seconds),
        "resolved, median": (t.resolution_time.count, t.resolution_time.median_seconds),
        "open, 5 days or more": (t.open_now, t.open_by_age[-1].count),
        "backlog": [p.open for p in t.backlog],
    }


def same(a: dict[str, object], b: dict[str, object]) -> list[str]:
    """The figures that differ (times to a millisecond: SQLite's julianday rounds)."""

    def close(x: object, y: object) -> bool:
        if isinstance(x, tuple) and isinstance(y, tuple):
            return all(close(i, j) for i, j in zip(x, y, strict=True))
        if isinstance(x, float) or isinstance(y, float):
            return abs(float(x) - float(y)) < 1e-3  # type: ignore[arg-type]
        return x == y

    return [k for k in a if not close(a[k], b[k])]


def ms(samples: list[float]) -> str:
    if len(samples) < 2:
        return f"{samples[0]:7.0f} ms"
    p95 = statistics.quantiles(samples, n=20)[18]
    return f"p50 {statistics.median(samples):6.0f} ms  p95 {p95:6.0f} ms"


def run(backend: str, spread: str, tickets: int, runs: int, naive_runs: int) -> None:
    db = database(backend, spread, tickets)
    supervisor = authenticate(db, username="demo-supervisor", password="demo-password")
    agent = authenticate(db, username="demo-agent", password="demo-password")

    def report(actor: object) -> ServiceLevels:
        with db.read() as s:
            return service_levels(s, actor=actor, first_day=FIRST, last_day=LAST, now=NOW)  # type: ignore[arg-type]

    figures = report(supervisor)  # warm the calendar, the caches and the pages once
    assert figures.team is not None
    timings = {}
    for who, actor in (("supervisor", supervisor), ("agent", agent)):
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            report(actor)
            samples.append((time.perf_counter() - started) * 1000)
        timings[who] = samples
    naive_samples, theirs = [], {}
    for _ in range(naive_runs):
        started = time.perf_counter()
        theirs = naive(db)
        naive_samples.append((time.perf_counter() - started) * 1000)
    differ = same(ours_as_naive(figures), theirs) if theirs else []
    in_range = figures.team.received
    print(
        f"[{backend}, {tickets:,} tickets over {'60 days' if spread == '60days' else 'a year'}, "
        f"{in_range:,} arrived in the 90 days]"
    )
    print(f"  supervisor (team + per agent): {ms(timings['supervisor'])}")
    print(f"  agent (own figures):           {ms(timings['agent'])}")
    if naive_samples:
        speedup = statistics.median(naive_samples) / statistics.median(timings["supervisor"])
        print(
            f"  naive per-ticket ORM:          {ms(naive_samples)}   ({speedup:.0f}x slower); "
            + ("same figures" if not differ else f"DIFFERENT: {', '.join(differ)}")
        )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--spread", choices=["60days", "year", "both"], default="both")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--naive-runs", type=int, default=2)
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    spreads = ("60days", "year") if args.spread == "both" else (args.spread,)
    for spread in spreads:
        for backend in backends:
            run(backend, spread, args.tickets, args.runs, args.naive_runs)


if __name__ == "__main__":
    main()

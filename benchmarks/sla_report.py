"""The service-level figures (`helpdesk report sla`, the F8 dashboard's numbers) for a
90-day range over 100,000 tickets and 1,000,000 audit rows, on SQLite and PostgreSQL,
beside a naive computation in the same run: every ticket loaded through the ORM and
measured one by one with the calendar's own business_seconds, each day's figures by
asking every ticket. The naive figures are checked against ours.

Three districts (benchmarks/sla_data.py): a quarter of the tickets in the range, all of
them, and all of them unfinished. For each, on each database:

  * a supervisor's report (the team, per agent, each business day), the business
    times stored (each desk's background round stores them);
  * the same just after a calendar change (a closure added for a day long past), until
    the desks' next round: no stored time holds, the report measures every one itself
    (how long storing every ticket's times takes is printed when a district is made);
  * an agent's own figures; the naive computation.

    .venv/bin/python benchmarks/sla_report.py [--tickets 100000] [--audit-rows 1000000]
        [--backend both] [--spread all] [--runs 15] [--naive-runs 1]
"""

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import delete, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sla_data import SPREADS, database  # noqa: E402

from helpdesk_tui.data.engine import Database  # noqa: E402
from helpdesk_tui.data.tables import ClosureDay, Ticket, core_table  # noqa: E402
from helpdesk_tui.services.reports import ServiceLevels, service_levels  # noqa: E402
from helpdesk_tui.services.sla import load_calendar  # noqa: E402
from helpdesk_tui.services.staff import authenticate  # noqa: E402

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Chicago
LAST = date(2026, 11, 24)
FIRST = LAST - timedelta(days=89)  # 90 days
PAST_CLOSURE = date(2025, 1, 6)  # a Monday long before the range


def naive(db: Database) -> dict[str, object]:
    """The same figures the obvious way: every ticket as an ORM object, business time
    from the calendar ticket by ticket, each business day by asking every ticket."""
    with db.read() as s:
        calendar = load_calendar(s, now=NOW)
        tickets = [t for t in s.exec(select(Ticket)).scalars() if t.merged_into_id is None]  # type: ignore[call-overload]
    zone = calendar.zone
    start = datetime.combine(FIRST, clock_time(0), zone)
    end = datetime.combine(LAST + timedelta(days=1), clock_time(0), zone)
    closes = []  # the business days' closing instants (15:30 in the demo district)
    day = FIRST
    while day <= LAST:
        opening = datetime.combine(day, clock_time(7, 30), zone)
        if calendar.is_open(opening):
            closes.append((opening, datetime.combine(day, clock_time(15, 30), zone)))
        day += timedelta(days=1)

    def inside(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    def day_of(moment: datetime) -> int | None:  # the first business day closing after it
        return next((i for i, (_, c) in enumerate(closes) if moment <= c), None)

    received, first, answer_times, resolve_times = 0, Counter[str](), [], []
    daily: Counter[tuple[int | None, str]] = Counter()
    for t in tickets:
        if inside(t.created_at):
            received += 1
            daily[day_of(t.created_at), "received"] += 1
        if inside(t.first_response_due_at):
            assert t.first_response_due_at is not None
            due, stop = t.first_response_due_at, t.first_response_at or t.resolved_at or t.closed_at
            outcome = (
                ("met" if stop <= due else "breached")
                if stop is not None
                else ("breached" if due < (t.pending_since or NOW) else "open")
            )
            first[outcome] += 1
            daily[day_of(due), outcome] += 1
        if inside(t.first_response_at):
            assert t.first_response_at is not None
            answer_times.append(calendar.business_seconds(t.created_at, t.first_response_at))
        if inside(t.resolved_at):
            assert t.resolved_at is not None
            spent = calendar.business_seconds(t.created_at, t.resolved_at) - t.paused_seconds
            resolve_times.append(max(spent, 0.0))
    open_now = [t for t in tickets if t.status in ("new", "open", "pending")]
    ages = [calendar.business_seconds(t.created_at, NOW) / calendar.day_seconds for t in open_now]
    backlog = [
        sum(
            1
            for t in tickets
            if t.created_at <= close
            and (t.resolved_at or t.closed_at or NOW + timedelta(1)) > close
        )
        for opening, close in closes
        if close <= NOW
    ]
    shown = [i for i, (opening, _) in enumerate(closes) if opening <= NOW]
    return {
        "received": received,
        "first responses met/breached": (first["met"], first["breached"]),
        "answered, median": (len(answer_times), _median(answer_times)),
        "resolved, median": (len(resolve_times), _median(resolve_times)),
        "open, 5 days or more": (len(open_now), sum(a >= 5 for a in ages)),
        "backlog": backlog,
        "received per day": [daily[i, "received"] for i in shown],
        "first responses met/breached per day": [
            (daily[i, "met"], daily[i, "breached"]) for i in shown
        ],
    }


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def ours_as_naive(f: ServiceLevels) -> dict[str, object]:
    t = f.team
    assert t is not None
    return {
        "received": t.received,
        "first responses met/breached": (t.first_response.met, t.first_response.breached),
        "answered, median": (t.first_response_time.count, t.first_response_time.median_seconds),
        "resolved, median": (t.resolution_time.count, t.resolution_time.median_seconds),
        "open, 5 days or more": (t.open_now, t.open_by_age[-1].count),
        "backlog": [d.open_at_close for d in t.daily if d.open_at_close is not None],
        "received per day": [d.received for d in t.daily],
        "first responses met/breached per day": [
            (d.first_response.met, d.first_response.breached) for d in t.daily
        ],
    }


def differing(a: dict[str, object], b: dict[str, object]) -> list[str]:
    """The figures that differ (times to a millisecond: SQLite's julianday rounds)."""

    def close(x: object, y: object) -> bool:
        if isinstance(x, tuple | list) and isinstance(y, tuple | list):
            return len(x) == len(y) and all(close(i, j) for i, j in zip(x, y, strict=True))
        if isinstance(x, float) or isinstance(y, float):
            return x is not None and y is not None and abs(float(x) - float(y)) < 1e-3  # type: ignore[arg-type]
        return x == y

    return [k for k in a if not close(a[k], b[k])]


def ms(samples: list[float]) -> str:
    if len(samples) < 2:
        return f"{samples[0]:7.0f} ms"
    p95 = statistics.quantiles(samples, n=20)[18]
    return f"p50 {statistics.median(samples):6.0f} ms  p95 {p95:6.0f} ms"


def timed(call: object, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(
    backend: str, spread: str, tickets: int, audit_rows: int, runs: int, naive_runs: int
) -> None:
    db = database(backend, spread, tickets, audit_rows, NOW)
    supervisor = authenticate(db, username="demo-supervisor", password="demo-password")
    agent = authenticate(db, username="demo-agent", password="demo-password")

    def report(actor: object) -> ServiceLevels:
        with db.read() as s:
            return service_levels(s, actor=actor, first_day=FIRST, last_day=LAST, now=NOW)  # type: ignore[arg-type]

    figures = report(supervisor)  # warm the calendar, the caches and the pages once
    assert figures.team is not None
    team = timed(lambda: report(supervisor), runs)
    own = timed(lambda: report(agent), runs)
    with db.write() as s:  # a closure added afterwards: no stored time holds any more
        s.add(ClosureDay(day=PAST_CLOSURE, name="benchmark: a closure added afterwards"))
    report(supervisor)
    unmeasured = timed(lambda: report(supervisor), max(runs // 3, 2))
    with db.write() as s:  # and back as it was: the stored times hold again, unwritten
        closures = core_table(ClosureDay)
        s.connection().execute(delete(closures).where(closures.c.day == PAST_CLOSURE))
    naive_samples, theirs = [], {}
    for _ in range(naive_runs):
        started = time.perf_counter()
        theirs = naive(db)
        naive_samples.append((time.perf_counter() - started) * 1000)
    wrong = differing(ours_as_naive(figures), theirs) if theirs else []
    print(
        f"[{backend}, {tickets:,} tickets {SPREADS[spread]}, {audit_rows:,} audit rows: "
        f"{figures.team.received:,} arrived in the 90 days, {figures.team.open_now:,} open now]"
    )
    print(f"  supervisor (team, per agent, each day): {ms(team)}")
    print(f"  just after a calendar change:           {ms(unmeasured)}")
    print(f"  agent (own figures):                    {ms(own)}")
    if naive_samples:
        speedup = statistics.median(naive_samples) / statistics.median(team)
        print(
            f"  naive per-ticket ORM:                   {ms(naive_samples)}   ({speedup:.0f}x "
            "slower); " + ("same figures" if not wrong else f"DIFFERENT: {', '.join(wrong)}")
        )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--audit-rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--spread", choices=[*SPREADS, "all"], default="all")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--naive-runs", type=int, default=1)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    spreads = tuple(SPREADS) if args.spread == "all" else (args.spread,)
    for spread in spreads:
        for backend in backends:
            run(backend, spread, args.tickets, args.audit_rows, args.runs, args.naive_runs)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

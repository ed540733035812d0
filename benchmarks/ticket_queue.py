"""Opening the queue with 100,000 tickets, beside a naive load-everything query,
business-time computation for 100,000 tickets, and ticket search (by number, by words,
by the requester's name) as an agent and as a clerk.

    .venv/bin/python benchmarks/ticket_queue.py [--tickets 100000] [--backend both]

The databases (benchmarks/.data/queue-<n>.sqlite3, PostgreSQL helpdesk_bench_queue_<n>)
are generated once and reused.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_db import kept_database_url  # noqa: E402

from helpdesk_tui.data import migrate  # noqa: E402
from helpdesk_tui.data.demo.seed import seed_demo_district  # noqa: E402
from helpdesk_tui.data.engine import Database, build_engine  # noqa: E402
from helpdesk_tui.data.normalize import fold  # noqa: E402
from helpdesk_tui.data.tables import Guardian, Staff, Ticket  # noqa: E402
from helpdesk_tui.services.kernel.actors import StaffMember  # noqa: E402
from helpdesk_tui.services.sla import load_calendar  # noqa: E402
from helpdesk_tui.services.staff import authenticate  # noqa: E402
from helpdesk_tui.services.tickets import (  # noqa: E402
    QueueFilter,
    queue_page,
    search_tickets,
    seed_tickets,  # noqa: E402
)

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


def database(backend: str, tickets: int) -> Database:
    name = f"queue-{tickets}"
    url = kept_database_url(backend, name)
    db = Database(build_engine(url))
    migrate.upgrade(db.engine)
    with db.read() as s:
        have = s.exec(select(Ticket.id).limit(1)).first()  # type: ignore[call-overload]
    if have is None:
        started = time.perf_counter()
        seed_demo_district(db, guardians=2000, seed=5)
        seed_tickets(db, count=tickets, seed=5, now=NOW)
        if backend == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
        print(
            f"  [{backend}] generated {tickets:,} tickets in {time.perf_counter() - started:.1f} s"
        )
    return db


def naive(db: Database, view: str, actor_id: int) -> list[object]:
    """Load every ticket with its guardian and assignee, then filter and sort in Python."""
    with db.read() as s:
        rows = s.exec(
            select(Ticket, Guardian.first_name, Staff.full_name)  # type: ignore[call-overload]
            .join(Guardian, Guardian.id == Ticket.guardian_id, isouter=True)
            .join(Staff, Staff.id == Ticket.assignee_id, isouter=True)
        ).all()
    if view == "unassigned":
        keep = [r for r in rows if r[0].due_at is not None and r[0].assignee_id is None]
    else:
        keep = [r for r in rows if r[0].due_at is not None and r[0].due_at < NOW]
    keep.sort(key=lambda r: (r[0].due_at, r[0].id))
    return keep[:50]


def timings(call, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples):7.1f} ms  p95 {statistics.quantiles(samples, n=20)[18]:7.1f} ms"


def run(backend: str, tickets: int) -> None:
    db = database(backend, tickets)
    actor = authenticate(db, username="demo-agent", password="demo-password")
    print(f"[{backend}] {tickets:,} tickets")
    for view in ("unassigned", "overdue"):

        def open_queue(view: str = view) -> None:
            with db.read() as s:
                page = queue_page(s, actor=actor, queue_filter=QueueFilter(view), now=NOW)
            assert page.rows

        open_queue()  # warm the calendar and the caches once
        ours = timings(open_queue, 30)
        theirs = timings(lambda view=view: naive(db, view, actor.id), 5)
        print(
            f"  open '{view}' (first page + 6 counts): {summary(ours)}   naive load-all: "
            f"{summary(theirs)}   ({statistics.median(theirs) / statistics.median(ours):.0f}x)"
        )
    with db.read() as s:
        created = [r[0] for r in s.exec(select(Ticket.created_at))]  # type: ignore[call-overload]
        calendar = load_calendar(s, now=NOW)
    start = time.perf_counter()
    for moment in created:
        due = calendar.due(moment, 480)
        calendar.business_seconds(NOW, due)
    elapsed = time.perf_counter() - start
    print(
        f"  business time for {len(created):,} tickets (due time + time left): {elapsed * 1000:.0f} ms"
    )
    search_figures(db)
    db.dispose()


def search_queries(db: Database) -> dict[str, str]:
    """What staff type into the queue's search, taken from the district."""
    with db.read() as s:
        number = s.exec(select(func.max(Ticket.number))).one()[0] - 7  # type: ignore[call-overload]
        accented = next(
            name
            for (name,) in s.exec(select(Guardian.last_name).order_by(Guardian.id))  # type: ignore[call-overload]
            if fold(name) != name.lower() and " " not in name
        )
        first, phone = s.exec(
            select(Guardian.first_name, Guardian.mobile_phone)  # type: ignore[call-overload]
            .where(Guardian.mobile_phone.is_not(None))  # type: ignore[union-attr]
            .order_by(Guardian.id)
        ).first()
    return {
        "number": f"HD-{number}",
        "subject word": "password",
        "name without accents": fold(accented),
        "first name + word": f"{first} key",
        "phone": phone,
        "words matching nothing": "zebra quartz",
    }


def search_figures(db: Database) -> None:
    """p50/p95 of search_tickets per kind of search, as an agent (the whole district)
    and as a clerk (one school's families)."""
    queries = search_queries(db)
    for username in ("demo-agent", "demo-clerk"):
        actor = authenticate(db, username=username, password="demo-password")
        for kind, typed in queries.items():

            def search(typed: str = typed, actor: StaffMember = actor) -> int:
                with db.read() as s:
                    return len(search_tickets(s, actor=actor, text=typed, now=NOW).rows)

            found = search()  # warm once
            print(
                f"  search as {username.removeprefix('demo-'):5} {kind:22} {summary(timings(search, 20))}"
                f"   ({found} found)"
            )


def each_backend(description: str | None, run: Callable[[str, int], None]) -> None:
    """The command line both queue benchmarks share: --tickets N, --backend."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.tickets)


def main() -> None:
    each_backend(__doc__, run)


if __name__ == "__main__":
    main()

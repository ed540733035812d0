"""A calendar change with a large queue: the preview a settings dialog asks for on each
keystroke, and saving (which re-times every open ticket whose clock runs, in the
change's transaction), beside building the calendar from scratch.

    .venv/bin/python benchmarks/calendar_change.py [--tickets 100000] [--backend both]

Opening Columbus Day and closing it again leaves the database as it was (but for the
audit rows). The databases (benchmarks/.data/calendar-<n>.sqlite3, PostgreSQL
helpdesk_bench_calendar_<n>) are generated once and reused.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_db import kept_database_url  # noqa: E402

from helpdesk_tui.data import migrate  # noqa: E402
from helpdesk_tui.data.demo.seed import seed_demo_district  # noqa: E402
from helpdesk_tui.data.engine import Database, build_engine  # noqa: E402
from helpdesk_tui.data.tables import Ticket  # noqa: E402
from helpdesk_tui.services.sla import (  # noqa: E402
    OpenOnHoliday,
    build_calendar,
    close_on_holiday,
    open_on_holiday,
    preview_due,
)
from helpdesk_tui.services.staff import authenticate  # noqa: E402
from helpdesk_tui.services.tickets import seed_tickets  # noqa: E402
from helpdesk_tui.vocabulary import RUNNING  # noqa: E402

NOW = datetime(2026, 10, 9, 19, 0, tzinfo=UTC)  # Friday before Columbus Day
COLUMBUS_DAY = date(2026, 10, 12)


def database(backend: str, tickets: int) -> Database:
    db = Database(build_engine(kept_database_url(backend, f"calendar-{tickets}")))
    migrate.upgrade(db.engine)
    with db.read() as s:
        have = s.exec(select(Ticket.id).limit(1)).first()  # type: ignore[call-overload]
    if have is None:
        started = time.perf_counter()
        seed_demo_district(db, guardians=2000, seed=5)
        seed_tickets(db, count=tickets, seed=5, now=NOW)
        print(
            f"  [{backend}] generated {tickets:,} tickets in {time.perf_counter() - started:.1f} s"
        )
    return db


def timed(runs: int, call: Callable[[], object]) -> tuple[float, float]:
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took), max(took)


def run(backend: str, tickets: int) -> None:
    db = database(backend, tickets)
    boss = authenticate(db, username="demo-supervisor", password="demo-password")
    with db.read() as s:
        running = s.execute(
            select(func.count()).select_from(Ticket).where(Ticket.status.in_(RUNNING))  # type: ignore[attr-defined]
        ).scalar_one()
    print(f"[{backend}] {tickets:,} tickets, {running:,} with a running clock")

    def preview() -> object:
        with db.read() as s:
            return preview_due(s, change=OpenOnHoliday(COLUMBUS_DAY), now=NOW)

    shown = preview()
    print(f"  preview line: {shown.line}")  # type: ignore[attr-defined]
    p50, worst = timed(5, preview)
    print(
        f"  preview of opening a holiday (a dialog's keystroke): median {p50:.0f} ms, max {worst:.0f} ms"
    )

    def save_and_undo() -> None:
        with db.write() as s:
            opened = open_on_holiday(s, actor=boss, day=COLUMBUS_DAY, now=NOW)
        with db.write() as s:
            close_on_holiday(s, actor=boss, day=COLUMBUS_DAY, now=NOW)
        save_and_undo.moved = opened.retimed  # type: ignore[attr-defined]

    p50, worst = timed(3, save_and_undo)
    moved = save_and_undo.moved  # type: ignore[attr-defined]
    print(
        f"  open on the holiday then close again (two saves, {moved:,} tickets re-timed each): "
        f"median {p50:.0f} ms, max {worst:.0f} ms"
    )

    def fresh_calendar() -> object:
        return build_calendar(
            time_zone="America/Chicago",
            hours_open="07:30",
            hours_close="15:30",
            business_days="12345",
            country="US",
            subdivision="IL",
            closures={},
            busy_periods=[],
            around=NOW.date(),
            open_days=[COLUMBUS_DAY],
        )

    p50, worst = timed(5, fresh_calendar)
    print(f"  building a calendar (6 years) without the cache: median {p50:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]:
        run(backend, args.tickets)


if __name__ == "__main__":
    main()

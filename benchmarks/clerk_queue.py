"""A school clerk opening the queue with 100,000 tickets in the district: the clerk's
queue lists the tickets of families with a student at the clerk's school (issue 11),
beside the agent's district-wide queue for comparison.

    .venv/bin/python benchmarks/clerk_queue.py [--tickets 100000] [--backend both]

Uses (and generates once) the same databases as benchmarks/ticket_queue.py.
"""

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ticket_queue import NOW, database, each_backend, timings  # noqa: E402
from helpdesk_tui.services.staff import authenticate  # noqa: E402
from helpdesk_tui.services.tickets import QueueFilter, queue_page  # noqa: E402


def run(backend: str, tickets: int) -> None:
    db = database(backend, tickets)
    agent = authenticate(db, username="demo-agent", password="demo-password")
    clerk = authenticate(db, username="demo-clerk", password="demo-password")
    print(f"[{backend}] {tickets:,} tickets")
    for who, actor in (("agent", agent), ("clerk", clerk)):
        for view in ("unassigned", "open"):

            def open_queue(view: str = view, actor=actor) -> int:  # type: ignore[no-untyped-def]
                with db.read() as s:
                    page = queue_page(s, actor=actor, queue_filter=QueueFilter(view), now=NOW)
                return page.counts[view]

            listed = open_queue()  # warm the calendar and the caches once
            samples = timings(open_queue, 20)
            print(
                f"  {who:5} opens '{view}' (first page + 6 counts, {listed:,} tickets in it): "
                f"p50 {statistics.median(samples):6.1f} ms  max {max(samples):6.1f} ms"
            )
    db.dispose()


def main() -> None:
    each_backend(__doc__, run)


if __name__ == "__main__":
    main()

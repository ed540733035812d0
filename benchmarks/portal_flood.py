"""Parents cannot lock staff out (SQLite): six processes send wrong portal passwords
without pause while one desk works through the services (reissue a key, unlock a
login, add a note to a ticket) for --seconds (30). Prints what the desk got done, what
failed ("database is locked" once the retries ran out) and its p50/p95 latency, and
what the flood got.

The flood comes from hundreds of addresses, so the per-address throttle does not turn
it away; half its attempts go to the desk's twelve logins (locked out, then unlocked by
the desk; the per-username throttle soon turns most of those away unchecked) and half
to unknown names, each verified with argon2 against the dummy hash. --real-share 0
makes every attempt an argon2 verify.

    .venv/bin/python benchmarks/portal_flood.py [--seconds 30] [--flooders 6] [--real-share 0.5]
"""

import argparse
import multiprocessing
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_db import empty_database_url  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from helpdesk_tui.data import migrate  # noqa: E402
from helpdesk_tui.data.demo.seed import seed_demo_district  # noqa: E402
from helpdesk_tui.data.engine import Database, DatabaseUnavailable, build_engine  # noqa: E402
from helpdesk_tui.data.tables import PortalAccount  # noqa: E402
from helpdesk_tui.services import recovery, tickets  # noqa: E402
from helpdesk_tui.services.kernel.errors import DomainError  # noqa: E402
from helpdesk_tui.services.portal import sign_in  # noqa: E402
from helpdesk_tui.services.staff import authenticate  # noqa: E402
from tests.recovery import pick_guardian, verify  # noqa: E402

GUARDIANS, TARGETS = 600, 12


def setup() -> tuple[str, list[int], list[str], int]:
    url = empty_database_url("sqlite", "helpdesk_portal_flood")
    engine = build_engine(url)
    migrate.upgrade(engine)
    database = Database(engine)
    seed_demo_district(database, guardians=GUARDIANS, seed=3)
    agent = authenticate(database, username="demo-agent", password="demo-password")
    guardian_ids = []
    for _ in range(TARGETS):  # the desk holds a pass for each login the flood hits
        guardian = pick_guardian(database, account="active")
        verify(database, agent, guardian)
        guardian_ids.append(guardian.id or 0)
    with database.read() as s:
        usernames = list(
            s.exec(
                select(PortalAccount.username).where(
                    col(PortalAccount.guardian_id).in_(guardian_ids)
                )
            ).all()
        )
    with database.write() as s:
        ticket = tickets.open_call_ticket(s, actor=agent, guardian_id=guardian_ids[0])
    database.dispose()
    return url, guardian_ids, usernames, ticket.id


def flood(
    url: str, usernames: list[str], real_share: float, seconds: float, seed: int
) -> Counter[str]:
    database = Database(build_engine(url))
    rnd = random.Random(seed)
    got: Counter[str] = Counter()
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        real = rnd.random() < real_share
        name = rnd.choice(usernames) if real else f"nobody{rnd.randrange(10**6)}"
        ip = f"{rnd.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rnd.randrange(1, 255)}"
        try:
            sign_in(database, username=name, password="Wrong#pass1", ip=ip)
            got["signed in"] += 1
        except DomainError as exc:
            got[type(exc).__name__] += 1
        except DatabaseUnavailable:
            got["database unavailable"] += 1
    database.dispose()
    return got


def desk(url: str, guardian_ids: list[int], ticket_id: int, seconds: float) -> dict[str, object]:
    database = Database(build_engine(url))
    agent = authenticate(database, username="demo-agent", password="demo-password")
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    actions = [
        lambda s, gid: recovery.reissue_activation_key(
            s, actor=agent, guardian_id=gid, delivery="letter", reason="flood benchmark"
        ),
        lambda s, gid: recovery.unlock_account(s, actor=agent, guardian_id=gid),
        lambda s, gid: tickets.add_note(s, actor=agent, ticket_id=ticket_id, body="still on it"),
    ]
    until = time.monotonic() + seconds
    i = 0
    while time.monotonic() < until:
        action, gid = actions[i % len(actions)], guardian_ids[i % len(guardian_ids)]
        i += 1
        started = time.perf_counter()
        try:
            database.run(lambda s: action(s, gid))  # noqa: B023
            outcomes["done"] += 1
        except DomainError:
            outcomes["refused (nothing to unlock)"] += 1  # the database answered
        except DatabaseUnavailable as exc:
            failures[str(exc)] += 1
        latencies.append(time.perf_counter() - started)
    database.dispose()
    return {"latencies": latencies, "outcomes": outcomes, "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--flooders", type=int, default=6)
    parser.add_argument(
        "--real-share",
        type=float,
        default=0.5,
        help="share of attempts on the real logins (the rest: unknown names, each verified)",
    )
    args = parser.parse_args()
    url, guardian_ids, usernames, ticket_id = setup()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(args.flooders + 1) as pool:
        floods = [
            pool.apply_async(flood, (url, usernames, args.real_share, args.seconds, seed))
            for seed in range(args.flooders)
        ]
        staff = pool.apply_async(desk, (url, guardian_ids, ticket_id, args.seconds))
        desk_result = staff.get()
        flood_total: Counter[str] = Counter()
        for part in floods:
            flood_total.update(part.get())
    latencies = sorted(desk_result["latencies"])  # type: ignore[type-var]
    outcomes: Counter[str] = desk_result["outcomes"]  # type: ignore[assignment]
    failures: Counter[str] = desk_result["failures"]  # type: ignore[assignment]
    answered = sum(outcomes.values())
    print(f"SQLite, {args.flooders} processes flooding the portal for {args.seconds:.0f} s")
    print(f"  flood attempts: {sum(flood_total.values())} {dict(flood_total)}")
    print(
        f"  desk actions: {answered + sum(failures.values())}; succeeded {answered} "
        f"{dict(outcomes)}; failed {sum(failures.values())} {dict(failures)}"
    )
    if len(latencies) >= 2:
        p95 = statistics.quantiles(latencies, n=20)[18]
        print(
            f"  desk latency: p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()

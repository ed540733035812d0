"""How many families one address can lock out of the portal in ten minutes (SQLite).

One attacker, one IP address, a list of real usernames: five wrong passwords for each
login in turn (the lockout threshold), as fast as the portal lets it. The clock is
simulated through the services' ``now=``: every attempt moves it on by the time the
attempt really took, and a refused attempt that says "wait" moves it on by exactly the
wait it was told (the attacker retries the moment it may). Prints the attempts
made, the logins locked out and the attempts turned away in those ten simulated
minutes. Without a throttle the run would take the full ten minutes of hashing, so
past --budget seconds of real time it stops and scales the counts to ten minutes
(said so when it does).

    .venv/bin/python benchmarks/portal_throttle.py [--minutes 10] [--budget 60]
"""

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_db import empty_database_url  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from helpdesk_tui.data import migrate  # noqa: E402
from helpdesk_tui.data.demo.seed import seed_demo_district  # noqa: E402
from helpdesk_tui.data.engine import Database, build_engine  # noqa: E402
from helpdesk_tui.data.tables import PortalAccount  # noqa: E402
from helpdesk_tui.services.portal import PortalError, SignInThrottled, sign_in  # noqa: E402

IP = "203.0.113.66"
START = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def fresh() -> tuple[Database, list[str]]:
    url = empty_database_url("sqlite", "helpdesk_portal_throttle")
    engine = build_engine(url)
    migrate.upgrade(engine)
    database = Database(engine)
    seed_demo_district(database, guardians=2000, seed=4, now=START - timedelta(days=1))
    with database.read() as s:
        usernames = list(
            s.exec(
                select(PortalAccount.username).where(
                    col(PortalAccount.status) == "active", col(PortalAccount.kind) == "guardian"
                )
            ).all()
        )
    return database, usernames


def attack(database: Database, usernames: list[str], minutes: float, budget: float) -> None:
    now, end = START, START + timedelta(minutes=minutes)
    attempts = turned_away = 0
    started = time.monotonic()
    targets = iter(usernames)
    target, tries = next(targets), 0
    while now < end and time.monotonic() - started < budget:
        t0 = time.perf_counter()
        try:
            sign_in(database, username=target, password="Guess#1234", ip=IP, now=now)
        except SignInThrottled as exc:  # turned away: the same guess again when allowed
            turned_away += 1
            now += max(exc.retry_after, timedelta(seconds=time.perf_counter() - t0))
            continue
        except PortalError:
            pass
        attempts += 1
        now += timedelta(seconds=time.perf_counter() - t0)
        tries += 1
        if tries == 5:
            target, tries = next(targets), 0
    simulated = (min(now, end) - START).total_seconds()
    with database.read() as s:
        locked = s.exec(
            select(func.count())
            .select_from(PortalAccount)
            .where(col(PortalAccount.status) == "disabled", col(PortalAccount.disabled_at) >= START)
        ).one()
    scale = minutes * 60 / simulated if simulated < minutes * 60 else 1.0
    print(f"One IP address, {minutes:g} simulated minutes, lockout after 5 failures")
    print(f"  password guesses checked: {attempts}; turned away with a wait: {turned_away}")
    print(f"  logins locked out: {locked}")
    if scale > 1:
        print(
            f"  stopped after {budget:g} s of real time = {simulated:.0f} simulated s; "
            f"scaled to {minutes:g} minutes: ~{attempts * scale:.0f} guesses, "
            f"~{locked * scale:.0f} logins locked out"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--budget", type=float, default=60, help="real seconds at most")
    args = parser.parse_args()
    database, usernames = fresh()
    attack(database, usernames, args.minutes, args.budget)
    database.dispose()


if __name__ == "__main__":
    main()

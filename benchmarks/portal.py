"""Portal-side timings on a 2,000-guardian demo district (SQLite and PostgreSQL):

- "forgot password" and "forgot username" for a login with a verified security email
  (a message is queued) beside an unknown one (nothing happens): the answer must not
  tell them apart, in words or in time;
- a sign-in with a wrong password for a real username beside an unknown username;
- a successful sign-in, and redeeming a key.

    .venv/bin/python benchmarks/portal.py [--runs 30]
"""

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bench_db import empty_database_url
from sqlmodel import col, select

from helpdesk_tui.data import migrate
from helpdesk_tui.data.demo.rows import DEMO_PORTAL_PASSWORD, demo_key
from helpdesk_tui.data.demo.seed import seed_demo_district
from helpdesk_tui.data.engine import Database, build_engine
from helpdesk_tui.data.tables import ActivationKey, PortalAccount
from helpdesk_tui.services.portal import (
    PortalError,
    forgot_password,
    forgot_username,
    redeem_key,
    sign_in,
)

SEED, GUARDIANS = 5, 2000


def fresh(backend: str) -> Database:
    url = empty_database_url(backend, "helpdesk_portal_bench")
    engine = build_engine(url)
    migrate.upgrade(engine)
    database = Database(engine)
    seed_demo_district(database, guardians=GUARDIANS, seed=SEED)
    return database


def timed(call: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with contextlib.suppress(PortalError):  # a refusal takes its time too
            call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def line(label: str, times: list[float]) -> str:
    return (
        f"  {label:<44} mean {statistics.mean(times):7.1f} ms  sd {statistics.stdev(times):5.1f}"
        f"  min {min(times):7.1f}  max {max(times):7.1f}"
    )


def measure(backend: str, runs: int) -> None:
    database = fresh(backend)
    with database.read() as s:
        verified = s.exec(
            select(PortalAccount).where(
                col(PortalAccount.security_email_verified),
                col(PortalAccount.status) == "active",
                col(PortalAccount.kind) == "guardian",
            )
        ).all()
        keys = s.exec(select(ActivationKey.id).where(col(ActivationKey.status) == "active")).all()
    # A different login each time, so the hourly limit on reset links never applies.
    logins = iter(a.username for a in verified)
    emails = iter(a.security_email for a in verified[runs:])
    users = iter(a.username for a in verified[2 * runs :])
    key_ids, counter = iter(keys), iter(range(10**6))
    ip = "192.0.2.1"
    # A new address for each sign-in, so the per-address throttle never turns one away.
    addresses = (f"198.51.{n // 250}.{n % 250 + 1}" for n in range(10**5))

    def attempt(username: str, password: str) -> None:
        sign_in(database, username=username, password=password, ip=next(addresses))

    def redeem() -> None:
        redeem_key(
            database,
            key_text=demo_key(SEED, next(key_ids)),
            username=f"Bench{next(counter)}",
            password="Bench#2026x",
            ip=ip,
            now=datetime.now(UTC),
        )

    cases: list[tuple[str, Callable[[], object]]] = [
        (
            "forgot password, verified login (sends)",
            lambda: forgot_password(database, username=next(logins), ip=ip),
        ),
        (
            "forgot password, unknown login (nothing)",
            lambda: forgot_password(database, username="nobody1", ip=ip),
        ),
        (
            "forgot username, verified email (sends)",
            lambda: forgot_username(database, email=next(emails) or "", ip=ip),
        ),
        (
            "forgot username, unknown email (nothing)",
            lambda: forgot_username(database, email="no@example.com", ip=ip),
        ),
        ("sign-in, real username, wrong password", lambda: attempt(next(users), "x1!")),
        ("sign-in, unknown username", lambda: attempt(f"ghost{next(counter)}", "x1!")),
        ("sign-in, right password", lambda: attempt(next(users), DEMO_PORTAL_PASSWORD)),
        ("redeem a key", redeem),
    ]
    print(f"{backend} ({GUARDIANS:,} guardians, {runs} runs each)")
    for label, call in cases:
        print(line(label, timed(call, runs)))
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    for backend in ("sqlite", "postgresql"):
        measure(backend, runs)


if __name__ == "__main__":
    main()

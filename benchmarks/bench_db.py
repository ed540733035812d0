"""An empty database of each kind for a benchmark: a fresh SQLite file under .data/, or a
PostgreSQL database dropped and created again on the test server; a demo district on
one; and how long a write transaction stays open, as p50/p95."""

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from helpdesk_tui.data import migrate
from helpdesk_tui.data.demo.seed import seed_demo_district
from helpdesk_tui.data.engine import Database, build_engine

DATA = Path(__file__).with_name(".data")
PG_ADMIN = os.environ.get(
    "HELPDESK_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def empty_database_url(backend: str, name: str) -> str:
    if backend == "sqlite":
        DATA.mkdir(exist_ok=True)
        for old in DATA.glob(f"{name}.sqlite3*"):
            old.unlink()
        return f"sqlite:///{DATA / f'{name}.sqlite3'}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def kept_database_url(backend: str, name: str) -> str:
    """The URL of database ``name``, created empty the first time and kept between runs
    (a district generated once, then measured again and again)."""
    if backend == "sqlite":
        DATA.mkdir(exist_ok=True)
        return f"sqlite:///{DATA / f'{name}.sqlite3'}"
    db_name = f"helpdesk_bench_{name.replace('-', '_')}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": db_name}
        ).first()
        if not found:
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=db_name).render_as_string(hide_password=False)


def demo_database(backend: str, name: str, *, guardians: int, seed: int) -> Database:
    """A fresh database ``name``, migrated, with a demo district of ``guardians``."""
    database = Database(build_engine(empty_database_url(backend, name)))
    migrate.upgrade(database.engine)
    seed_demo_district(database, guardians=guardians, seed=seed)
    return database


def write_seconds(database: Database, call: Callable[[Session], object]) -> float:
    """How long the write transaction running ``call`` stayed open (commit included)."""
    start = time.perf_counter()
    with database.write() as session:
        call(session)
    return time.perf_counter() - start


def ms(samples: list[float]) -> str:
    """p50 and p95 of ``samples`` (seconds), in milliseconds."""
    q = statistics.quantiles(samples, n=20)
    return f"p50 {statistics.median(samples) * 1000:6.1f} ms  p95 {q[18] * 1000:6.1f} ms"

"""Shared fixtures: real SQLite files and a real PostgreSQL server.

PostgreSQL comes from HELPDESK_TEST_DATABASE_URL (default: postgres on 127.0.0.1:5432);
each run creates its own databases and drops them at the end. With no server the
PostgreSQL tests skip with the reason, unless HELPDESK_REQUIRE_PG=1 (CI), where they fail.
"""

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from helpdesk_tui.data import migrate
from helpdesk_tui.data.demo.seed import seed_demo_district, wipe_district
from helpdesk_tui.data.engine import Database, build_engine
from helpdesk_tui.logs import configure_logging, stop_logging
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.staff import authenticate

PG_URL = os.environ.get(
    "HELPDESK_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_PG = os.environ.get("HELPDESK_REQUIRE_PG") == "1"
BACKENDS = ["sqlite", "postgresql"]

# The demo district every read-only test shares: fixed seed and clock, so names,
# ids and dates are the same on every run and on both databases.
SEED_NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
SEED = 11
SEED_GUARDIANS = 400
# Tests that act take a guardian nobody has acted on yet (tests/recovery.py); the
# clerk's own school must not run out of them in one worker's session.
ACTION_GUARDIANS = 1200


def _pg_admin_url() -> str:
    return (
        make_url(PG_URL).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    )


_pg_reason: str | None = None


def require_pg() -> None:
    global _pg_reason
    if _pg_reason is None:
        try:
            engine = create_engine(_pg_admin_url())
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _pg_reason = ""
        except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
            _pg_reason = f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string()}: {exc}"
    if _pg_reason:
        if REQUIRE_PG:
            pytest.fail(f"HELPDESK_REQUIRE_PG=1 but {_pg_reason}")
        pytest.skip(_pg_reason)


class _PgDatabases:
    """Creates throwaway databases on the server and drops them afterwards."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def create(self, *, template: str | None = None) -> str:
        """A new database (a copy of ``template`` when given); returns its URL."""
        name = f"helpdesk_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
        copy = f' TEMPLATE "{template}"' if template else ""
        # A template must have no other session while it is copied; PostgreSQL's own
        # autovacuum may visit it for a moment after it was filled, so wait that out.
        for attempt in range(40):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
                break
            except OperationalError as exc:
                if "being accessed by other users" not in str(exc) or attempt == 39:
                    raise
                time.sleep(0.25)
        admin.dispose()
        self.created.append(name)
        return make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[_PgDatabases]:
    databases = _PgDatabases()
    yield databases
    databases.drop_all()


def make_database(backend: str, tmp_dir: Path, pg_databases: _PgDatabases) -> Database:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_dir / f'helpdesk-{uuid.uuid4().hex[:8]}.sqlite3'}"
    else:
        require_pg()
        url = pg_databases.create()
    engine = build_engine(url)
    migrate.upgrade(engine)
    return Database(engine)


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_db(request, tmp_path_factory, pg_databases) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    """A demo district shared by read-only tests. Do not write to it."""
    database = make_database(request.param, tmp_path_factory.mktemp("seeded"), pg_databases)
    seed_demo_district(database, guardians=SEED_GUARDIANS, seed=SEED, now=SEED_NOW)
    yield database
    database.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def _scratch_db(request, tmp_path_factory, pg_databases) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    database = make_database(request.param, tmp_path_factory.mktemp("scratch"), pg_databases)
    yield database
    database.dispose()


@pytest.fixture
def db(_scratch_db: Database) -> Database:
    """An empty, migrated database of each kind, emptied before every test."""
    wipe_district(_scratch_db.write_engine)
    return _scratch_db


@pytest.fixture(scope="session")
def _seeded_sqlite_file(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """The demo district, generated once per test session into a SQLite file that
    tests copy (a copy takes milliseconds; generating takes a second or two)."""
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite3"
    engine = build_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    database = Database(engine)
    seed_demo_district(database, guardians=SEED_GUARDIANS, seed=SEED, now=SEED_NOW)
    database.checkpoint()  # everything in the main file, the WAL empty
    database.dispose()
    return path


@pytest.fixture
def sqlite_seeded(_seeded_sqlite_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the demo district in its own SQLite file (for tests that write)."""
    path = tmp_path / "ui.sqlite3"
    shutil.copyfile(_seeded_sqlite_file, path)
    database = Database(build_engine(f"sqlite:///{path}"))
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def _seeded_pg_template(pg_databases: _PgDatabases) -> str:
    """The demo district generated once per session in a PostgreSQL database that
    tests copy with CREATE DATABASE ... TEMPLATE; returns its name."""
    require_pg()
    url = pg_databases.create()
    database = Database(build_engine(url))
    migrate.upgrade(database.engine)
    seed_demo_district(database, guardians=SEED_GUARDIANS, seed=SEED, now=SEED_NOW)
    database.dispose()  # a template must have no connections while it is copied
    name = str(make_url(url).database)
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # nobody connects to it from now on, only copies
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
    admin.dispose()
    return name


@pytest.fixture
def pg_seeded(_seeded_pg_template: str, pg_databases: _PgDatabases) -> Iterator[Database]:
    """A fresh copy of the demo district in its own PostgreSQL database."""
    database = Database(build_engine(pg_databases.create(template=_seeded_pg_template)))
    yield database
    database.dispose()


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The package's log going to a file in this test's folder, as the app's command
    sets it up; closed afterwards."""
    path = configure_logging(tmp_path / "data", verbose=True)
    yield path
    stop_logging()


def first_row(database: Database, statement):  # type: ignore[no-untyped-def]
    """The first row a query returns, read in its own session."""
    with database.read() as session:
        return session.exec(statement).first()


def sign_in(database: Database, username: str) -> StaffMember:
    return authenticate(database, username=username, password="demo-password")


@pytest.fixture
def agent(seeded_db: Database) -> StaffMember:
    return sign_in(seeded_db, "demo-agent")


@pytest.fixture
def clerk(seeded_db: Database) -> StaffMember:
    return sign_in(seeded_db, "demo-clerk")


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps secrets in memory, for tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session", params=BACKENDS)
def action_db(request, tmp_path_factory, pg_databases) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    """A demo district that tests act on. Each test takes guardians nobody has acted
    on yet (see tests/recovery.py), so tests stay independent without reseeding."""
    database = make_database(request.param, tmp_path_factory.mktemp("action"), pg_databases)
    seed_demo_district(database, guardians=ACTION_GUARDIANS, seed=SEED, now=SEED_NOW)
    yield database
    database.dispose()

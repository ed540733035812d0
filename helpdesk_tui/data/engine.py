"""Engines and sessions for the shared database.

SQLite (the embedded default) follows SQLAlchemy's pysqlite recipe: the driver's own
transaction handling is turned off and we emit BEGIN ourselves, IMMEDIATE for
writers so two desks never deadlock upgrading a read lock, plain BEGIN for readers.
WAL lets readers go on while one desk writes; synchronous=FULL survives power loss.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000
_WRITE = "helpdesk_write"


def build_engine(url: str, *, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo)
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # Interactive lookups are short; starting parallel workers costs more (15-25 ms)
        # than any query we run, so each session turns parallel plans off.
        return create_engine(
            parsed,
            echo=echo,
            pool_pre_ping=True,
            pool_size=5,
            connect_args={"options": "-c max_parallel_workers_per_gather=0"},
        )
    raise ValueError(
        f"Unsupported database {parsed.get_backend_name()!r}: use a sqlite:/// path "
        "or a postgresql+psycopg:// URL."
    )


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Deleted or overwritten content (a key erased from a sent message) is zeroed
        # on disk instead of lingering in free space.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def as_writer(connection: Connection) -> Connection:
    """Make the connection's next transactions writers (SQLite: BEGIN IMMEDIATE), for
    work that must stay on one connection (a roster import and its temporary tables)."""
    return connection.execution_options(**{_WRITE: True})


class CommitThenRaise(Exception):
    """Raised from inside ``Database.write()`` when what the transaction wrote so far
    (a denied attempt's audit row) must be kept although the action itself is refused."""


class Database:
    """The engine plus the two ways to use it: a read session or a write transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.write_engine = engine.execution_options(**{_WRITE: True})

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; closing it ends (rolls back) its transaction while
        leaving loaded objects readable."""
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction for one action: committed on success, rolled back on error."""
        with Session(self.write_engine) as session:
            try:
                yield session
                session.commit()
            except CommitThenRaise:
                session.commit()
                raise
            except BaseException:
                session.rollback()
                raise

    def checkpoint(self) -> None:
        """SQLite: copy the WAL into the database file and truncate it to zero bytes, so
        erased secrets do not linger in old WAL frames. A no-op on PostgreSQL."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def dispose(self) -> None:
        self.engine.dispose()

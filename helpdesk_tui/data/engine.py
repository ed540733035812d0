"""Engines and sessions for the shared database.

SQLite (the embedded default) follows SQLAlchemy's pysqlite recipe: the driver's own
transaction handling is turned off and we emit BEGIN ourselves, IMMEDIATE for
writers so two desks never deadlock upgrading a read lock, plain BEGIN for readers.
WAL lets readers go on while one desk writes; synchronous=FULL survives power loss.
"""

import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from helpdesk_tui.data.private_files import private_sqlite

log = logging.getLogger(__name__)
T = TypeVar("T")

# SQLite waits this long for another desk's write before "database is locked"; the
# retries below then wait some more, so a lock is waited out for up to ~8 s in all.
SQLITE_BUSY_TIMEOUT_MS = 2_000
POSTGRES_CONNECT_TIMEOUT_S = 3  # a server that does not answer at all fails fast
_WRITE = "helpdesk_write"
# A transient failure (a lock, a deadlock, a lost connection) is tried again after
# 0.05, 0.1, 0.2 ... s, for as long as the whole call stays within this many seconds.
RETRY_SECONDS = 8.0
FIRST_BACKOFF = 0.05
_SERVER_GONE = ("57P01", "57P02", "57P03")  # shut down, crashed, cannot connect now


class DatabaseUnavailable(Exception):
    """The database could not be used even after retrying (down, unreachable, or locked
    by someone else for too long). ``str()`` says which, for staff to read."""


class OutcomeUnknown(DatabaseUnavailable):
    """The connection was lost while a write committed: it may or may not have been
    done, so it is not run again; the caller reloads and looks."""


def transient_problem(exc: BaseException) -> str | None:
    """What went wrong, for staff, when ``exc`` is worth retrying; else None. A broken
    rule (an integrity or programming error) never is."""
    if isinstance(exc, PoolTimeout | DisconnectionError):
        return "no free connection to the database"
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    sqlstate = getattr(exc.orig, "sqlstate", None) or ""
    message = str(exc.orig).lower()
    if sqlstate == "40P01":
        return "a deadlock with another desk"
    if sqlstate == "40001":
        return "a conflicting change by another desk"
    lost = exc.connection_invalidated or sqlstate[:2] == "08" or sqlstate in _SERVER_GONE
    if lost or (not sqlstate and "connection" in message):
        return "the connection to the database was lost or refused"
    if "database is locked" in message or "database is busy" in message:
        return "the database is locked by another desk"
    if "unable to open database file" in message or "disk i/o error" in message:
        return "the database file cannot be opened"
    return None


def build_engine(
    url: str, *, echo: bool = False, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS
) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo, busy_timeout_ms=busy_timeout_ms)
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # Interactive lookups are short; starting parallel workers costs more (15-25 ms)
        # than any query we run, so each session turns parallel plans off.
        return create_engine(
            parsed,
            echo=echo,
            pool_pre_ping=True,
            hide_parameters=True,  # errors (and so the log) never show a row's values
            pool_size=5,
            connect_args={
                # Short indexed statements on every keystroke: no parallel workers, and
                # no JIT compiling a generic plan each time (measured on the lookup).
                "options": "-c max_parallel_workers_per_gather=0 -c jit=off",
                "connect_timeout": POSTGRES_CONNECT_TIMEOUT_S,
            },
        )
    raise ValueError(
        f"Unsupported database {parsed.get_backend_name()!r}: use a sqlite:/// path "
        "or a postgresql+psycopg:// URL."
    )


def _sqlite_engine(url: str, *, echo: bool, busy_timeout_ms: int) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        # Owner-only: a new folder 0700, the file (and so its -wal and -shm) 0600.
        private_sqlite(Path(database).expanduser())
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        # Deleted or overwritten content (a key erased from a sent message) is zeroed
        # on disk instead of lingering in free space.
        cursor.execute("PRAGMA secure_delete=ON")
        # Index pages read through memory mapping (the lookup at 1M guardians: a
        # 1,000-entry probe 3.5 -> 1.7 ms); writes still go through SQLite's pager.
        cursor.execute("PRAGMA mmap_size=268435456")
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
        leaving loaded objects readable. Its transaction begins at once, retried while
        the database is briefly unavailable."""
        with Session(self.engine) as session:
            self._begin(session)
            try:
                yield session
            except CommitThenRaise:
                # A refused read keeps its "denied" audit row. (On SQLite the row
                # upgrades this read to a write; if another desk wrote meanwhile that
                # fails as "locked", and Database.run runs the call again.)
                self._commit(session)
                raise

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction for one action: committed on success, rolled back on error.
        It begins at once (SQLite: BEGIN IMMEDIATE), retried while the database is
        briefly locked or unreachable."""
        with Session(self.write_engine) as session:
            self._begin(session)
            try:
                yield session
            except CommitThenRaise:
                self._commit(session)
                raise
            except BaseException:
                session.rollback()
                raise
            self._commit(session)

    @staticmethod
    def _commit(session: Session) -> None:
        """Commit; a connection lost in the middle leaves the outcome unknown."""
        try:
            session.commit()
        except Exception as exc:
            problem = transient_problem(exc)
            if problem is None or "connection" not in problem:
                raise  # a deadlock or conflict at commit rolled back: safe to retry
            log.warning("connection lost while committing: outcome unknown")
            raise OutcomeUnknown(
                "The connection to the database was lost while saving, so this may or may "
                "not have been done. Look at the record (it reloads) before trying again."
            ) from exc

    def run(self, call: Callable[[Session], T], *, write: bool = True) -> T:
        """``call(session)`` in one transaction (a write, or a read), run again from the
        start when a transient failure (a deadlock, a lock, a lost connection) rolls it
        back, for up to RETRY_SECONDS; then DatabaseUnavailable. ``call`` must do
        nothing but database work, since it may run more than once."""
        return self._retrying(lambda: self._once(call, write=write))

    def _once(self, call: Callable[[Session], T], *, write: bool) -> T:
        with self.write() if write else self.read() as session:
            return call(session)

    def ping(self) -> None:
        """Raise DatabaseUnavailable unless the database would take a write now (it
        writes nothing). A read alone is not enough: SQLite reads go on while another
        desk holds the write lock."""
        self.run(lambda s: s.connection().execute(text("SELECT 1")), write=True)

    def _begin(self, session: Session) -> None:
        def attempt() -> None:
            try:
                session.connection()
            except Exception:
                with contextlib.suppress(Exception):
                    session.rollback()  # start the next try from a clean session
                raise

        self._retrying(attempt)

    def _retrying(self, attempt: Callable[[], T]) -> T:
        started = time.monotonic()
        backoff = FIRST_BACKOFF
        tries = 0
        while True:
            tries += 1
            try:
                return attempt()
            except Exception as exc:
                problem = transient_problem(exc)
                if problem is None:
                    raise
                delay = backoff * (1 + random.random() / 2)
                if time.monotonic() - started + delay > RETRY_SECONDS:
                    log.warning(
                        "database unavailable after %d tries: %s (%s)",
                        tries,
                        problem,
                        exc.__class__.__name__,
                    )
                    raise DatabaseUnavailable(problem) from exc
                log.info("retrying in %.2f s after %s (try %d)", delay, problem, tries)
                time.sleep(delay)
                backoff *= 2

    def checkpoint(self) -> None:
        """SQLite: copy the WAL into the database file and truncate it to zero bytes, so
        erased secrets do not linger in old WAL frames. A no-op on PostgreSQL."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def dispose(self) -> None:
        self.engine.dispose()

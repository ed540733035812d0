"""A database that fails for a moment: locked by another desk, a deadlock, a server that
goes away and comes back. Transient failures are retried inside Database.run (the one
place that does it); what still fails comes back as DatabaseUnavailable with words
staff can read, and a real error (a broken rule) is never retried."""

import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from helpdesk_tui.data import engine as engine_module
from helpdesk_tui.data import migrate
from helpdesk_tui.data.engine import Database, DatabaseUnavailable, OutcomeUnknown, build_engine
from helpdesk_tui.data.tables import School
from tests.conftest import _pg_admin_url, make_database


def _sqlite(tmp_path: Path, busy_ms: int) -> tuple[Database, str]:
    path = tmp_path / "locked.sqlite3"
    engine = build_engine(f"sqlite:///{path}", busy_timeout_ms=busy_ms)
    migrate.upgrade(engine)
    return Database(engine), str(path)


def _hold_write_lock(path: str, seconds: float, held: threading.Event) -> threading.Thread:
    """Another desk: a write transaction on the same file, held for ``seconds``."""

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    return thread


def _add_school(code: str):  # type: ignore[no-untyped-def]
    def add(session) -> int:  # type: ignore[no-untyped-def]
        school = School(
            code=code,
            name=f"School {code}",
            level="elementary",
            low_grade=0,
            high_grade=5,
            city="Riverbend",
            phone="555-0100",
        )
        session.add(school)
        session.flush()
        return school.id

    return add


def test_a_write_locked_by_another_desk_for_a_moment_goes_through(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    database, path = _sqlite(tmp_path, busy_ms=50)
    held = threading.Event()
    other = _hold_write_lock(path, 0.6, held)
    with caplog.at_level(logging.INFO, logger="helpdesk_tui.data.engine"):
        school_id = database.run(_add_school("LOCK1"))
    other.join()
    with database.read() as session:
        assert session.get(School, school_id).code == "LOCK1"
    assert any("locked by another desk" in r.getMessage() for r in caplog.records)


def test_a_lock_held_too_long_says_so_and_writes_nothing(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engine_module, "RETRY_SECONDS", 0.4)
    database, path = _sqlite(tmp_path, busy_ms=50)
    held = threading.Event()
    other = _hold_write_lock(path, 1.5, held)
    with pytest.raises(DatabaseUnavailable, match="locked by another desk"):
        database.run(_add_school("LOCK2"))
    other.join()
    with database.read() as session:
        assert session.exec(select(School).where(School.code == "LOCK2")).first() is None


def test_a_broken_rule_is_not_retried(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database, _ = _sqlite(tmp_path, busy_ms=50)
    database.run(_add_school("DUP"))
    tries = []

    def duplicate(session) -> None:  # type: ignore[no-untyped-def]
        tries.append(1)
        _add_school("DUP")(session)

    with pytest.raises(IntegrityError):
        database.run(duplicate)
    assert tries == [1]


def test_a_deadlock_is_retried_and_both_desks_changes_land(tmp_path, pg_databases, caplog) -> None:  # type: ignore[no-untyped-def]
    database = make_database("postgresql", tmp_path, pg_databases)
    first = database.run(_add_school("A"))
    second = database.run(_add_school("B"))
    ours_waits = threading.Event()
    tries: list[int] = []
    bump = text("UPDATE school SET name = name || :mark WHERE id = :id")

    def other_desk() -> None:
        """Locks B, then asks for A once we hold A and wait for B: a deadlock, in which
        we (waiting longest) are the one PostgreSQL rolls back."""
        with database.engine.connect() as conn:
            conn.execute(bump, {"mark": "+other", "id": second})
            ours_waits.wait(10)
            time.sleep(0.3)
            conn.execute(bump, {"mark": "+other", "id": first})
            conn.commit()

    def ours(session) -> None:  # type: ignore[no-untyped-def]
        tries.append(1)
        session.execute(bump, {"mark": "+ours", "id": first})
        ours_waits.set()
        session.execute(bump, {"mark": "+ours", "id": second})

    thread = threading.Thread(target=other_desk)
    thread.start()
    time.sleep(0.2)
    with caplog.at_level(logging.INFO, logger="helpdesk_tui.data.engine"):
        database.run(ours)
    thread.join()
    assert len(tries) == 2
    with database.read() as session:
        names = {s.code: s.name for s in session.exec(select(School)).all()}
    assert names == {"A": "School A+other+ours", "B": "School B+other+ours"}
    assert any("deadlock" in r.getMessage() for r in caplog.records)


def test_a_server_that_refuses_connections_then_returns(tmp_path, pg_databases) -> None:  # type: ignore[no-untyped-def]
    database = make_database("postgresql", tmp_path, pg_databases)
    name = database.engine.url.database
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(
            text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        )
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable, match="connection to the database"):
            database.ping()
        assert time.monotonic() - started < engine_module.RETRY_SECONDS + 3
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    database.ping()  # back: no error
    database.run(_add_school("BACK"))


def test_a_connection_lost_while_committing_is_never_run_again(tmp_path, pg_databases) -> None:  # type: ignore[no-untyped-def]
    """Whether the write landed is unknown: running it again could issue a second key
    or send a reply twice, so it is reported instead."""
    database = make_database("postgresql", tmp_path, pg_databases)
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    tries = []

    def write_then_lose_the_connection(session) -> None:  # type: ignore[no-untyped-def]
        tries.append(1)
        _add_school(f"LOST{len(tries)}")(session)
        pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})

    with pytest.raises(OutcomeUnknown, match="may or may not have been done"):
        database.run(write_then_lose_the_connection)
    admin.dispose()
    assert tries == [1]


def test_the_database_is_not_called_back_while_another_desk_holds_the_lock(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The banner's probe: reads go on under SQLite's write lock, so it asks for a write."""
    monkeypatch.setattr(engine_module, "RETRY_SECONDS", 0.4)
    database, path = _sqlite(tmp_path, busy_ms=50)
    held = threading.Event()
    other = _hold_write_lock(path, 1.5, held)
    with pytest.raises(DatabaseUnavailable, match="locked by another desk"):
        database.ping()
    other.join()
    database.ping()

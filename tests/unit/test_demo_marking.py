"""A demo district is marked as one when it is created and marked complete only once
every row is written. `seed-demo --replace` and `helpdesk demo --reset` wipe only a
demo, never a real district; an interrupted demo (even by kill -9) is never opened as if
it were complete."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from helpdesk_tui.cli import main
from helpdesk_tui.data import migrate
from helpdesk_tui.data.demo.seed import DemoIncomplete, seed_demo_district
from helpdesk_tui.data.engine import Database, build_engine
from helpdesk_tui.data.tables import AuditEvent, DistrictSettings, Guardian, School, Staff
from tests.conftest import SEED_NOW, require_pg
from tests.unit.test_audit_trail import _trail
from tests.unit.test_cli import FIRST_IMPORT, _run


def _count(db: Database, table) -> int:  # type: ignore[no-untyped-def]
    with db.read() as session:
        return session.exec(select(func.count()).select_from(table)).one()[0]


def _counts(db: Database) -> dict[str, int]:
    return {t.__name__: _count(db, t) for t in (DistrictSettings, Guardian, Staff, AuditEvent)}


def _demo_marks(db: Database) -> list[tuple[bool, object]]:
    with db.read() as session:
        rows = session.exec(select(DistrictSettings.is_demo, DistrictSettings.demo_built_at))
        return [tuple(row) for row in rows.all()]


def _real_district(db: Database, tmp_path: Path) -> dict[str, int]:
    """A district brought in from its SIS, as a real one is: not a demo."""
    from tests.oneroster_helpers import export_copy

    imported = _run(db, "import", "oneroster", str(export_copy(tmp_path)), *FIRST_IMPORT)
    assert imported.exit_code == 0, imported.output
    counts = _counts(db)
    assert counts["Guardian"] > 0 and counts["AuditEvent"] > 0
    return counts


def _interrupt(db: Database) -> None:
    """What a seed killed part-way leaves: marked a demo, never marked complete."""
    with db.write() as session:
        session.exec(update(DistrictSettings).values(demo_built_at=None))


# -- seed-demo ------------------------------------------------------------------------
def test_seed_demo_replace_is_refused_on_a_real_district(db: Database, tmp_path) -> None:
    before = _real_district(db, tmp_path)
    replace = _run(db, "db", "seed-demo", "--guardians", "10", "--replace")
    assert replace.exit_code == 1
    assert "not a demo" in replace.output and "nothing was changed" in replace.output
    assert _counts(db) == before
    plain = _run(db, "db", "seed-demo", "--guardians", "10")
    assert plain.exit_code == 1 and "not a demo" in plain.output
    assert _counts(db) == before


def test_seed_demo_never_wipes_a_district_still_being_set_up(db: Database) -> None:
    """Staff and an audit trail but no roster yet: not empty, and not a demo."""
    _trail(db, 3)
    before = _counts(db)
    for args in ([], ["--replace"]):
        result = _run(db, "db", "seed-demo", "--guardians", "10", *args)
        assert result.exit_code == 1 and "not a demo" in result.output, result.output
    assert _counts(db) == before


def test_seed_demo_replace_rebuilds_a_demo(db: Database) -> None:
    first = _run(db, "db", "seed-demo", "--guardians", "20")
    assert first.exit_code == 0, first.output
    [(is_demo, built_at)] = _demo_marks(db)
    assert is_demo and built_at is not None
    again = _run(db, "db", "seed-demo", "--guardians", "30", "--replace")
    assert again.exit_code == 0, again.output
    assert _count(db, Guardian) == 30
    [(is_demo, rebuilt_at)] = _demo_marks(db)
    assert is_demo and rebuilt_at is not None and rebuilt_at >= built_at


def test_a_demo_is_marked_complete_only_after_its_last_batch(db: Database) -> None:
    seen: list[list[tuple[bool, object]]] = []
    seed_demo_district(
        db, guardians=30, seed=1, now=SEED_NOW, progress=lambda _n: seen.append(_demo_marks(db))
    )
    assert seen and all(marks == [(True, None)] for marks in seen)
    [(is_demo, built_at)] = _demo_marks(db)
    assert is_demo and built_at == SEED_NOW


def test_seed_demo_on_an_interrupted_demo_says_so(db: Database) -> None:
    seed_demo_district(db, guardians=20, seed=1, now=SEED_NOW)
    _interrupt(db)
    with pytest.raises(DemoIncomplete):
        seed_demo_district(db, guardians=20, seed=1, now=SEED_NOW)
    result = _run(db, "db", "seed-demo", "--guardians", "20")
    assert result.exit_code == 1
    assert "interrupted" in result.output and "--replace" in result.output
    assert _run(db, "db", "seed-demo", "--guardians", "20", "--replace").exit_code == 0
    [(is_demo, built_at)] = _demo_marks(db)
    assert is_demo and built_at is not None


# -- helpdesk demo ---------------------------------------------------------------------
@pytest.fixture
def opened(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """`helpdesk demo` up to the point it would open the app: the databases it opened."""
    import helpdesk_tui.cli.app_commands as app_commands

    calls: list[str] = []
    monkeypatch.setattr(
        app_commands, "run_app", lambda database, **_: calls.append(str(database.url))
    )
    return calls


def _demo_database(data_dir: Path) -> Database:
    database = Database(build_engine(f"sqlite:///{data_dir / 'demo.sqlite3'}"))
    migrate.upgrade(database.engine)
    return database


def _helpdesk_demo(data_dir: Path, *args: str):  # type: ignore[no-untyped-def]
    env = {"HELPDESK_DATA_DIR": str(data_dir), "HELPDESK_DATABASE_URL": ""}
    return CliRunner().invoke(main, ["demo", "--guardians", "20", *args], env=env)


def test_helpdesk_demo_rebuilds_an_interrupted_demo(tmp_path, opened) -> None:  # type: ignore[no-untyped-def]
    demo = _demo_database(tmp_path)
    seed_demo_district(demo, guardians=25, seed=1, now=SEED_NOW)
    _interrupt(demo)
    result = _helpdesk_demo(tmp_path)
    assert result.exit_code == 0, result.output
    assert "interrupted" in result.output and len(opened) == 1
    assert _count(demo, Guardian) == 20
    [(is_demo, built_at)] = _demo_marks(demo)
    assert is_demo and built_at is not None


def test_helpdesk_demo_reset_is_refused_on_a_real_district(tmp_path, opened) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    demo = _demo_database(data)
    before = _real_district(demo, tmp_path)
    result = _helpdesk_demo(data, "--reset")
    assert result.exit_code == 1 and "not a demo" in result.output
    assert opened == [] and _counts(demo) == before


# -- kill -9 part-way, for real --------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_seed_killed_part_way_is_seen_as_interrupted(
    backend, tmp_path, pg_databases, opened
) -> None:  # type: ignore[no-untyped-def]
    if backend == "sqlite":
        database = _demo_database(tmp_path)  # where `helpdesk demo` looks
    else:
        require_pg()
        database = Database(build_engine(pg_databases.create()))
        migrate.upgrade(database.engine)
    url = database.engine.url.render_as_string(hide_password=False)
    seeding = subprocess.Popen(
        [sys.executable, "-m", "helpdesk_tui", "-v", "--database-url", url]
        + ["db", "seed-demo", "--guardians", "15000"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "HELPDESK_DATA_DIR": str(tmp_path)},
    )
    assert seeding.stderr is not None
    for line in seeding.stderr:  # the log says when the first batch is written
        if "demo: batch written" in line:
            break
    seeding.send_signal(signal.SIGKILL)
    assert seeding.wait() == -signal.SIGKILL
    # Part of the district is there: its settings, schools and staff on both; on SQLite
    # the first batch of guardians too (PostgreSQL's bulk load commits them together).
    written = _count(database, Guardian)
    assert _count(database, School) == 22 and _count(database, Staff) == 3
    assert written < 15000 and (written > 0 or backend == "postgresql")
    assert _demo_marks(database) == [(True, None)]
    refused = _run(database, "db", "seed-demo", "--guardians", "20")
    assert refused.exit_code == 1 and "interrupted" in refused.output
    if backend == "sqlite":
        rebuilt = _helpdesk_demo(tmp_path)
        assert rebuilt.exit_code == 0 and "interrupted" in rebuilt.output, rebuilt.output
        assert len(opened) == 1
    else:
        rebuilt = _run(database, "db", "seed-demo", "--guardians", "20", "--replace")
        assert rebuilt.exit_code == 0, rebuilt.output
    assert _count(database, Guardian) == 20
    [(is_demo, built_at)] = _demo_marks(database)
    assert is_demo and built_at is not None
    checked = _run(database, "db", "check")  # indexes lifted for the load are back
    assert checked.exit_code == 0, checked.output
    database.dispose()

"""What the helpdesk leaves on disk is its user's alone: the data folder (0700), the
embedded database with its -wal and -shm (0600), the log and its rotated copies,
demo mail and report exports. Files an older version left readable to others are
tightened when opened, with one warning in the log."""

import logging
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from helpdesk_tui.cli import main
from helpdesk_tui.data.engine import Database, build_engine
from helpdesk_tui.logs import configure_logging, stop_logging
from helpdesk_tui.services.mail import EmlFolderTransport


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """What most systems give a user: new files 0644, new folders 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def write_something(database: Database) -> None:
    with database.write() as session:
        session.connection().execute(text("CREATE TABLE IF NOT EXISTS t (x TEXT)"))
        session.connection().execute(text("INSERT INTO t VALUES ('a')"))


def test_a_new_embedded_database_and_its_folder_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new-folder" / "helpdesk.sqlite3"
    database = Database(build_engine(f"sqlite:///{path}"))
    try:
        write_something(database)
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        assert mode(path.parent) == 0o700
    finally:
        database.dispose()


def test_an_existing_database_left_readable_is_tightened_once_with_a_warning(
    tmp_path: Path, caplog
) -> None:
    path = tmp_path / "old.sqlite3"
    first = Database(build_engine(f"sqlite:///{path}"))
    write_something(first)  # leaves a -wal and -shm while it stays open
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        os.chmod(f, 0o644)
    with caplog.at_level(logging.WARNING, logger="helpdesk_tui"):
        second = Database(build_engine(f"sqlite:///{path}"))
        write_something(second)
        third = Database(build_engine(f"sqlite:///{path}"))
    try:
        for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert mode(f) == 0o600, f
        warnings = [r.getMessage() for r in caplog.records if "permissions" in r.getMessage()]
        assert len(warnings) == 3 and all("0644" in w and "0600" in w for w in warnings)
    finally:
        for database in (first, second, third):
            database.dispose()


def test_the_log_and_its_rotated_copies_are_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = configure_logging(data)
    try:
        handler = next(
            h for h in logging.getLogger("helpdesk_tui").handlers if hasattr(h, "maxBytes")
        )
        handler.maxBytes = 200  # type: ignore[attr-defined]
        for n in range(20):
            logging.getLogger("helpdesk_tui.test").info("line %d %s", n, "x" * 50)
    finally:
        stop_logging()
    logs = sorted(path.parent.iterdir())
    assert len(logs) > 2  # it rotated
    assert {p.name: mode(p) for p in logs} == {p.name: 0o600 for p in logs}
    assert mode(path.parent) == 0o700 and mode(data) == 0o700


def test_the_command_line_tightens_the_data_folder_and_the_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    database = data / "helpdesk.sqlite3"
    Database(build_engine(f"sqlite:///{database}")).dispose()
    os.chmod(database, 0o644)
    result = CliRunner().invoke(
        main, ["db", "upgrade"], env={"HELPDESK_DATA_DIR": str(data), "HELPDESK_DATABASE_URL": ""}
    )
    assert result.exit_code == 0, result.output
    assert (mode(data), mode(database)) == (0o700, 0o600)
    log = (data / "logs" / "helpdesk.log").read_text()
    for path in (data, database):  # said once each, in the log
        assert (
            log.count(f"tightened the permissions of {path} from 0755")
            + log.count(f"tightened the permissions of {path} from 0644")
            == 1
        ), log


def test_demo_mail_holding_keys_is_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "demo-mail"
    message = EmailMessage()
    message["Message-ID"] = "<abc@helpdesk.invalid>"
    message["Date"] = datetime.now(UTC).isoformat()
    message.set_content("Your key: {E69293F4-1CB5-4E29-8F1E-EEF6FF3BB7F7}")
    EmlFolderTransport(folder).send(message)
    [eml] = folder.iterdir()
    assert (mode(folder), mode(eml)) == (0o700, 0o600)


def test_a_data_folder_shared_by_all_users_is_never_tightened(tmp_path: Path) -> None:
    """HELPDESK_DATA_DIR pointed at a folder every user shares, like /tmp (mode 1777):
    the app made it 0700 and broke every other program using it (a mail server's
    auth process, here, could no longer read its files). The folder stays as it is,
    with a warning; what the app writes in it is still owner-only."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    result = CliRunner().invoke(
        main, ["db", "upgrade"], env={"HELPDESK_DATA_DIR": str(shared), "HELPDESK_DATABASE_URL": ""}
    )
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o1777
    assert mode(shared / "helpdesk.sqlite3") == 0o600
    log = (shared / "logs" / "helpdesk.log").read_text()
    assert f"{shared} is a folder all users share" in log

"""The app writes the day's audit anchor to its data dir, once a day, readable only by
its user; `helpdesk audit verify --anchor` checks the trail against that file."""

import json

from sqlmodel import func, select

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.config import Settings
from helpdesk_tui.data.tables import AuditEvent
from tests.ui.helpers import SIZE, make_app, settle
from tests.unit.test_cli import _run


async def test_the_app_writes_one_audit_anchor_a_day(sqlite_seeded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(database_url="", data_dir=tmp_path, config_file=tmp_path / "none.toml")
    app = HelpdeskApp(sqlite_seeded, demo=False, settings=settings, timers=False)
    async with app.run_test(size=SIZE) as pilot:
        app.jobs.write_audit_anchor()
        await settle(pilot)
        app.jobs.write_audit_anchor()  # the same day: nothing more
        await settle(pilot)
    [path] = tmp_path.glob("audit-anchors-*.jsonl")
    [line] = path.read_text().splitlines()
    with sqlite_seeded.read() as session:
        rows = session.exec(select(func.count()).select_from(AuditEvent)).one()
    assert json.loads(line)["rows"] == rows
    assert path.stat().st_mode & 0o777 == 0o600
    verified = _run(sqlite_seeded, "audit", "verify", "--anchor", str(path))
    assert verified.exit_code == 0 and "It extends the anchor in" in verified.output


async def test_a_demo_desk_writes_no_anchor(sqlite_seeded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(database_url="", data_dir=tmp_path, config_file=tmp_path / "none.toml")
    app = make_app(sqlite_seeded, settings=settings)  # a demo, rebuilt at will
    async with app.run_test(size=SIZE) as pilot:
        app.jobs.write_audit_anchor()
        await settle(pilot)
    assert list(tmp_path.glob("audit-anchors-*")) == []

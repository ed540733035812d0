"""The desk policy (staff lockout, idle lock) is shown and changed from the CLI."""

import json

from click.testing import CliRunner
from sqlmodel import col, select

from helpdesk_tui.cli import main
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent, DistrictSettings


def test_a_supervisor_sets_the_desk_policy_and_it_is_audited(action_db: Database) -> None:
    before = _policy_changes(action_db)
    runner = CliRunner()
    url = ["--database-url", action_db.engine.url.render_as_string(hide_password=False)]
    env = {"HELPDESK_STAFF_PASSWORD": "demo-password"}
    changed = runner.invoke(
        main,
        [
            *url,
            "policy",
            "set",
            "--staff-lockout",
            "7",
            "--desk-idle-minutes",
            "4",
            "--staff",
            "demo-supervisor",
            "--json",
        ],
        env=env,
    )
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["desks"] == {"lockout_threshold": 7, "idle_lock_minutes": 4}
    with action_db.read() as session:
        row = session.get(DistrictSettings, 1)
        assert row is not None
        assert (row.staff_lockout_threshold, row.desk_idle_lock_minutes) == (7, 4)
    # Only the desk part changed, so only it is audited.
    assert _policy_changes(action_db)[len(before) :] == [
        "now: a staff account locks after 7 wrong passwords in a row; an idle desk locks after 4 min"
    ]
    shown = runner.invoke(main, [*url, "policy"])
    assert "an idle desk locks after 4 min" in shown.stdout


def _policy_changes(database: Database) -> list[str]:
    with database.read() as session:
        return list(
            session.exec(
                select(AuditEvent.reason)
                .where(col(AuditEvent.action) == "policy_changed")
                .order_by(col(AuditEvent.id))
            ).all()
        )


def _idle_minutes(database: Database) -> int:
    with database.read() as session:
        row = session.get(DistrictSettings, 1)
        assert row is not None
        return row.desk_idle_lock_minutes


def test_an_agent_cannot_change_the_desk_policy(action_db: Database) -> None:
    before = _idle_minutes(action_db)
    result = CliRunner().invoke(
        main,
        [
            "--database-url",
            action_db.url,
            "policy",
            "set",
            "--desk-idle-minutes",
            "120",
            "--staff",
            "demo-agent",
        ],
        env={"HELPDESK_STAFF_PASSWORD": "demo-password"},
    )
    assert result.exit_code == 1
    assert "Only a supervisor" in result.output
    assert _idle_minutes(action_db) == before != 120

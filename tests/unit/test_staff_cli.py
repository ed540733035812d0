"""`helpdesk staff list` and `helpdesk staff unlock`: a supervisor sees a locked account
and unlocks it from the command line; anyone else is refused (exit 1)."""

import json

import pytest

from helpdesk_tui.data.engine import Database
from tests.unit.staff_helpers import fresh_copy, lock_out, staff_row
from tests.unit.test_cli import _run

SUPERVISOR = {"HELPDESK_STAFF": "demo-supervisor", "HELPDESK_STAFF_PASSWORD": "demo-password"}
AGENT = {"HELPDESK_STAFF": "demo-agent", "HELPDESK_STAFF_PASSWORD": "demo-password"}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest) -> Database:
    return fresh_copy(request, request.param)


def test_a_supervisor_finds_the_locked_account_and_unlocks_it(fresh_db: Database) -> None:
    lock_out(fresh_db, "demo-clerk")
    listed = _run(fresh_db, "staff", "list", env=SUPERVISOR)
    assert listed.exit_code == 0, listed.output
    clerk_line = next(line for line in listed.output.splitlines() if "demo-clerk" in line)
    assert "LOCKED since" in clerk_line and "Carmen Ibáñez" in clerk_line
    as_json = json.loads(_run(fresh_db, "staff", "list", "--json", env=SUPERVISOR).stdout)
    clerk = next(a for a in as_json["staff"] if a["username"] == "demo-clerk")
    assert clerk["failed_sign_ins"] == 5 and clerk["locked_at"]

    refused = _run(fresh_db, "staff", "unlock", "demo-clerk", "--reason", "asked", env=AGENT)
    assert refused.exit_code == 1 and "Only a supervisor" in refused.stderr
    assert staff_row(fresh_db, "demo-clerk").locked_at is not None

    done = _run(
        fresh_db, "staff", "unlock", "demo-clerk", "--reason", "Called, ID checked", env=SUPERVISOR
    )
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == "Unlocked demo-clerk: they can sign in again."
    assert staff_row(fresh_db, "demo-clerk").locked_at is None


def test_the_staff_list_needs_a_supervisor(fresh_db: Database) -> None:
    refused = _run(fresh_db, "staff", "list", env=AGENT)
    assert refused.exit_code == 1 and "Only a supervisor" in refused.stderr


def test_a_wrong_password_on_the_command_line_counts_like_at_a_desk(fresh_db: Database) -> None:
    wrong = {**SUPERVISOR, "HELPDESK_STAFF_PASSWORD": "not-it"}
    for _ in range(2):
        assert _run(fresh_db, "staff", "list", env=wrong).exit_code == 1
    assert staff_row(fresh_db, "demo-supervisor").failed_sign_ins == 2

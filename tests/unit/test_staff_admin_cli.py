"""`helpdesk staff disable|enable|set-role|reset-password` and the last sign-in in
`staff list`: a supervisor's changes from the command line, what the person then finds
when signing in, and the exit codes of refusals (1) and usage errors (2)."""

import json
import re

import pytest

from helpdesk_tui.data.engine import Database
from helpdesk_tui.services.staff import NEW_PASSWORD_NEEDED, SIGN_IN_FAILED
from tests.unit.staff_helpers import fresh_copy, staff_row
from tests.unit.test_cli import _run

SUPERVISOR = {"HELPDESK_STAFF": "demo-supervisor", "HELPDESK_STAFF_PASSWORD": "demo-password"}
AGENT = {"HELPDESK_STAFF": "demo-agent", "HELPDESK_STAFF_PASSWORD": "demo-password"}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest) -> Database:
    return fresh_copy(request, request.param)


def test_a_disabled_agent_is_refused_until_enabled(fresh_db: Database) -> None:
    done = _run(fresh_db, "staff", "disable", "demo-agent", "--reason", "Left", env=SUPERVISOR)
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == "Disabled demo-agent: they can no longer sign in."
    refused = _run(fresh_db, "staff", "list", env=AGENT)
    assert refused.exit_code == 1 and SIGN_IN_FAILED in " ".join(refused.stderr.split())
    listed = _run(fresh_db, "staff", "list", env=SUPERVISOR)
    agent_line = next(line for line in listed.stdout.splitlines() if "demo-agent" in line)
    assert agent_line.rstrip().endswith("disabled, 1 failed sign-in in a row")

    again = _run(fresh_db, "staff", "enable", "demo-agent", "--reason", "Back", env=SUPERVISOR)
    assert again.exit_code == 0 and "Enabled demo-agent" in again.stdout
    assert staff_row(fresh_db).active is True


def test_refusals_exit_1_and_usage_errors_exit_2(fresh_db: Database) -> None:
    by_agent = _run(fresh_db, "staff", "disable", "demo-clerk", "--reason", "x", env=AGENT)
    assert by_agent.exit_code == 1 and "Only a supervisor" in by_agent.stderr
    myself = _run(fresh_db, "staff", "disable", "demo-supervisor", "--reason", "x", env=SUPERVISOR)
    assert myself.exit_code == 1 and "cannot disable your own account" in myself.stderr
    last = _run(fresh_db, "staff", "set-role", "demo-supervisor", "--role", "agent", env=SUPERVISOR)
    assert last.exit_code == 1 and "last supervisor who can sign in" in last.stderr
    nobody = _run(fresh_db, "staff", "enable", "no-such-person", "--reason", "x", env=SUPERVISOR)
    assert nobody.exit_code == 1 and "No staff account is named no-such-person" in nobody.stderr
    no_reason = _run(fresh_db, "staff", "disable", "demo-agent", env=SUPERVISOR)
    assert no_reason.exit_code == 2
    bad_role = _run(fresh_db, "staff", "set-role", "demo-agent", "--role", "boss", env=SUPERVISOR)
    assert bad_role.exit_code == 2
    assert staff_row(fresh_db, "demo-supervisor").role == "supervisor"
    assert staff_row(fresh_db).active is True


def test_set_role_moves_a_clerk_and_makes_an_agent_a_clerk(fresh_db: Database) -> None:
    no_school = _run(fresh_db, "staff", "set-role", "demo-agent", "--role", "clerk", env=SUPERVISOR)
    assert no_school.exit_code == 1 and "give its code" in no_school.stderr
    made = _run(
        fresh_db,
        "staff",
        "set-role",
        "demo-agent",
        "--role",
        "clerk",
        "--school",
        "102",
        "--json",
        env=SUPERVISOR,
    )
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["message"] == (
        "demo-agent is now a school clerk at Maplebrook Elementary School (102)."
    )
    assert staff_row(fresh_db).role == "clerk" and staff_row(fresh_db).school_id is not None


def test_reset_password_prints_a_temporary_one_that_only_the_app_accepts(
    fresh_db: Database,
) -> None:
    done = _run(
        fresh_db, "staff", "reset-password", "demo-agent", "--reason", "Forgot", env=SUPERVISOR
    )
    assert done.exit_code == 0, done.output
    found = re.search(r"Temporary password \(shown only now\): (\S+)", done.stdout)
    assert found is not None, done.stdout
    temporary = found.group(1)
    assert re.fullmatch(r"[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}", temporary)
    assert staff_row(fresh_db).must_change_password

    old = _run(fresh_db, "staff", "list", env=AGENT)
    assert old.exit_code == 1 and SIGN_IN_FAILED in " ".join(old.stderr.split())
    with_temp = {"HELPDESK_STAFF": "demo-agent", "HELPDESK_STAFF_PASSWORD": temporary}
    refused = _run(fresh_db, "staff", "list", env=with_temp)
    assert refused.exit_code == 1
    assert NEW_PASSWORD_NEEDED in " ".join(refused.stderr.split())
    assert staff_row(fresh_db).must_change_password, "still to be changed, in the app"


def test_the_list_shows_the_last_sign_in(fresh_db: Database) -> None:
    listed = _run(fresh_db, "staff", "list", "--json", env=SUPERVISOR)
    assert listed.exit_code == 0, listed.output
    accounts = {a["username"]: a for a in json.loads(listed.stdout)["staff"]}
    # The supervisor signed in to run the command: that is their last sign-in.
    assert accounts["demo-supervisor"]["last_signed_in_at"] is not None
    text = _run(fresh_db, "staff", "list", env=SUPERVISOR).stdout
    line = next(line for line in text.splitlines() if "demo-supervisor" in line)
    assert re.search(r"last sign-in \d{4}-\d\d-\d\d \d\d:\d\d UTC", line), line

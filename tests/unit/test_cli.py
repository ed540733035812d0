"""The command line: what a script or a curious agent gets, its exit codes (0 done,
1 refused or failed, 2 usage error, 3 database or mail server unreachable), -h, --json
and -v."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlmodel import Session

from helpdesk_tui.cli import main
from helpdesk_tui.data.engine import Database, build_engine
from helpdesk_tui.data.schema_version import is_up_to_date
from helpdesk_tui.data.tables import Guardian
from tests.conftest import require_pg


def _run(database: Database, *args: str, env: dict[str, str] | None = None) -> Result:
    url = database.engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(main, ["--database-url", url, *args], env=env, catch_exceptions=False)


STAFF_ENV = {"HELPDESK_STAFF": "demo-agent", "HELPDESK_STAFF_PASSWORD": "demo-password"}
FIRST_IMPORT = [
    "--portal-url",
    "https://portal.example.org",
    "--helpdesk-email",
    "help@example.org",
    "--helpdesk-phone",
    "(630) 555-0100",
]


def test_guardians_search_json_matches_the_service(seeded_db: Database) -> None:
    result = _run(
        seeded_db, "guardians", "search", "MUNOZ", "--json", "--limit", "3", env=STAFF_ENV
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["results"]) == 3 and data["more"] is True
    for row in data["results"]:
        names = [row["name"], *(student["name"] for student in row["students"])]
        assert any("Muñoz" in name for name in names), row


def test_guardians_search_table_output(seeded_db: Database) -> None:
    with seeded_db.read() as session:
        guardian = session.exec(select(Guardian).where(Guardian.id == 1)).first()[0]
    result = _run(
        seeded_db,
        "guardians",
        "search",
        f"{guardian.last_name} {guardian.first_name}",
        env=STAFF_ENV,
    )
    assert result.exit_code == 0
    assert f"{guardian.first_name} {guardian.last_name}" in result.output


def test_guardians_search_refuses_a_bad_password_and_bad_input(seeded_db: Database) -> None:
    bad = _run(
        seeded_db,
        "guardians",
        "search",
        "munoz",
        env={**STAFF_ENV, "HELPDESK_STAFF_PASSWORD": "nope"},
    )
    assert bad.exit_code == 1 and "do not match" in bad.output
    long = _run(seeded_db, "guardians", "search", "x" * 10_000, env=STAFF_ENV)
    assert long.exit_code == 1 and "at most 100" in long.output


def test_db_check_says_models_and_migrations_agree(seeded_db: Database) -> None:
    result = _run(seeded_db, "db", "check")
    assert result.exit_code == 0 and "agree" in result.output


def test_seed_demo_refuses_a_populated_database(seeded_db: Database) -> None:
    result = _run(seeded_db, "db", "seed-demo", "--guardians", "10")
    assert result.exit_code == 1 and "--replace" in result.output


def test_opening_the_app_on_a_database_without_staff_says_what_to_do(db: Database) -> None:
    result = _run(db)
    assert result.exit_code == 1
    assert "holds no staff accounts yet" in result.output and "helpdesk demo" in result.output


def test_the_embedded_database_upgrades_itself_then_seeds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    result = CliRunner().invoke(
        main, ["--database-url", url, "db", "seed-demo", "--guardians", "25"]
    )
    assert result.exit_code == 0, result.output
    engine = build_engine(url)
    assert is_up_to_date(engine)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Guardian)).scalar_one() == 25


def test_a_shared_server_is_not_upgraded_behind_anyones_back(pg_databases) -> None:  # type: ignore[no-untyped-def]
    require_pg()
    url = pg_databases.create()
    refused = CliRunner().invoke(
        main, ["--database-url", url, "guardians", "search", "x"], env=STAFF_ENV
    )
    assert refused.exit_code == 1 and "helpdesk db upgrade" in refused.output
    upgraded = CliRunner().invoke(main, ["--database-url", url, "db", "upgrade"])
    assert upgraded.exit_code == 0 and "Schema at" in upgraded.output
    assert is_up_to_date(build_engine(url))


def test_close_stale_prints_json(action_db: Database) -> None:
    result = _run(action_db, "tickets", "close-stale", "--days", "60", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["days"] == 60 and isinstance(record["closed"], list)


def test_portal_commands_redeem_sign_in_and_refuse_with_exit_1(action_db: Database) -> None:
    from tests.recovery import demo_key_of, pick_guardian

    guardian = pick_guardian(action_db, account="none", key_status="active")
    key = demo_key_of(action_db, guardian.id, "active").lower()
    env = {"HELPDESK_PORTAL_PASSWORD": "Cli#Pass2026"}
    made = _run(action_db, "portal", "redeem", key, "--username", "CliParent1", env=env)
    assert made.exit_code == 0, made.output
    assert f"Login CliParent1 created for {guardian.first_name}" in made.output
    assert key not in made.output.lower()
    again = _run(action_db, "portal", "redeem", key, "--username", "CliParent2", env=env)
    assert again.exit_code == 1 and "already been used" in again.output
    signed = _run(action_db, "portal", "login", "cliparent1", "--ip", "192.0.2.1", env=env)
    assert signed.exit_code == 0 and "previous sign-in: never" in signed.output
    again_json = _run(action_db, "portal", "login", "CLIPARENT1", "--json", env=env)
    record = json.loads(again_json.stdout)
    assert record["username"] == "CliParent1" and record["kind"] == "guardian"
    assert record["last_login_at"].startswith("20")  # an ISO date: the sign-in just above
    wrong = _run(action_db, "portal", "login", "cliparent1", env={"HELPDESK_PORTAL_PASSWORD": "x"})
    assert wrong.exit_code == 1 and "do not match" in wrong.output
    forgot = _run(action_db, "portal", "forgot-password", "nobody1")
    assert forgot.exit_code == 0 and "If that matches" in forgot.output


def test_import_oneroster_prints_counts_problems_and_exit_codes(db: Database, tmp_path) -> None:
    from tests.oneroster_helpers import edit, export_copy

    export = export_copy(tmp_path)
    no_district = _run(db, "import", "oneroster", str(export))
    assert no_district.exit_code == 1 and "--portal-url" in no_district.output
    dry = _run(db, "import", "oneroster", str(export), "--dry-run", *FIRST_IMPORT)
    assert dry.exit_code == 0, dry.output
    assert "guardians       6 added" in dry.output and "DRY RUN" in dry.output
    done = _run(db, "import", "oneroster", str(export), *FIRST_IMPORT)
    assert done.exit_code == 0 and "Changed:" in done.output
    again = _run(db, "import", "oneroster", str(export))
    assert "Nothing to change" in again.output
    edit(export, "users.csv", "liam@example.net", "liam at example")
    bad = _run(db, "import", "oneroster", str(export))
    assert bad.exit_code == 1
    assert "NOT IMPORTED: 1 problem," in bad.output and "users.csv line 10: email" in bad.output


def test_export_demo_writes_a_zip_that_imports(db: Database, tmp_path) -> None:
    target = tmp_path / "district.zip"
    made = CliRunner().invoke(
        main, ["db", "export-demo", str(target), "--guardians", "50", "--version", "1.1"]
    )
    assert made.exit_code == 0 and "50 guardians" in made.output
    refused = CliRunner().invoke(main, ["db", "export-demo", str(target)])
    assert refused.exit_code == 2 and "already exists" in refused.output
    imported = _run(db, "import", "oneroster", str(target), *FIRST_IMPORT)
    assert imported.exit_code == 0 and "guardians       50 added" in imported.output


# -- conventions: -h, exit codes, --json, -v ------------------------------------------
def test_h_works_on_every_level_and_the_help_lists_the_exit_codes() -> None:
    top = CliRunner().invoke(main, ["-h"])
    assert top.exit_code == 0 and "Exit codes:" in top.output
    for line in ("0  done", "1  refused or failed", "2  usage error", "3  cannot reach"):
        assert line in top.output
    assert "-v, --verbose" in top.output
    group = CliRunner().invoke(main, ["mail", "-h"])
    assert group.exit_code == 0 and "send" in group.output and "status" in group.output
    command = CliRunner().invoke(main, ["mail", "status", "-h"])
    assert command.exit_code == 0 and "--json" in command.output and "--demo" in command.output


def test_a_usage_error_exits_2_and_a_refusal_exits_1(seeded_db: Database, tmp_path: Path) -> None:
    unknown = _run(seeded_db, "mail", "status", "--no-such-option")
    assert unknown.exit_code == 2 and "No such option" in unknown.output
    missing = _run(seeded_db, "guardians", "search", env=STAFF_ENV)
    assert missing.exit_code == 2 and "Missing argument 'QUERY'" in missing.output
    clerk = {"HELPDESK_STAFF": "demo-clerk", "HELPDESK_STAFF_PASSWORD": "demo-password"}
    refused = _run(seeded_db, "policy", "set", "--pass-minutes", "5", env=clerk)
    assert refused.exit_code == 1 and "Only a supervisor" in refused.stderr
    assert refused.stdout == ""
    config = tmp_path / "helpdesk.toml"
    config.write_text("database_url = \n")
    unreadable = _run(seeded_db, "mail", "status", env={"HELPDESK_CONFIG": str(config)})
    assert unreadable.exit_code == 1 and "is not valid TOML" in unreadable.stderr


@pytest.mark.parametrize("where", ["postgresql", "sqlite"])
def test_an_unreachable_database_exits_3_and_says_what_to_check(where: str, tmp_path: Path) -> None:
    url = (
        "postgresql+psycopg://postgres:pg-secret-9@127.0.0.1:1/x"
        if where == "postgresql"
        else f"sqlite:///{tmp_path}"  # a folder, not a database file
    )
    for args in (["mail", "status"], ["guardians", "search", "x"], ["db", "upgrade"]):
        result = CliRunner().invoke(main, ["--database-url", url, *args], env=STAFF_ENV)
        assert result.exit_code == 3, (args, result.output)
        assert "Cannot " in result.stderr and "the database" in result.stderr
        assert "Check the URL" in result.stderr and "Traceback" not in result.output
        assert "pg-secret-9" not in result.output and "demo-password" not in result.output


def test_a_mail_server_that_refuses_exits_3_and_keeps_the_message(db: Database) -> None:
    from tests.support.smtp_server import free_port
    from tests.unit.test_mail_delivery import queue_key_mail

    queue_key_mail(db)
    env = {"HELPDESK_SMTP_HOST": "127.0.0.1", "HELPDESK_SMTP_PORT": str(free_port())}
    refused = _run(db, "mail", "send", env=env)
    assert refused.exit_code == 3, refused.output
    assert refused.stdout.startswith("Sent 0; 1 waiting")
    assert "Delivery stopped" in refused.stderr and "will be retried" in refused.stderr
    queue_key_mail(db)  # the first now waits out its backoff; this one is due
    as_json = _run(db, "mail", "send", "--json", env=env)
    assert as_json.exit_code == 3
    record = json.loads(as_json.stdout)
    assert record["delivery"]["sent"] == 0 and "refused" in record["delivery"]["error"].lower()
    assert record["outbox"]["pending"] == 2
    status = json.loads(_run(db, "mail", "status", "--json").stdout)
    assert status == {"pending": 2, "sending": 0, "sent": 0, "failed": 0}


def test_json_on_policy_audit_and_search_holds_the_records(seeded_db: Database) -> None:
    policy = _run(seeded_db, "policy", "--json")
    assert policy.exit_code == 0
    record = json.loads(policy.stdout)
    assert set(record) == {"verification", "desks"}
    assert set(record["verification"]) == {
        "screening_required",
        "proofs",
        "pass_minutes",
        "failure_limit",
    }
    assert set(record["desks"]) == {"lockout_threshold", "idle_lock_minutes"}
    assert isinstance(record["verification"]["proofs"], list) and record["verification"]["proofs"]
    audit = json.loads(_run(seeded_db, "audit", "verify", "--json").stdout)
    assert audit["ok"] is True and audit["first_broken_id"] is None and audit["head_hash"]
    search = _run(seeded_db, "guardians", "search", "Muñoz", "--json", env=STAFF_ENV)
    assert "\\u00f1" not in search.stdout  # ensure_ascii=False: names stay readable
    assert json.loads(search.stdout)["query"] == "Muñoz"


def test_import_oneroster_dry_run_json_reports_and_changes_nothing(db: Database) -> None:
    export = Path(__file__).parents[1] / "fixtures" / "oneroster" / "v1.2"
    result = _run(db, "import", "oneroster", str(export), "--dry-run", "--json", *FIRST_IMPORT)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # the progress bars went to stderr
    assert report["version"] == "1.2" and report["dry_run"] is True and not report["applied"]
    assert report["counts"]["guardian"]["added"] > 0 and report["problems"] == []
    assert {"modes", "notes", "problem_count", "samples"} <= set(report)
    with db.read() as session:
        assert session.exec(select(func.count()).select_from(Guardian)).scalar_one() == 0


def test_staff_add_prints_json_and_never_the_password(db: Database) -> None:
    env = {"HELPDESK_NEW_STAFF_PASSWORD": "First#Boss2026"}
    boss = ["boss1", "--name", "Ana Jefe", "--role", "supervisor"]
    made = _run(db, "staff", "add", *boss, "--json", env=env)
    assert made.exit_code == 0, made.output
    record = json.loads(made.stdout)
    assert record["username"] == "boss1" and record["role"] == "supervisor"
    assert "First#Boss2026" not in made.output
    second = _run(db, "staff", "add", "x1", "--name", "X", "--role", "agent", env=env)
    assert second.exit_code == 1 and "sign in as a supervisor" in second.stderr


def test_verbose_logs_to_stderr_and_the_log_file_never_a_password(
    seeded_db: Database, tmp_path: Path
) -> None:
    env = {**STAFF_ENV, "HELPDESK_DATA_DIR": str(tmp_path)}
    quiet = _run(seeded_db, "guardians", "search", "munoz", "--json", env=env)
    assert quiet.stderr == ""
    loud = _run(seeded_db, "-v", "guardians", "search", "munoz", "--json", env=env)
    assert loud.exit_code == 0
    assert "INFO" in loud.stderr and "helpdesk_tui.cli" in loud.stderr
    assert json.loads(loud.stdout)["results"]  # the logs stayed off stdout
    log_file = tmp_path / "logs" / "helpdesk.log"
    assert log_file.exists() and "signing in as demo-agent" in log_file.read_text()
    assert "demo-password" not in log_file.read_text() + loud.stderr


def test_an_upgrade_that_fails_says_so_and_changes_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A migration refused by the database (here, a column someone added by hand) ended
    `helpdesk db upgrade` with a traceback; it says what failed and that nothing changed."""
    from sqlalchemy import text

    from helpdesk_tui.data import migrate

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = build_engine(url)
    migrate.upgrade(engine, "0006")
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE staff ADD COLUMN must_change_password BOOLEAN"))
    result = CliRunner().invoke(main, ["--database-url", url, "db", "upgrade"])
    assert result.exit_code == 1, result.output
    assert "The upgrade from 0006 to" in result.output
    assert "failed, and nothing was changed: duplicate column name" in result.output
    assert "Traceback" not in result.output
    assert migrate.current_revision(engine) == "0006"

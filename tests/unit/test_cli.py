"""The command line: what a script or a curious agent gets."""

import json

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from helpdesk_tui.cli import main
from helpdesk_tui.data.engine import Database, build_engine
from helpdesk_tui.data.schema_version import is_up_to_date
from helpdesk_tui.data.tables import Guardian
from tests.conftest import require_pg


def _run(database: Database, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    url = database.engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(main, ["--database-url", url, *args], env=env, catch_exceptions=False)


STAFF_ENV = {"HELPDESK_STAFF": "demo-agent", "HELPDESK_STAFF_PASSWORD": "demo-password"}


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
    assert bad.exit_code == 2 and "do not match" in bad.output
    long = _run(seeded_db, "guardians", "search", "x" * 10_000, env=STAFF_ENV)
    assert long.exit_code == 2 and "at most 100" in long.output


def test_db_check_says_models_and_migrations_agree(seeded_db: Database) -> None:
    result = _run(seeded_db, "db", "check")
    assert result.exit_code == 0 and "agree" in result.output


def test_seed_demo_refuses_a_populated_database(seeded_db: Database) -> None:
    result = _run(seeded_db, "db", "seed-demo", "--guardians", "10")
    assert result.exit_code == 2 and "--replace" in result.output


def test_opening_the_app_on_a_database_without_staff_says_what_to_do(db: Database) -> None:
    result = _run(db)
    assert result.exit_code == 2
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
    assert refused.exit_code == 2 and "helpdesk db upgrade" in refused.output
    upgraded = CliRunner().invoke(main, ["--database-url", url, "db", "upgrade"])
    assert upgraded.exit_code == 0 and "Schema at" in upgraded.output
    assert is_up_to_date(build_engine(url))


def test_portal_commands_redeem_sign_in_and_refuse_with_exit_1(action_db: Database) -> None:
    from tests.recovery import demo_key_of, pick_guardian

    guardian = pick_guardian(action_db, account="none", key_status="active")
    key = demo_key_of(action_db, guardian.id, "active").lower()
    env = {"HELPDESK_PORTAL_PASSWORD": "Cli#Pass2026"}
    made = _run(action_db, "portal", "redeem", key, "--username", "CliParent1", env=env)
    assert made.exit_code == 0, made.output
    assert f"Login CliParent1 created for {guardian.first_name}" in made.output
    again = _run(action_db, "portal", "redeem", key, "--username", "CliParent2", env=env)
    assert again.exit_code == 1 and "already been used" in again.output
    signed = _run(action_db, "portal", "login", "cliparent1", "--ip", "192.0.2.1", env=env)
    assert signed.exit_code == 0 and "previous sign-in: never" in signed.output
    wrong = _run(action_db, "portal", "login", "cliparent1", env={"HELPDESK_PORTAL_PASSWORD": "x"})
    assert wrong.exit_code == 1 and "do not match" in wrong.output
    forgot = _run(action_db, "portal", "forgot-password", "nobody1")
    assert forgot.exit_code == 0 and "If that matches" in forgot.output


def test_import_oneroster_prints_counts_problems_and_exit_codes(db: Database, tmp_path) -> None:
    from tests.oneroster_helpers import edit, export_copy

    first_time = [
        "--portal-url",
        "https://portal.example.org",
        "--helpdesk-email",
        "help@example.org",
        "--helpdesk-phone",
        "(630) 555-0100",
    ]
    export = export_copy(tmp_path)
    no_district = _run(db, "import", "oneroster", str(export))
    assert no_district.exit_code == 1 and "--portal-url" in no_district.output
    dry = _run(db, "import", "oneroster", str(export), "--dry-run", *first_time)
    assert dry.exit_code == 0, dry.output
    assert "guardians       6 added" in dry.output and "DRY RUN" in dry.output
    done = _run(db, "import", "oneroster", str(export), *first_time)
    assert done.exit_code == 0 and "Changed:" in done.output
    again = _run(db, "import", "oneroster", str(export))
    assert "Nothing to change" in again.output
    edit(export, "users.csv", "liam@example.net", "liam at example")
    bad = _run(db, "import", "oneroster", str(export))
    assert bad.exit_code == 1
    assert "NOT IMPORTED: 1 problem(s)" in bad.output and "users.csv line 10: email" in bad.output


def test_export_demo_writes_a_zip_that_imports(db: Database, tmp_path) -> None:
    target = tmp_path / "district.zip"
    made = CliRunner().invoke(
        main, ["db", "export-demo", str(target), "--guardians", "50", "--version", "1.1"]
    )
    assert made.exit_code == 0 and "50 guardians" in made.output
    refused = CliRunner().invoke(main, ["db", "export-demo", str(target)])
    assert refused.exit_code == 2 and "already exists" in refused.output
    imported = _run(
        db,
        "import",
        "oneroster",
        str(target),
        "--portal-url",
        "https://p.example.org",
        "--helpdesk-email",
        "h@example.org",
        "--helpdesk-phone",
        "1",
    )
    assert imported.exit_code == 0 and "guardians       50 added" in imported.output

"""The migrations build exactly the schema the tables describe, on both databases."""

from sqlalchemy import inspect

from helpdesk_tui.data import migrate
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.schema_version import HEAD, is_up_to_date


def test_migrated_database_matches_the_models(db: Database) -> None:
    # alembic check raises if autogenerate would emit any operation.
    migrate.check(db.engine)
    assert is_up_to_date(db.engine)


def test_the_start_up_check_knows_the_newest_migration() -> None:
    assert migrate.head_revision() == HEAD


def test_downgrade_to_nothing_and_back(db: Database) -> None:
    migrate.downgrade(db.engine, "base")
    assert "guardian" not in inspect(db.engine).get_table_names()
    migrate.upgrade(db.engine)
    tables = set(inspect(db.engine).get_table_names())
    assert {"guardian", "student", "activation_key", "search_term", "staff"} <= tables
    migrate.check(db.engine)

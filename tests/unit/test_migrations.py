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


def test_the_newest_migration_keeps_a_working_district_on_both_databases(db: Database) -> None:
    """Down to the release before (0006) and up again with a district in the database:
    staff referenced by tickets and the audit trail. On SQLite, 0007 first rebuilt the
    staff table, and dropping the old one broke those references ("FOREIGN KEY
    constraint failed"): `helpdesk db upgrade` failed on every real database."""
    from sqlmodel import func, select

    from helpdesk_tui.data.demo.seed import seed_demo_district
    from helpdesk_tui.data.tables import AuditEvent, Staff, Ticket
    from helpdesk_tui.services.tickets import seed_tickets
    from tests.conftest import SEED_NOW

    seed_demo_district(db, guardians=40, seed=3, now=SEED_NOW)
    seed_tickets(db, count=30, seed=3, now=SEED_NOW)

    def counts() -> tuple[int, int, int]:
        with db.read() as s:
            return tuple(  # type: ignore[return-value]
                s.exec(select(func.count()).select_from(t)).one()
                for t in (Staff, Ticket, AuditEvent)
            )

    before = counts()
    assert before[0] >= 3 and before[1] == 30
    migrate.downgrade(db.engine, "0006")
    migrate.upgrade(db.engine)
    assert counts() == before
    assert is_up_to_date(db.engine)

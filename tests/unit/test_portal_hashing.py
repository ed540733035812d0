"""Argon2 (a tenth of a second or more per password) never runs inside a transaction on
the portal's side, so parents typing passwords cannot hold staff up: while a password
is hashed or verified, another desk could take the write lock at once.

Not a timing test. The hasher is wrapped so that each hash and each verify first asks
the database, from a connection of its own, whether anyone is inside a transaction:
SQLite, a BEGIN IMMEDIATE that may not wait; PostgreSQL, no other client session of
this database with a transaction open.
"""

import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from sqlmodel import col, select

from helpdesk_tui.data import passwords
from helpdesk_tui.data.demo.rows import DEMO_PORTAL_PASSWORD
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import OutboxMessage, PortalAccount
from helpdesk_tui.services.portal import (
    SignInRefused,
    forgot_password,
    redeem_key,
    reset_password,
    set_security_email,
    sign_in,
)
from tests.conftest import first_row
from tests.recovery import demo_key_of, pick_guardian

IP = "192.0.2.61"
NEW_PASSWORD = "Otra#Clave77"


class LockProbe:
    """Asks the database whether anyone holds a transaction open right now."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.answers: list[bool] = []

    def nobody_in_a_transaction(self) -> bool:
        url = self.database.engine.url
        if self.database.is_sqlite:
            probe = sqlite3.connect(str(url.database), timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return True
            except sqlite3.OperationalError:  # "database is locked"
                return False
            finally:
                probe.close()
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as conn:
            open_elsewhere = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    " AND xact_start IS NOT NULL"
                )
            ).scalar_one()
        engine.dispose()
        return open_elsewhere == 0

    def take(self) -> list[bool]:
        answers, self.answers = self.answers, []
        return answers


@pytest.fixture
def probe(action_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[LockProbe]:
    watcher = LockProbe(action_db)
    real = passwords._hasher

    class Watched:
        def hash(self, password: str) -> str:
            watcher.answers.append(watcher.nobody_in_a_transaction())
            return real.hash(password)

        def verify(self, password_hash: str, password: str) -> bool:
            watcher.answers.append(watcher.nobody_in_a_transaction())
            return real.verify(password_hash, password)

    monkeypatch.setattr(passwords, "_hasher", Watched())
    yield watcher


def username_of(database: Database, guardian_id: int) -> str:
    return first_row(
        database,
        select(PortalAccount.username).where(col(PortalAccount.guardian_id) == guardian_id),
    )


def test_sign_in_checks_the_password_outside_any_transaction(action_db, probe):
    guardian = pick_guardian(action_db, account="active")
    username = username_of(action_db, guardian.id)
    for name, password in (
        (username, "Wrong#pass12"),  # a wrong password
        ("nobody-at-all-5", "Wrong#pass12"),  # an unknown name (the dummy hash)
    ):
        with pytest.raises(SignInRefused):
            sign_in(action_db, username=name, password=password, ip=IP)
        answers = probe.take()
        assert answers and all(answers), (name, answers)
    assert sign_in(action_db, username=username, password=DEMO_PORTAL_PASSWORD, ip=IP)
    answers = probe.take()
    assert answers and all(answers)


def test_redeem_hashes_the_new_password_outside_any_transaction(action_db, probe):
    guardian = pick_guardian(action_db, account="none", key_status="active")
    redeem_key(
        action_db,
        key_text=demo_key_of(action_db, guardian.id, "active"),
        username="Hashed2026",
        password=NEW_PASSWORD,
        ip=IP,
    )
    answers = probe.take()
    assert answers and all(answers)


def test_a_reset_and_a_security_email_hash_outside_any_transaction(action_db, probe):
    guardian = pick_guardian(action_db, account="active", verified_email=True)
    username = username_of(action_db, guardian.id)
    forgot_password(action_db, username=username, ip=IP)
    link = first_row(
        action_db,
        select(OutboxMessage.secret)
        .where(
            col(OutboxMessage.guardian_id) == guardian.id, col(OutboxMessage.kind) == "link:reset"
        )
        .order_by(col(OutboxMessage.id).desc()),
    )
    reset_password(action_db, link=link, new_password=NEW_PASSWORD, ip=IP)
    answers = probe.take()
    assert answers and all(answers)

    set_security_email(
        action_db, username=username, password=NEW_PASSWORD, email="new@example.org", ip=IP
    )
    answers = probe.take()
    assert answers and all(answers)

"""Verification writes (and a reveal of contact details) take the one lock order: the
guardian row first. The slow argon2 work on a one-time code (hashing it, checking what
the caller reads back) happens while no write lock is held, so other desks never queue
behind it."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import argon2
import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from helpdesk_tui.data.engine import Database
from helpdesk_tui.services import guardians
from helpdesk_tui.services import verification as v
from helpdesk_tui.services.verification import answers
from tests.recovery import outbox_for, pick_guardian, staff


def _writer_is_waiting(db: Database, guardian_id: int) -> bool:
    """Whether some transaction holds what a verification write takes: SQLite's write
    lock, or on PostgreSQL the guardian's row or one of its verification rows."""
    url = db.engine.url
    if db.is_sqlite:
        probe = sqlite3.connect(url.database or "", timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        else:
            probe.execute("ROLLBACK")
            return False
        finally:
            probe.close()
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as probe:
        for table, column in (("guardian", "id"), ("verification", "guardian_id")):
            try:
                probe.execute(
                    f"SELECT 1 FROM {table} WHERE {column} = %s FOR UPDATE NOWAIT", (guardian_id,)
                )
            except psycopg.errors.LockNotAvailable:
                return True
            finally:
                probe.rollback()
    return False


@contextmanager
def argon2_watched(db: Database, guardian_id: int) -> Iterator[list[tuple[str, bool]]]:
    """Every argon2 hash and verify made meanwhile, with whether a write lock was held."""
    seen: list[tuple[str, bool]] = []
    real_hash, real_verify = argon2.PasswordHasher.hash, argon2.PasswordHasher.verify

    def watched_hash(self, password, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(("hash", _writer_is_waiting(db, guardian_id)))
        return real_hash(self, password, *args, **kwargs)

    def watched_verify(self, hash, password):  # type: ignore[no-untyped-def]
        seen.append(("verify", _writer_is_waiting(db, guardian_id)))
        return real_verify(self, hash, password)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(argon2.PasswordHasher, "hash", watched_hash)
        patch.setattr(argon2.PasswordHasher, "verify", watched_verify)
        yield seen


def test_a_code_is_hashed_and_checked_while_no_write_lock_is_held(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    with action_db.write() as s:
        started = v.start_verification(s, actor=agent, guardian_id=guardian.id, method="phone")
    with argon2_watched(action_db, guardian.id) as seen:
        # As the verify screen does it: the code is made (hashed) before the write that
        # sends it; what the caller reads back is compared in a read, then recorded.
        fresh = v.new_code()
        with action_db.write() as s:
            v.send_code(s, actor=agent, verification_id=started.id, to="email", code=fresh)
        [mail] = [m for m in outbox_for(action_db, guardian.id) if m.kind == "verification_code"]
        with action_db.read() as s:
            reading = v.check_code(s, actor=agent, verification_id=started.id, code=mail.secret)
        with action_db.write() as s:
            checked = v.confirm_code(s, actor=agent, verification_id=started.id, reading=reading)
    assert checked.confirmed
    assert [kind for kind, _ in seen] == ["hash", "verify"]
    assert [held for _, held in seen] == [False, False], "argon2 ran inside a write transaction"


@pytest.mark.parametrize(
    "write",
    [
        "start",
        "answer",
        "finish",
        "abandon",
        "clear_block",
        "reveal",
    ],
)
def test_verification_writes_wait_for_the_guardian_row_first(pg_seeded, write):
    """PostgreSQL (SQLite writers are one at a time already): another transaction
    holding the guardian row keeps every verification write waiting, here until its
    lock timeout. That is the one lock order: the guardian row first."""
    action_db = pg_seeded
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    with action_db.write() as s:
        started = v.start_verification(s, actor=agent, guardian_id=guardian.id, method="phone")
    supervisor = staff(action_db, "demo-supervisor")
    if write == "clear_block":
        for _ in range(3):
            with action_db.write() as s:
                again = v.start_verification(
                    s, actor=agent, guardian_id=guardian.id, method="phone"
                )
                v.finish_verification(s, actor=agent, verification_id=again.id)
    calls = {
        "start": lambda s: v.start_verification(
            s, actor=agent, guardian_id=guardian.id, method="phone"
        ),
        "answer": lambda s: answers.check_screening(
            s, actor=agent, verification_id=started.id, item="zip", answer="60601"
        ),
        "finish": lambda s: v.finish_verification(s, actor=agent, verification_id=started.id),
        "abandon": lambda s: v.abandon_verification(s, actor=agent, verification_id=started.id),
        "clear_block": lambda s: v.clear_block(
            s, actor=supervisor, guardian_id=guardian.id, reason="reviewed"
        ),
        "reveal": lambda s: guardians.reveal_contact(
            s, actor=agent, guardian_id=guardian.id, reason="letter came back"
        ),
    }
    with action_db.write() as holder:
        # NO KEY UPDATE: it waits out lock_guardian (FOR UPDATE) but not the foreign-key
        # checks of rows that merely reference the guardian.
        holder.execute(
            text("SELECT id FROM guardian WHERE id = :g FOR NO KEY UPDATE"), {"g": guardian.id}
        )
        with pytest.raises(OperationalError, match="lock timeout"), action_db.write() as s:
            s.execute(text("SET LOCAL lock_timeout = '300ms'"))
            calls[write](s)

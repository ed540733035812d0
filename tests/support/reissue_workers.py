"""Processes that reissue keys at the same time, for the concurrency test: the real
service, and a naive read-then-write version the test must catch."""

import time
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from helpdesk_tui.data.engine import Database, DatabaseUnavailable, build_engine
from helpdesk_tui.data.key_codec import key_digest, key_last4, new_key
from helpdesk_tui.data.tables import ActivationKey
from helpdesk_tui.services import recovery as keys
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.staff import authenticate


@dataclass
class WorkerResult:
    done: dict[int, int] = field(default_factory=dict)  # guardian id -> successful reissues
    errors: list[str] = field(default_factory=list)


def naive_reissue(database: Database, actor: StaffMember, guardian_id: int) -> None:
    """What the service must not be: read the active key in a plain transaction, then
    write, with the audit row in a transaction of its own."""
    now = resolve_now(None)
    with Session(database.engine) as session:  # deferred BEGIN, no row lock
        active = session.exec(
            select(ActivationKey).where(
                col(ActivationKey.guardian_id) == guardian_id, col(ActivationKey.status) == "active"
            )
        ).all()
        time.sleep(0.005)  # the gap in which another desk does the same
        for old in active:
            old.status = "revoked"
        key = new_key()
        session.add(
            ActivationKey(
                guardian_id=guardian_id,
                digest=key_digest(key),
                last4=key_last4(key),
                status="active",
                issued_at=now,
                issued_by_staff_id=actor.id,
            )
        )
        session.commit()
    with database.write() as session:
        audit.record(session, actor=actor, action="key_reissued", guardian_id=guardian_id, now=now)


# Ten processes writing back to back is far beyond any helpdesk's load, and SQLite's
# lock is not fair: on a slow machine one process can wait longer than a desk's 8 s
# budget (CI saw it). These tests check what concurrent reissues leave in the
# database, not how long a desk waits, so each process waits for the lock as long as
# it takes.
TEST_BUSY_TIMEOUT_MS = 300_000


def run_worker(url: str, guardian_ids: list[int], rounds: int, naive: bool) -> WorkerResult:
    database = Database(build_engine(url, busy_timeout_ms=TEST_BUSY_TIMEOUT_MS))
    actor = authenticate(database, username="demo-agent", password="demo-password")
    result = WorkerResult()
    for i in range(rounds):
        gid = guardian_ids[i % len(guardian_ids)]
        try:
            if naive:
                naive_reissue(database, actor, gid)
            else:
                with database.write() as session:
                    keys.reissue_activation_key(
                        session, actor=actor, guardian_id=gid, delivery="letter"
                    )
        except (DomainError, DBAPIError, DatabaseUnavailable) as exc:
            result.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
            continue
        result.done[gid] = result.done.get(gid, 0) + 1
    database.dispose()
    return result

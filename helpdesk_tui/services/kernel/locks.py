"""The one lock order for writes, so desks and the portal working on the same family
queue behind each other instead of deadlocking (PostgreSQL; on SQLite a writer's
BEGIN IMMEDIATE already admits one writer at a time, so only the first rule, slow work
outside, matters there):

1. Slow work first, outside any transaction: argon2 hashing or verifying (a tenth of
   a second or more) happens before the write transaction opens. Read what is needed
   in a read transaction, hash, then write in a short transaction that checks again
   whatever could have changed meanwhile (the account's password hash, the key's or
   link's status) before it writes.
2. The guardian row, before anything else of the family: every write that concerns a
   guardian calls ``lock_guardian`` as the first thing its transaction locks, before
   the permission or pass check (a refusal writes a guardian-scoped audit row too),
   before the guardian's activation keys, portal account, link tokens, verifications,
   outbox messages or search terms. Several guardians in one transaction: in
   ascending id (``lock_guardians``).
3. Then the family's own rows, in any order (the guardian lock already serializes the
   transactions that touch them).
4. The audit trail's append lock last: ``audit.record`` takes it, so it comes after
   every row lock of the transaction. An audit row naming a guardian also needs that
   guardian row (its foreign key), which is why (2) comes before any audit row.

A write that takes only the one row lock of a single insert (the access-log row of a
sign-in turned away by the throttle, with no guardian behind it) cannot wait in a
cycle and needs no guardian lock.
"""

from collections.abc import Iterable

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Guardian


def lock_guardian(session: Session, guardian_id: int) -> None:
    """Serialize actions on one guardian. PostgreSQL: a row lock held to the end of the
    transaction; SQLite's writer transactions (BEGIN IMMEDIATE) are already one at a
    time. Call it before the transaction locks or writes anything else of the family."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(Guardian.id).where(col(Guardian.id) == guardian_id).with_for_update())


def lock_guardians(session: Session, guardian_ids: Iterable[int]) -> None:
    """Several guardians in one transaction, always in ascending id."""
    for guardian_id in sorted(set(guardian_ids)):
        lock_guardian(session, guardian_id)

"""The tamper-evident audit trail.

Every sensitive action, refused ones included, appends one row in the transaction of
the action. Each row's hash covers its own fields and the previous row's hash, so
changing, deleting or reordering a row breaks the chain from that row on, and
``verify_chain`` names it. Appends are serialized (SQLite: the writer's BEGIN
IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock) so the chain never forks.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.engine import CommitThenRaise
from helpdesk_tui.data.tables import AuditEvent
from helpdesk_tui.services.kernel.actors import StaffMember, SystemActor
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 7_200_301  # any constant; names the advisory lock that orders appends


class ActionDenied(DomainError, CommitThenRaise):
    """A refused sensitive action. Its "denied" audit row is committed, then this is
    raised; the message tells staff what to do instead."""


MAX_REASON = 300


def clean_reason(reason: str, *, required: bool) -> str:
    """A reason as the audit row keeps it: one line, trimmed; refused when required
    and empty or when too long, with what to do instead."""
    text = " ".join(reason.split())
    if required and not text:
        raise DomainError("Give a reason; it is kept in the audit trail.")
    if len(text) > MAX_REASON:
        raise DomainError(f"Keep the reason under {MAX_REASON} characters (it is {len(text)}).")
    return text


def _row_hash(prev_hash: str, e: AuditEvent) -> str:
    fields = {
        "at": e.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "staff_id": e.staff_id,
        "staff_username": e.staff_username,
        "guardian_id": e.guardian_id,
        "action": e.action,
        "outcome": e.outcome,
        "verification_id": e.verification_id,
        "verification": e.verification,
        "reason": e.reason,
        "detail": e.detail,
    }
    payload = prev_hash + json.dumps(fields, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    actor: StaffMember | SystemActor,
    action: AuditAction,
    guardian_id: int | None,
    outcome: AuditOutcome = AuditOutcome.DONE,
    verification_id: int | None = None,
    verification: str = "",
    reason: str = "",
    detail: str = "",
    now: datetime | None = None,
) -> AuditEvent:
    """Append one audit row to the current transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_AUDIT_LOCK})")
    prev = session.exec(
        select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)
    ).first()
    event = AuditEvent(
        at=now or datetime.now(UTC),
        staff_id=actor.id,
        staff_username=actor.username,
        guardian_id=guardian_id,
        action=action,
        outcome=outcome,
        verification_id=verification_id,
        verification=verification[:200],
        reason=reason[:500],
        detail=detail[:500],
        prev_hash=prev or GENESIS,
        hash="",
    )
    event.hash = _row_hash(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


def deny(
    session: Session,
    *,
    actor: StaffMember | SystemActor,
    action: AuditAction,
    guardian_id: int | None,
    message: str,
    now: datetime | None = None,
) -> ActionDenied:
    """Record a refused attempt and return the error to raise."""
    record(
        session,
        actor=actor,
        action=action,
        guardian_id=guardian_id,
        outcome=AuditOutcome.DENIED,
        detail=message,
        now=now,
    )
    return ActionDenied(message)


@dataclass(frozen=True, slots=True)
class ChainReport:
    rows_checked: int
    first_broken_id: int | None
    problem: str
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def _events(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.id) > last_id)
            .order_by(col(AuditEvent.id))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id or 0
        session.expunge_all()


def verify_chain(session: Session) -> ChainReport:
    """Walk the whole trail in id order; the first row whose stored hashes disagree with
    the recomputed chain is where tampering (an edit, a deletion, a reorder) starts."""
    prev = GENESIS
    checked = 0
    for event in _events(session):
        if event.prev_hash != prev:
            return ChainReport(
                checked,
                event.id,
                "its previous-row hash does not match the row before it "
                "(a row was deleted, inserted or reordered here)",
            )
        if _row_hash(prev, event) != event.hash:
            return ChainReport(checked, event.id, "its contents were changed after it was written")
        prev = event.hash
        checked += 1
    return ChainReport(checked, None, "", prev)

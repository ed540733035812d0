"""The audit trail's batch append: many rows of one action in one go, for a batch run
of activation keys, with the same rows and hashes as that many ``audit.record`` calls
but one read of the chain head and one insert (a row each read the head and was
flushed on its own: a third of a batch key's time)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session

from helpdesk_tui.data.tables import AuditEvent
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.audit import _chain_head, _row_hash
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome


def record_many(
    session: Session,
    *,
    actor: StaffMember,
    action: AuditAction,
    rows: Sequence[tuple[int, str]],
    now: datetime,
) -> None:
    """``record`` for each ``(guardian_id, detail)`` in turn (done), the same rows and
    hashes, with one read of the chain head and one insert: for a batch run, which has
    locked its guardians (kernel/locks.py) before this takes the trail."""
    prev, values = _chain_head(session), []
    for guardian_id, detail in rows:
        event = AuditEvent(
            at=now, staff_id=actor.id, staff_username=actor.username, guardian_id=guardian_id,
            action=action, outcome=AuditOutcome.DONE, detail=detail[:500], prev_hash=prev, hash="",
        )  # fmt: skip
        prev = _row_hash(prev, event)
        event.hash = prev
        values.append(event.model_dump(exclude={"id"}))
    if values:  # in this order: ids ascend as the chain does
        session.connection().execute(insert(AuditEvent), values)

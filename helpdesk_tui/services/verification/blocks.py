"""Verification blocks: the guardians blocked after repeated failed verifications (the
supervisors' alert), and a supervisor clearing a block after review."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Guardian, VerificationBlock
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.verification.checklist import open_block
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome


@dataclass(frozen=True, slots=True)
class BlockAlert:
    guardian_id: int
    guardian_name: str
    blocked_at: datetime
    failures: int


def open_alerts(session: Session) -> list[BlockAlert]:
    """Guardians blocked after repeated failed verifications, oldest first."""
    rows = session.exec(
        select(VerificationBlock, Guardian)
        .join(Guardian, col(Guardian.id) == col(VerificationBlock.guardian_id))
        .where(col(VerificationBlock.cleared_at).is_(None))
        .order_by(col(VerificationBlock.blocked_at))
    ).all()
    return [
        BlockAlert(g.id or 0, f"{g.first_name} {g.last_name}", b.blocked_at, b.failures)
        for b, g in rows
    ]


def clear_block(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    reason: str,
    now: datetime | None = None,
) -> None:
    now = resolve_now(now)
    lock_guardian(session, guardian_id)  # first: a refusal writes an audit row for it
    require_supervisor(
        session,
        actor=actor,
        action=AuditAction.VERIFICATION_BLOCK_CLEARED,
        guardian_id=guardian_id,
        now=now,
    )
    reason = audit.clean_reason(reason, required=True)
    block = open_block(session, guardian_id)
    if block is None:
        raise NotFound("This guardian is not blocked.")
    block.cleared_at, block.cleared_by_staff_id, block.clear_reason = now, actor.id, reason
    audit.record(
        session,
        actor=actor,
        action=AuditAction.VERIFICATION_BLOCK_CLEARED,
        guardian_id=guardian_id,
        outcome=AuditOutcome.CLEARED,
        reason=reason,
        now=now,
    )

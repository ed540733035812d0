"""Revealing a guardian's contact details and birth dates without a pass: the audited
exception to masking (contact.py), for when staff must read them (a letter came back,
a school asks for the address on file). The reason is kept in the audit trail."""

from datetime import datetime

from sqlmodel import Session

from helpdesk_tui.data.tables import Guardian
from helpdesk_tui.services.guardians.detail import GuardianDetail, build_detail
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.kernel.permissions import require_visible_guardian
from helpdesk_tui.vocabulary import AuditAction

REVEALED = "address, ZIP, phones, emails and birth dates"


def reveal_contact(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    reason: str,
    now: datetime | None = None,
) -> GuardianDetail:
    """The record with everything shown, and an audit row "contact details revealed"
    with the reason. Its id (``reveal_id`` on the result) lets the screen that asked
    keep showing them on its reloads (``get_guardian_detail(reveal_id=...)``)."""
    now = resolve_now(now)
    lock_guardian(session, guardian_id)  # first: a refusal writes an audit row for it
    guardian = session.get(Guardian, guardian_id)
    if guardian is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database; search again.")
    require_visible_guardian(
        session, actor=actor, guardian_id=guardian_id, action=AuditAction.CONTACT_REVEALED, now=now
    )
    reason = audit.clean_reason(reason, required=True)
    event = audit.record(
        session,
        actor=actor,
        action=AuditAction.CONTACT_REVEALED,
        guardian_id=guardian_id,
        reason=reason,
        detail=REVEALED,
        now=now,
    )
    return build_detail(session, actor, guardian, now=now, reveal_id=event.id)

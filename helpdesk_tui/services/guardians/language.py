"""Staff set the language a guardian reads our letters and emails in, at their request.

The choice is the helpdesk's: a roster import no longer changes it afterwards.
"""

from datetime import datetime

from sqlmodel import Session

from helpdesk_tui.data.tables import Guardian
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError, NotFound
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.kernel.permissions import require_visible_guardian
from helpdesk_tui.vocabulary import AuditAction, Language


def set_preferred_language(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    language: Language,
    now: datetime | None = None,
) -> str:
    """Returns the line staff are shown."""
    now = resolve_now(now)
    if not Language.has(language):
        raise DomainError(
            "Letters and emails are written in English or Spanish; choose one of those."
        )
    lock_guardian(session, guardian_id)  # first: a refusal writes a row on this guardian
    require_visible_guardian(
        session, actor=actor, guardian_id=guardian_id, action=AuditAction.LANGUAGE_SET
    )
    guardian = session.get(Guardian, guardian_id)
    if guardian is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database; search again.")
    before = guardian.preferred_language
    guardian.preferred_language, guardian.language_set_by_staff = language, True
    audit.record(
        session,
        actor=actor,
        action=AuditAction.LANGUAGE_SET,
        guardian_id=guardian_id,
        detail=f"{Language.label_of(before)} -> {Language(language).label}",
        now=now,
    )
    return (
        f"Letters and emails to {guardian.first_name} {guardian.last_name} will be in "
        f"{Language(language).label}; a roster import will not change this."
    )

"""What a supervisor decides on the mail lists: send a failed email again or discard
it, and try an unimported email again or dismiss it. (Blocks and restrictions are
cleared by the verification and guardian services.) Each is one audited transaction."""

from datetime import datetime

from sqlmodel import Session

from helpdesk_tui.data.tables import MailImportFailure, OutboxMessage
from helpdesk_tui.services.decisions.lists import DECISIONS_SUPERVISORS
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError, NotFound
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.mail import is_erased, requeue
from helpdesk_tui.vocabulary import AuditAction, ImportOutcome, OutboxStatus


def _failed_message(
    session: Session, actor: StaffMember, outbox_id: int, action: AuditAction, now: datetime
) -> OutboxMessage:
    message = session.get(OutboxMessage, outbox_id)
    if message is not None and message.guardian_id is not None:
        lock_guardian(session, message.guardian_id)  # the guardian first (kernel/locks.py)
    require_supervisor(
        session,
        actor=actor,
        action=action,
        guardian_id=message.guardian_id if message else None,
        message=DECISIONS_SUPERVISORS,
        now=now,
    )
    if message is None:
        raise NotFound("That email is no longer in the outbox.")
    if message.status != OutboxStatus.FAILED or message.discarded_at is not None:
        raise DomainError("That email is no longer failed: another desk dealt with it. Reload.")
    return message


def retry_failed_mail(
    session: Session, *, actor: StaffMember, outbox_id: int, now: datetime | None = None
) -> None:
    """Queue a failed email again (the address or the mail server has been fixed)."""
    now = resolve_now(now)
    message = _failed_message(session, actor, outbox_id, AuditAction.MAIL_RETRIED, now)
    if is_erased(message):
        raise DomainError(
            "Its key, code or link was erased when it failed, so it cannot go as it was: "
            "send a new one from the guardian's screen, then discard this one."
        )
    requeue(message, now)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.MAIL_RETRIED,
        guardian_id=message.guardian_id,
        detail=f"outbox #{outbox_id}: {message.subject}",
        now=now,
    )


def discard_failed_mail(
    session: Session,
    *,
    actor: StaffMember,
    outbox_id: int,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Take a failed email off the list for good, with the reason (a wrong address the
    family corrected, a key sent again another way...)."""
    now = resolve_now(now)
    message = _failed_message(session, actor, outbox_id, AuditAction.MAIL_DISCARDED, now)
    reason = audit.clean_reason(reason, required=True)
    message.discarded_at, message.secret = now, None
    audit.record(
        session,
        actor=actor,
        action=AuditAction.MAIL_DISCARDED,
        guardian_id=message.guardian_id,
        reason=reason,
        detail=f"outbox #{outbox_id}: {message.subject}",
        now=now,
    )


def _open_failure(
    session: Session, actor: StaffMember, failure_id: int, action: AuditAction, now: datetime
) -> MailImportFailure:
    require_supervisor(session, actor=actor, action=action, message=DECISIONS_SUPERVISORS, now=now)
    failure = session.get(MailImportFailure, failure_id)
    if failure is None:
        raise NotFound("That email is no longer on the list.")
    if failure.handled_at is not None:
        raise DomainError("Another desk has already dealt with that email. Reload.")
    return failure


def retry_unimported_mail(
    session: Session, *, actor: StaffMember, failure_id: int, now: datetime | None = None
) -> None:
    """Ask for an unimported email to be tried again: the next mailbox read (within a
    minute) moves it from Helpdesk-Errors back to the inbox and imports it. If it fails
    again it comes back on the list with the new reason."""
    now = resolve_now(now)
    failure = _open_failure(session, actor, failure_id, AuditAction.MAIL_IMPORT_RETRIED, now)
    failure.handled_at, failure.handled_by_staff_id = now, actor.id
    failure.outcome = ImportOutcome.RETRY
    audit.record(
        session,
        actor=actor,
        action=AuditAction.MAIL_IMPORT_RETRIED,
        guardian_id=None,
        detail=f"email from {failure.sender}: {failure.subject}",
        now=now,
    )


def dismiss_unimported_mail(
    session: Session,
    *,
    actor: StaffMember,
    failure_id: int,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Take an unimported email off the list (dealt with by hand, spam...); it stays in
    the mailbox's Helpdesk-Errors folder."""
    now = resolve_now(now)
    failure = _open_failure(session, actor, failure_id, AuditAction.MAIL_IMPORT_DISMISSED, now)
    reason = audit.clean_reason(reason, required=True)
    failure.handled_at, failure.handled_by_staff_id = now, actor.id
    failure.outcome = ImportOutcome.DISMISSED
    audit.record(
        session,
        actor=actor,
        action=AuditAction.MAIL_IMPORT_DISMISSED,
        guardian_id=None,
        reason=reason,
        detail=f"email from {failure.sender}: {failure.subject}",
        now=now,
    )

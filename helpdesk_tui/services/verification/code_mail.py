"""Where the emailed code is: a caller waits on the line for it, so the verify screen
shows whether it is still waiting to go, when it went, or why it has not, and when a
new one may be sent."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import OutboxMessage, VerificationCode
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.masking import mask_email
from helpdesk_tui.services.verification.checklist import mine
from helpdesk_tui.vocabulary import OutboxStatus

RESEND_SECONDS = 60  # a new code only after this: mail can take a moment


@dataclass(frozen=True, slots=True)
class CodeMail:
    """The newest code's email. ``sent_at`` in the district's time; ``problem``: why it
    has not gone (the mail server's words), while it is retried or once it failed."""

    status: OutboxStatus
    sent_to: str  # masked
    sent_at: datetime | None
    problem: str
    resend_from: datetime

    def may_resend(self, now: datetime) -> bool:
        return now >= self.resend_from

    def describe(self) -> str:
        if self.status == OutboxStatus.SENT and self.sent_at is not None:
            return f"Code email to {self.sent_to} sent at {self.sent_at:%H:%M:%S}."
        if self.status == OutboxStatus.FAILED:
            return (
                f"The code email to {self.sent_to} could not be sent ({self.problem}): "
                "send a new code or use another proof."
            )
        if self.problem:
            return f"The code email to {self.sent_to} is being retried ({self.problem})."
        return f"Code email to {self.sent_to} is on its way…"


def newest_code(session: Session, verification_id: int) -> VerificationCode | None:
    """The verification's newest code: the only one that can still be read back."""
    return session.exec(
        select(VerificationCode)
        .where(col(VerificationCode.verification_id) == verification_id)
        .order_by(col(VerificationCode.id).desc())
        .limit(1)
    ).first()


def code_mail(
    session: Session, *, actor: StaffMember, verification_id: int, now: datetime | None = None
) -> CodeMail | None:
    """The state of the email carrying the newest code of the actor's verification, or
    None when no code was sent. Reads only."""
    now = resolve_now(now)
    v = mine(session, actor, verification_id, now)
    sent = newest_code(session, verification_id)
    if sent is None:
        return None
    # The code's row and its message are written in one transaction with one clock.
    message = session.exec(
        select(OutboxMessage)
        .where(
            col(OutboxMessage.guardian_id) == v.guardian_id,
            col(OutboxMessage.kind) == "verification_code",
            col(OutboxMessage.created_at) == sent.created_at,
        )
        .order_by(col(OutboxMessage.id).desc())
        .limit(1)
    ).first()
    zone = get_district(session).zone
    return CodeMail(
        status=OutboxStatus(message.status) if message else OutboxStatus.SENT,
        sent_to=mask_email(sent.sent_to),
        sent_at=message.sent_at.astimezone(zone) if message and message.sent_at else None,
        problem=(message.last_error or "") if message else "",
        resend_from=(sent.created_at + timedelta(seconds=RESEND_SECONDS)).astimezone(zone),
    )

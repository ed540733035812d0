"""A ticket for the call or counter visit in progress, started from the guardian's
record: a clerk's guardian is at the counter, everyone else's on the phone; the
category is guessed from the guardian's portal state (staff can say more in a note)."""

from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import ActivationKey, Guardian, PortalAccount
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.kernel.permissions import require_visible_guardian
from helpdesk_tui.services.tickets.lifecycle import create_ticket
from helpdesk_tui.services.tickets.records import TicketRef
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, Category, Channel, KeyStatus


def open_call_ticket(
    session: Session, *, actor: StaffMember, guardian_id: int, now: datetime | None = None
) -> TicketRef:
    """Only for a family the actor may see (a clerk: a student at their school); a
    refusal leaves a "denied" audit row before anything of the family is read."""
    if session.get(Guardian, guardian_id) is None:
        raise NotFound(f"Guardian #{guardian_id} is not in the database.")
    require_visible_guardian(
        session, actor=actor, guardian_id=guardian_id, action=AuditAction.TICKET_CREATED, now=now
    )
    account = session.exec(
        select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian_id)
    ).first()
    key_outstanding = session.exec(
        select(ActivationKey.id).where(
            col(ActivationKey.guardian_id) == guardian_id,
            col(ActivationKey.status) == KeyStatus.ACTIVE,
        )
    ).first()
    if account is not None:
        disabled = account.status == AccountStatus.DISABLED
        category = Category.ACCOUNT_DISABLED if disabled else Category.FORGOT_LOGIN
    else:
        category = Category.LOST_KEY if key_outstanding else Category.KEY_REQUEST
    channel, what = (
        (Channel.WALK_IN, "Counter visit") if actor.is_clerk else (Channel.PHONE, "Phone call")
    )
    return create_ticket(
        session,
        actor=actor,
        channel=channel,
        category=category,
        subject=f"{what}: {category.label}",
        guardian_id=guardian_id,
        now=now,
    )

"""Queueing mail in the action's own transaction, and the notices every recovery
action sends to all addresses on file."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Guardian, OutboxMessage, PortalAccount
from helpdesk_tui.services.kernel.district import DistrictInfo
from helpdesk_tui.services.texts import Letter, language_of, notice
from helpdesk_tui.vocabulary import AuditAction, OutboxStatus

MAIL_DOMAIN = "helpdesk.invalid"


def new_message_id() -> str:
    return f"<{uuid.uuid4().hex}@{MAIL_DOMAIN}>"


def queue(
    session: Session,
    *,
    kind: str,
    to: str,
    letter: Letter,
    now: datetime,
    guardian_id: int | None,
    secret: str | None = None,
    in_reply_to: str | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        message_id=new_message_id(),
        created_at=now,
        kind=kind,
        guardian_id=guardian_id,
        to_address=to,
        subject=letter.subject,
        body=letter.body,
        secret=secret,
        next_attempt_at=now,
        in_reply_to=in_reply_to,
    )
    session.add(message)
    return message


def addresses_on_file(session: Session, guardian: Guardian) -> list[str]:
    """Every email the district holds for this guardian, the account's security email
    included, once each (compared without case)."""
    security = session.exec(
        select(PortalAccount.security_email).where(col(PortalAccount.guardian_id) == guardian.id)
    ).first()
    seen: dict[str, str] = {}
    for address in (guardian.email, guardian.alt_email, security):
        if address and address.strip():
            seen.setdefault(address.strip().casefold(), address.strip())
    return list(seen.values())


def notice_fields(guardian: Guardian, district: DistrictInfo, now: datetime) -> dict[str, str]:
    """What every notice to a guardian names: their language and name, when (district
    time), and the district with its helpdesk's phone and email."""
    return {
        "lang": language_of(guardian.preferred_language),
        "when": now.astimezone(district.zone).strftime("%Y-%m-%d %H:%M"),
        "district": district.name,
        "phone": district.helpdesk_phone,
        "email": district.helpdesk_email,
        "name": f"{guardian.first_name} {guardian.last_name}",
    }


def notify_all(
    session: Session,
    *,
    guardian: Guardian,
    action: AuditAction,
    district: DistrictInfo,
    now: datetime,
) -> int:
    """Queue the helpdesk's notice of ``action`` to every address on file; returns how
    many."""
    letter = notice(action=action, **notice_fields(guardian, district, now))
    return send_to_all(session, guardian=guardian, kind=f"notice:{action}", letter=letter, now=now)


def send_to_all(
    session: Session, *, guardian: Guardian, kind: str, letter: Letter, now: datetime
) -> int:
    """Queue ``letter`` to every address on file for this guardian; returns how many."""
    addresses = addresses_on_file(session, guardian)
    for address in addresses:
        queue(
            session,
            kind=kind,
            to=address,
            letter=letter,
            now=now,
            guardian_id=guardian.id,
        )
    return len(addresses)


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    pending: int
    sending: int
    sent: int
    failed: int


def outbox_counts(session: Session) -> OutboxCounts:
    rows = dict(
        session.exec(
            select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
        ).all()
    )
    return OutboxCounts(
        pending=rows.get(OutboxStatus.PENDING, 0),
        sending=rows.get(OutboxStatus.SENDING, 0),
        sent=rows.get(OutboxStatus.SENT, 0),
        failed=rows.get(OutboxStatus.FAILED, 0),
    )


def unsent_counts(session: Session) -> tuple[int, int]:
    """Messages waiting to go (pending or sending) and failed (not discarded by a
    supervisor): what a desk's header shows every few seconds. Only those statuses are
    counted (the status index), never the sent history that grows for ever."""
    rows = dict(
        session.exec(
            select(OutboxMessage.status, func.count())
            .where(
                col(OutboxMessage.status).in_(
                    (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED)
                ),
                col(OutboxMessage.discarded_at).is_(None),
            )
            .group_by(col(OutboxMessage.status))
        ).all()
    )
    waiting = rows.get(OutboxStatus.PENDING, 0) + rows.get(OutboxStatus.SENDING, 0)
    return waiting, rows.get(OutboxStatus.FAILED, 0)

"""What the portal's functions share (redeem.py, login.py, self_service.py): their
errors, the client's address, how to reach the helpdesk, and audit rows and notices
whose actor is the portal.

These are the functions a parent portal calls; `helpdesk portal ...` runs each one so a
district can wire them up or rehearse a call. Messages are written for a parent, not
for staff. Whatever happens here is in the shared database at once, so every desk's
guardian screen shows it.
"""

import ipaddress
import unicodedata
from datetime import datetime

from sqlmodel import Session

from helpdesk_tui.data.engine import CommitThenRaise
from helpdesk_tui.data.tables import Guardian
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import PORTAL
from helpdesk_tui.services.kernel.district import DistrictInfo
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.mail import notice_fields, send_to_all
from helpdesk_tui.services.texts import portal_notice
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome, PortalEvent


class PortalError(DomainError):
    """A portal request refused; ``str()`` is what the parent is shown."""


class PortalRefusal(PortalError, CommitThenRaise):
    """A refusal whose record (access-log row, "denied" audit row, lockout) is kept."""


def client_ip(ip: str) -> str:
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        raise PortalError(
            f"{ip[:60]!r} is not an IP address; the portal passes the client's address."
        ) from None


def unusable_characters(text: str) -> bool:
    """Control characters (NUL above all: PostgreSQL refuses it in text) or lone
    surrogates (no encoding takes them): nothing a person types into a form field."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


def checked_username(username: str) -> str:
    """``username`` as typed, or a plain refusal when no login could have that name."""
    if unusable_characters(username):
        raise PortalError(
            "A username has only letters and digits, with no tabs, line breaks or other "
            "control characters. Type it again and try once more."
        )
    return username


def checked_email(email: str) -> str:
    """``email`` as typed, or a plain refusal when it holds control characters."""
    if unusable_characters(email):
        raise PortalError(
            "That is not an email address: it holds control characters (a line break, a "
            "tab or an invisible character). Type it again and try once more."
        )
    return email


def call_us(district: DistrictInfo) -> str:
    return (
        f"call the Parent Portal helpdesk at {district.helpdesk_phone} "
        f"(Monday to Friday, {district.hours_open}-{district.hours_close})"
    )


def portal_audit(
    session: Session,
    action: AuditAction,
    guardian_id: int | None,
    detail: str,
    now: datetime,
    *,
    outcome: AuditOutcome = AuditOutcome.DONE,
) -> None:
    """An audit row whose actor is the portal: it shows in the guardian's history."""
    audit.record(
        session,
        actor=PORTAL,
        action=action,
        guardian_id=guardian_id,
        outcome=outcome,
        detail=detail,
        now=now,
    )


def notify_portal_event(
    session: Session,
    guardian: Guardian,
    *,
    event: PortalEvent,
    detail: str,
    district: DistrictInfo,
    now: datetime,
) -> int:
    letter = portal_notice(event=event, detail=detail, **notice_fields(guardian, district, now))
    return send_to_all(session, guardian=guardian, kind=f"notice:{event}", letter=letter, now=now)

"""When the guardian record shows contact details and birth dates, and how it masks
them otherwise (DESIGN.md: staff must not be able to lead a caller).

Shown to a staff member who holds a pass for that guardian (their own verification,
unexpired), or who revealed them with a reason (an audited "contact revealed" row):
the screen that made the reveal passes its id back on each reload and forgets it when
left, and a reveal never lasts longer than ``REVEAL_LASTS``. The same rule for every
role: supervisors and clerks verify or reveal too. Masked as the verify screen shows
them: "j•••@example.org", "mobile ending 4567", the street and ZIP hidden, the city
kept, birth dates hidden.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from helpdesk_tui.data.tables import AuditEvent, Guardian, PortalAccount
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.masking import mask_address, mask_email, mask_phone
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome

REVEAL_LASTS = timedelta(hours=8)  # at most a working day, even on a screen left open


def reveal_holds(
    session: Session, *, actor: StaffMember, guardian_id: int, reveal_id: int, now: datetime
) -> bool:
    """Whether ``reveal_id`` is this actor's own recent reveal of this guardian."""
    row = session.get(AuditEvent, reveal_id)
    return (
        row is not None
        and row.action == AuditAction.CONTACT_REVEALED
        and row.outcome == AuditOutcome.DONE
        and row.verification_id is None  # a callback number shown is not a reveal of all
        and row.staff_id == actor.id
        and row.guardian_id == guardian_id
        and row.at > now - REVEAL_LASTS
    )


@dataclass(frozen=True, slots=True)
class Contact:
    emails: tuple[str, ...]
    phones: tuple[tuple[str, str], ...]  # (label, number)
    address: str
    security_email: str | None


def contact_of(guardian: Guardian, account: PortalAccount | None, *, shown: bool) -> Contact:
    """The guardian's own contact details, masked unless ``shown``."""
    emails = tuple(e for e in (guardian.email, guardian.alt_email) if e)
    phones = tuple(
        (label, n)
        for label, n in (
            ("mobile", guardian.mobile_phone),
            ("home", guardian.home_phone),
            ("work", guardian.work_phone),
        )
        if n
    )
    security = account.security_email if account else None
    if shown:
        place = f"{guardian.state or ''} {guardian.postal_code or ''}".strip()
        return Contact(
            emails=emails,
            phones=phones,
            address=", ".join(p for p in (guardian.address_line, guardian.city, place) if p),
            security_email=security,
        )
    return Contact(
        emails=tuple(mask_email(e) for e in emails),
        phones=tuple((label, mask_phone(n)) for label, n in phones),
        address=mask_address(
            guardian.address_line, guardian.city, guardian.state, guardian.postal_code
        ),
        security_email=mask_email(security) if security else None,
    )

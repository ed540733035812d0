"""The guardian's contacts a proof may use, named by where they sit in the record
("email", "alt_email", "security_email"; "mobile", "home", "work"), so the verify
screen can offer them masked and staff never need to see them to choose one."""

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import Guardian, PortalAccount
from helpdesk_tui.services.kernel.masking import mask_email, mask_phone

EMAIL_PLACES = {"email": "email", "alt_email": "other email", "security_email": "security email"}
PHONE_PLACES = ("mobile", "home", "work")


def emails_on_file(session: Session, guardian: Guardian) -> list[tuple[str, str]]:
    """(place, address) for every email on file, each address once (compared without
    case), in the order email, alt_email, the account's security email."""
    security = session.exec(
        select(PortalAccount.security_email).where(col(PortalAccount.guardian_id) == guardian.id)
    ).first()
    seen: dict[str, tuple[str, str]] = {}
    for place, address in zip(
        EMAIL_PLACES, (guardian.email, guardian.alt_email, security), strict=True
    ):
        if address and address.strip():
            seen.setdefault(address.strip().casefold(), (place, address.strip()))
    return list(seen.values())


def phones_on_file(guardian: Guardian) -> list[tuple[str, str]]:
    """(place, number) for every phone on file: mobile, home, work."""
    numbers = (guardian.mobile_phone, guardian.home_phone, guardian.work_phone)
    return [(place, n) for place, n in zip(PHONE_PLACES, numbers, strict=True) if n]


def email_choices(session: Session, guardian: Guardian) -> tuple[tuple[str, str], ...]:
    """(place, masked address): where a code can be sent, as the verify screen shows it."""
    return tuple((place, mask_email(a)) for place, a in emails_on_file(session, guardian))


def phone_choices(guardian: Guardian) -> tuple[tuple[str, str], ...]:
    """(place, "mobile ending 4567"): which number to call back, as the screen shows it."""
    return tuple((place, f"{place} {mask_phone(n)}") for place, n in phones_on_file(guardian))


def email_on_file(session: Session, guardian: Guardian, to: str) -> str | None:
    """The address ``to`` names: a place ("email") or an address on file (any case)."""
    wanted = to.strip().casefold()
    for place, address in emails_on_file(session, guardian):
        if wanted in (place, address.casefold()):
            return address
    return None


def phone_on_file(guardian: Guardian, phone: str) -> tuple[str, str] | None:
    """(place, number) that ``phone`` names: a place ("mobile") or a number on file."""
    wanted = phone.strip()
    for place, number in phones_on_file(guardian):
        if wanted in (place, number):
            return place, number
    return None

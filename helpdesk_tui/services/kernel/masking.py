"""Contact details as staff may see them before a caller is verified: enough to tell
two of them apart ("mobile ending 4567", "j•••@example.org"), never enough to read
an answer out to a caller. Masks have a fixed length, so they give away no length."""

MASK = "•••"
ZIP_MASK = "•••••"
STREET_MASK = "••• •••••"
DATE_MASK = "••••-••-••"  # a birth date


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}{MASK}@{domain}"


def mask_phone(number: str) -> str:
    """The last four digits only, as the verify screen names a number to call back."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"ending {digits[-4:]}" if len(digits) >= 4 else MASK


def mask_address(
    street: str | None, city: str | None, state: str | None = None, zip_code: str | None = None
) -> str:
    """The street (number and name) and the ZIP masked; the city and state kept."""
    place = " ".join(p for p in (state or "", ZIP_MASK if zip_code else "") if p)
    return ", ".join(p for p in (STREET_MASK if street else "", city or "", place) if p)

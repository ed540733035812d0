"""Is this an email address we could send to? (email-validator's syntax rules; no DNS
lookup: an import or a portal request must not wait on the network.)"""

from email_validator import EmailNotValidError, validate_email

MAX_EMAIL = 254


def email_problem(address: str) -> str | None:
    """Why ``address`` is not a usable email address, or None."""
    if len(address) > MAX_EMAIL:
        return f"an email address has at most {MAX_EMAIL} characters"
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc).rstrip(".")
    return None


def normalized_email(address: str) -> str:
    """The address as stored: trimmed, its domain in lower case (the local part keeps its
    case, which mail servers may honour). Call only on an address with no problem."""
    return validate_email(address.strip(), check_deliverability=False).normalized

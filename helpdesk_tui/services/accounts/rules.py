"""The portal's username and password rules (DESIGN.md section 2), for the helpdesk's
username change and the portal's own sign-up and password reset."""

import re
import unicodedata

USERNAME_MIN, USERNAME_MAX = 3, 40
_USERNAME = re.compile(r"[A-Za-z0-9]+")


def username_problem(name: str) -> str | None:
    """Why ``name`` cannot be a guardian's username, or None when it can."""
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX:
        return f"A username has {USERNAME_MIN} to {USERNAME_MAX} characters."
    if not _USERNAME.fullmatch(name):
        return "A username uses only letters A-Z and digits 0-9: no spaces, accents or symbols."
    if name.isdigit():
        return "A username cannot be all digits (those are students' usernames); add a letter."
    return None


def username_key(name: str) -> str:
    """What uniqueness is checked on: the same name in any case is the same username."""
    return name.casefold()


PASSWORD_MIN, PASSWORD_MAX = 8, 128


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be a portal password, or None when it can."""
    if len(password) < PASSWORD_MIN:
        return f"A password has at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"A password has at most {PASSWORD_MAX} characters."
    if not any(ch.isalpha() for ch in password):
        return "A password needs at least one letter."
    if not any(ch.isdigit() for ch in password):
        return "A password needs at least one digit (0-9)."
    if all(ch.isalnum() or ch.isspace() for ch in password):
        return "A password needs at least one symbol, such as @ # $ % or !."
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in password):
        return "A password cannot contain control characters (tab, newline)."
    return None

"""The portal's username rules (DESIGN.md section 2), for the helpdesk's username
change and, later, the portal's own sign-up."""

import re

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

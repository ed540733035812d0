"""Text that came from outside (a SIS export, an email, a portal form) as the layers
above the data see it: the one cleaning, ``clean_text`` in data/normalize.py, made
available to the screens, widgets and command line, which never import the data layer."""

from helpdesk_tui.data.normalize import clean_text

__all__ = ["clean_text"]


def count_of(n: int, thing: str, things: str | None = None) -> str:
    """ "1 notice", "3 notices": a number with its noun, singular or plural."""
    return f"{n:,} {thing if n == 1 else things or thing + 's'}"

"""Reading what was typed into the lookup box: refused with a message that says how to
fix it, or turned into folded words, one run of phone digits, or an activation key.

Apart from the search because it needs no database: the rules for what may be typed
(and the box's length, which the screen uses) read and test on their own.
"""

import re
import unicodedata
from dataclasses import dataclass

from helpdesk_tui.data.key_codec import canonical_hex
from helpdesk_tui.data.normalize import clean_text, fold, phone_digits
from helpdesk_tui.services.kernel.errors import InvalidSearch

MAX_QUERY_LENGTH = 100
MAX_WORDS = 6
_PHONE_LIKE = re.compile(r"[\d\s().+\-]+")
_MIN_PHONE_DIGITS = 3


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    words: tuple[str, ...] = ()
    key_hex: str | None = None


def parse_query(query: str) -> ParsedQuery:
    """Validate and normalize what was typed; InvalidSearch says how to fix it."""
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidSearch(
            f"That is {len(query):,} characters; the search box takes at most {MAX_QUERY_LENGTH}. "
            "Type part of a name, an email, a phone number, a student number, a username or a key."
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in query):
        raise InvalidSearch(
            "The search contains a control character (a tab, line break or NUL, often from a "
            "paste). Clear the box and type the search again."
        )
    odd = next((ch for ch in query if unicodedata.category(ch) in ("Cn", "Co")), None)
    if odd is not None:
        raise InvalidSearch(
            f"The search contains U+{ord(odd):04X}, a character no name, email or number uses "
            "(often from a paste). Clear the box and type the search again."
        )
    # Invisible direction marks and overrides (pasted with a name) are not part of it.
    text = clean_text(query).strip()
    if not text:
        return ParsedQuery()
    key_hex = canonical_hex(text)
    if key_hex:
        return ParsedQuery(key_hex=key_hex)
    if _PHONE_LIKE.fullmatch(text):
        digits = phone_digits(text)
        if len(digits) >= _MIN_PHONE_DIGITS:
            return ParsedQuery(words=(digits,))
    words = tuple(dict.fromkeys(w for w in fold(text).split() if w))
    if len(words) > MAX_WORDS:
        raise InvalidSearch(
            f"Use at most {MAX_WORDS} words; a surname and a first name are usually enough."
        )
    return ParsedQuery(words=words)

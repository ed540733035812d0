"""Text folding shared by the lookup index and the lookup query, so both agree.

A word is folded by Unicode decomposition (NFKD), dropping combining marks and
casefolding: "Muñoz" -> "munoz", "NÚÑEZ" -> "nunez", "Straße" -> "strasse".
"""

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NOT_DIGIT = re.compile(r"\D+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Accent-free, casefolded form of ``text`` (NFC and NFD input fold the same)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped.casefold())


@lru_cache(maxsize=65536)
def name_words(text: str) -> tuple[str, ...]:
    """Index words for a name: each folded word as written, and for a word with
    punctuation ("garcia-lopez", "o'brien") its joined form and its parts, so that
    "obrien", "o'brien", "brien" and "lopez" all find it."""
    words: set[str] = set()
    for word in fold(text).split():
        words.add(word)
        parts = [p for p in _NON_ALNUM.split(word) if p]
        if len(parts) > 1 or (parts and parts[0] != word):
            words.add("".join(parts))
            words.update(parts)
    return tuple(sorted(words))


MAX_PAIR_WORDS = 4


@lru_cache(maxsize=65536)
def name_pairs(text: str) -> tuple[str, ...]:
    """Two words of one person's name, in either order ("maria smith", "smith maria"):
    a query of a whole first word and the start of a second finds that person with one
    range scan, however common each word is alone."""
    words = fold(text).split()[:MAX_PAIR_WORDS]
    return tuple(
        sorted(
            {
                f"{a} {b}"
                for i, a in enumerate(words)
                for j, b in enumerate(words)
                if i != j and a != b
            }
        )
    )


def phone_digits(phone: str) -> str:
    """Digits of a North American phone number without the leading country code."""
    digits = _NOT_DIGIT.sub("", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


def phone_words(phone: str) -> tuple[str, ...]:
    """The ten digits, and the seven-digit local number callers often give alone."""
    digits = phone_digits(phone)
    if len(digits) == 10:
        return (digits, digits[3:])
    return (digits,) if digits else ()


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``
    (in code point order, which is UTF-8 byte order)."""
    chars = list(prefix)
    while chars:
        code = ord(chars[-1]) + 1
        if code == 0xD800:  # skip the surrogate block, which UTF-8 cannot encode
            code = 0xE000
        if code <= 0x10FFFF:
            chars[-1] = chr(code)
            return "".join(chars)
        chars.pop()
    raise ValueError("a prefix of only U+10FFFF has no upper bound")

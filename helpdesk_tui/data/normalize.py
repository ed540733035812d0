"""Text folding shared by the lookup index and the lookup query, so both agree; and the
one cleaning of text that comes from outside (a SIS export, an email) before it is
stored or shown.

A word is folded by Unicode decomposition (NFKD), dropping combining marks and
casefolding: "Muñoz" -> "munoz", "NÚÑEZ" -> "nunez", "Straße" -> "strasse".
"""

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NOT_DIGIT = re.compile(r"\D+")

# What text from outside must not carry into the database or onto a screen: C0 and C1
# control characters (ESC starts a terminal escape, NUL cannot be stored in
# PostgreSQL), the bidirectional embeddings, overrides and isolates (U+202E shows a
# name backwards), noncharacters (U+FFFE, U+10FFFF...) and lone surrogates (what
# undecodable bytes become, which no database can store). Line breaks and tabs are
# handled apart: a space in one-line fields, kept where lines mean something.
_NONCHARACTERS = r"\ufdd0-\ufdef\ufffe\uffff" + "".join(
    rf"\U{plane:04X}FFFE\U{plane:04X}FFFF" for plane in range(1, 17)
)
_UNSAFE_CLASS = r"\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_BREAK_CLASS = r"\t\n\x0b\x0c\r\x85\u2028\u2029"
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}{_NONCHARACTERS}]+")
# What clean_text removes (line breaks and tabs apart), for output that must keep the
# text whole but harmless, such as JSON written with \u escapes.
UNSAFE_CHARACTERS = _UNSAFE
_ANY_UNWANTED = re.compile(f"[{_UNSAFE_CLASS}{_NONCHARACTERS}{_BREAK_CLASS}]")
_BREAKS = re.compile(rf"\r\n|[{_BREAK_CLASS}]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def is_clean(text: str) -> bool:
    """Whether ``clean_text`` would leave ``text`` as it is, whatever ``multiline``."""
    # isprintable() (in C) is False for every control, format (bidi), surrogate and
    # unassigned character: when it is True there is nothing to look for.
    return text.isprintable() or _ANY_UNWANTED.search(text) is None


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` without control characters, bidirectional overrides, noncharacters or
    lone surrogates. A line break or tab becomes a space, or with ``multiline`` a
    line break is kept as ``\\n`` (and a tab as a tab). Everything else, letters of
    every script and punctuation included, is kept as it is."""
    if is_clean(text):
        return text  # nearly every value: one scan, no copy
    text = _LINE_BREAKS.sub("\n", text) if multiline else _BREAKS.sub(" ", text)
    return _UNSAFE.sub("", text)


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

"""Folding makes accents, case and Unicode normal forms irrelevant to the lookup; text
from outside (a SIS export, an email) is cleaned of what could take over a terminal."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.data.normalize import (
    clean_text,
    fold,
    name_words,
    phone_words,
    prefix_upper_bound,
)


def test_accents_case_and_normal_forms_fold_alike() -> None:
    nfc = unicodedata.normalize("NFC", "Muñoz Núñez")
    nfd = unicodedata.normalize("NFD", "Muñoz Núñez")
    assert nfc != nfd
    assert fold(nfc) == fold(nfd) == fold("MUNOZ NUNEZ") == "munoz nunez"
    assert fold("José") == "jose" and fold("Straße") == "strasse"


def test_punctuated_names_are_found_by_parts_and_joined() -> None:
    assert {"o'brien", "obrien", "o", "brien"} <= set(name_words("O'Brien"))
    assert {"garcia-lopez", "garcialopez", "garcia", "lopez"} <= set(name_words("García-López"))


def test_phone_words_ignore_format_and_country_code() -> None:
    assert (
        phone_words("(630) 555-0142") == phone_words("+1 630.555.0142") == ("6305550142", "5550142")
    )


@given(st.text(min_size=1, max_size=6), st.text(max_size=6))
def test_prefix_upper_bound_brackets_exactly_the_strings_with_that_prefix(
    prefix: str, rest: str
) -> None:
    try:
        upper = prefix_upper_bound(prefix)
    except ValueError:
        return  # a prefix made only of U+10FFFF has no bound; never a folded word
    assert prefix <= prefix + rest < upper


def test_clean_text_drops_what_could_take_over_a_terminal_and_keeps_names() -> None:
    assert clean_text("\x1b[2JMar\x00ía\u202e \u2066Peña\u2069\x9b") == "[2JMaría Peña"
    for name in ("O\u2019Brien-Núñez", "李 Nguyễn", "FEEF Fe", "\u05e9\u05e8\u05d4", "\U0001f600"):
        assert clean_text(name) == name
    assert clean_text("a\ufdd0b\U0010ffffc\ufffe\ud800d") == "abcd"
    # Line breaks and tabs in a one-line field become spaces; kept where lines mean something.
    assert clean_text("12 Elm St\r\nApt 4\tB") == "12 Elm St Apt 4 B"
    assert clean_text("Hi,\r\n\tthanks\x07\n", multiline=True) == "Hi,\n\tthanks\n"


@given(st.text())
def test_clean_text_leaves_only_printable_text(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")  # never a lone surrogate
    for ch in cleaned:
        assert unicodedata.category(ch) not in ("Cc", "Cs"), repr(ch)
        assert not 0x202A <= ord(ch) <= 0x202E and not 0x2066 <= ord(ch) <= 0x2069
        assert not (0xFDD0 <= ord(ch) <= 0xFDEF or ord(ch) & 0xFFFE == 0xFFFE), repr(ch)

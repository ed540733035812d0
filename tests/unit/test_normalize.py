"""Folding makes accents, case and Unicode normal forms irrelevant to the lookup."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.data.normalize import fold, name_words, phone_words, prefix_upper_bound


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

"""Keys typed back in any case, with or without braces, dashes or spaces."""

import re

from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.data.key_codec import canonical_hex, format_key, key_digest, key_last4, new_key

KEY = "{E69293F4-1CB5-4E29-8F1E-EEF6FF3BB7F7}"


def test_new_keys_look_like_the_printed_guid_and_are_random() -> None:
    keys = {new_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert re.fullmatch(
            r"\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}", key
        )


def test_every_way_a_parent_reads_a_key_gives_the_same_digest() -> None:
    forms = [
        KEY,
        KEY.lower(),
        KEY.strip("{}"),
        KEY.replace("-", ""),
        "e692 93f4 1cb5 4e29 8f1e eef6 ff3b b7f7",
        " {E69293F4-1CB5-4E29-8F1E-EEF6FF3BB7F7} ",
    ]
    assert {key_digest(form) for form in forms} == {key_digest(KEY)}
    assert key_last4(KEY.lower()) == "B7F7"


def test_near_keys_are_not_keys() -> None:
    assert canonical_hex(KEY[:-2] + "}") is None  # one digit short
    assert canonical_hex(KEY.replace("E", "G", 1)) is None  # not hex
    assert canonical_hex("munoz") is None


@given(
    st.binary(min_size=16, max_size=16),
    st.sampled_from(["upper", "lower"]),
    st.sampled_from(["", "-", " "]),
    st.booleans(),
)
def test_formatting_round_trips(raw: bytes, case: str, sep: str, braces: bool) -> None:
    canonical = format_key(raw.hex())
    typed = canonical.strip("{}").replace("-", sep)
    typed = typed.upper() if case == "upper" else typed.lower()
    if braces:
        typed = "{" + typed + "}"
    assert canonical_hex(typed) == raw.hex().upper()
    assert key_digest(typed) == key_digest(canonical)


@given(
    st.binary(min_size=16, max_size=16),
    st.lists(st.sampled_from(["", " ", "-", "  ", " - "]), min_size=33, max_size=33),
    st.lists(st.booleans(), min_size=32, max_size=32),
    st.booleans(),
)
def test_a_key_typed_with_any_spacing_and_case_is_that_key(
    raw: bytes, gaps: list[str], upper: list[bool], braces: bool
) -> None:
    """What a parent types into the portal or reads over the phone: any mix of case,
    spaces and dashes between any characters, braces or not."""
    digits = [c.upper() if up else c.lower() for c, up in zip(raw.hex(), upper, strict=True)]
    typed = gaps[0] + "".join(d + g for d, g in zip(digits, gaps[1:], strict=True))
    if braces:
        typed = "{" + typed + "}"
    assert canonical_hex(typed) == raw.hex().upper()
    assert key_digest(typed) == key_digest(format_key(raw.hex()))


@given(st.text(alphabet="0123456789abcdefABCDEF -{}", max_size=60))
def test_only_exactly_32_hex_digits_make_a_key(text: str) -> None:
    hex_digits = [c for c in text if c not in " -{}"]
    assert (canonical_hex(text) is not None) == (len(hex_digits) == 32)

"""Username and password rules from DESIGN.md: usernames are letters and digits, not all
digits, unique in any case; passwords have 8+ characters with a letter, a digit and a
symbol."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.services.accounts import password_problem, username_key, username_problem

ASCII_ALNUM = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    min_size=3,
    max_size=40,
)


@given(ASCII_ALNUM)
def test_letters_and_digits_are_accepted_unless_all_digits(name):
    assert (username_problem(name) is None) == (not name.isdigit())


@given(st.text(min_size=3, max_size=40).filter(lambda t: not t.isascii() or not t.isalnum()))
def test_anything_else_is_refused_with_a_reason(name):
    problem = username_problem(name)
    assert problem is not None and problem.endswith(".")


@given(ASCII_ALNUM)
def test_the_same_name_in_any_case_is_the_same_username(name):
    assert username_key(name.upper()) == username_key(name.lower()) == username_key(name)


def test_messages_say_what_to_do():
    assert "digits" in username_problem("123456")
    assert "letters A-Z" in username_problem("José99")
    assert "3 to 40" in username_problem("ab")


SYMBOLS = "!@#$%^&*()-_=+[]{};:'\",.<>/?~`|\\"


@given(
    st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=40),
    st.text(alphabet="0123456789", min_size=1, max_size=40),
    st.text(alphabet=SYMBOLS, min_size=1, max_size=40),
    st.randoms(),
)
def test_a_long_enough_mix_of_letter_digit_and_symbol_is_accepted(letters, digits, symbols, rnd):
    chars = list(letters + digits + symbols)
    rnd.shuffle(chars)
    password = "".join(chars)
    assert (password_problem(password) is None) == (8 <= len(password) <= 128)


@given(st.text(max_size=200))
def test_a_password_is_accepted_exactly_when_every_rule_holds(password):
    holds = (
        8 <= len(password) <= 128
        and any(c.isalpha() for c in password)
        and any(c.isdigit() for c in password)
        and not all(c.isalnum() or c.isspace() for c in password)
        and not any(unicodedata.category(c) in ("Cc", "Cs") for c in password)
    )
    problem = password_problem(password)
    assert (problem is None) == holds
    assert problem is None or problem.endswith(".")


def test_password_messages_name_what_is_missing():
    assert "8 characters" in password_problem("a1!")
    assert "digit" in password_problem("abcdefg!")
    assert "symbol" in password_problem("abcdefg1")
    assert "letter" in password_problem("12345678!")
    assert "control" in password_problem("abc\tdef1!")

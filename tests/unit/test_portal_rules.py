"""Username rules from DESIGN.md: letters and digits, not all digits, unique in any case."""

from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.services.portal_rules import username_key, username_problem

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

"""What a caller says against the record: formats and accents do not matter."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.services import verification as s


@pytest.mark.parametrize(
    "answer",
    ["2015-03-04", "03/04/2015", "3/4/15", "March 4, 2015", "4 de marzo de 2015", "03042015"],
)
def test_birth_dates_in_any_common_format(answer):
    assert s.compare_birth_date(answer, [date(2015, 3, 4)]).result == "match"


def test_wrong_birth_date_does_not_match():
    assert s.compare_birth_date("March 5 2015", [date(2015, 3, 4)]).result == "no match"


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_every_date_written_the_us_way_matches_itself(d):
    assert d in s.candidate_dates(f"{d.month}/{d.day}/{d.year}")
    assert d in s.candidate_dates(d.isoformat())


def test_phone_numbers_in_any_punctuation_and_the_local_seven_digits():
    phones = ["(630) 555-0142"]
    assert s.compare_phone("630.555.0142", phones).result == "match"
    assert s.compare_phone("+1 630 555 0142", phones).result == "match"
    assert s.compare_phone("555-0142", phones).result == "match"
    assert s.compare_phone("630 555 0143", phones).result == "no match"


def test_zip_ignores_the_plus_four():
    assert s.compare_zip("60540-1234", "60540").result == "match"
    assert s.compare_zip("60541", "60540").result == "no match"


def test_names_match_without_accents_or_case_and_partial_names_are_judged():
    others = ["José Núñez-García"]
    assert s.compare_name("jose nunez-garcia", others).result == "match"
    partial = s.compare_name("Jose", others)
    assert partial.result == "judge" and partial.reveal == "José Núñez-García"
    assert s.compare_name("Mary Smith", others).result == "no match"


def test_address_number_and_street_match_and_other_wording_is_judged():
    addresses = ["1418 Maple Ave, Naperville"]
    assert s.compare_address("1418 maple avenue", addresses).result == "match"
    assert s.compare_address("9 Oak St", addresses).result == "no match"
    judged = s.compare_address("the house by the park", addresses)
    assert judged.result == "judge" and judged.reveal == "1418 Maple Ave, Naperville"


def test_school_and_grade():
    students = [("Ellsworth Elementary", 3)]
    assert s.compare_school_grade("third grade, 3rd at ellsworth", students).result == "match"
    assert s.compare_school_grade("Ellsworth, kindergarten", students).result == "judge"

"""Comparing what a caller says with the record, the way a person would: case,
accents, punctuation, phone and date formats do not matter.

Each comparison answers "match", "no match", or "judge" when only a person can tell
(an address written differently); the stored value is then revealed to the agent,
after the caller has answered, never before.
"""

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from helpdesk_tui.data.normalize import fold, phone_digits
from helpdesk_tui.vocabulary import ScreeningResult

MAX_ANSWER = 200

SCREENING_ITEMS = {
    "zip": "Home ZIP code",
    "address": "Home street address",
    "birth_date": "A student's birth date",
    "school_grade": "A student's school and grade",
    "household_phone": "A phone number on file",
    "other_guardian": "Another parent's or guardian's name",
}

_MONTHS = {
    **{
        m: i
        for i, names in enumerate(
            [
                ("january", "jan", "enero", "ene"),
                ("february", "feb", "febrero"),
                ("march", "mar", "marzo"),
                ("april", "apr", "abril", "abr"),
                ("may", "mayo"),
                ("june", "jun", "junio"),
                ("july", "jul", "julio"),
                ("august", "aug", "agosto", "ago"),
                ("september", "sep", "sept", "septiembre", "setiembre"),
                ("october", "oct", "octubre"),
                ("november", "nov", "noviembre"),
                ("december", "dec", "diciembre", "dic"),
            ],
            start=1,
        )
        for m in names
    }
}
_WORD = re.compile(r"[0-9a-z]+")
_GENERIC_SCHOOL_WORDS = {"elementary", "middle", "high", "school", "the", "of", "academy"}
_GRADE_WORDS = {"k": 0, "kinder": 0, "kindergarten": 0, "kinderkarten": 0, "jardin": 0}


@dataclass(frozen=True, slots=True)
class Comparison:
    result: ScreeningResult
    reveal: str | None = None  # what the record says, shown only for "judge"


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _year(y: int) -> int:
    return y + (2000 if y < 50 else 1900) if y < 100 else y


def candidate_dates(answer: str) -> set[date]:
    """Every date the answer could mean: 2015-03-04, 3/4/2015 (US or day-first),
    "March 4 2015", "4 de marzo de 2015"."""
    tokens = words(answer)
    numbers = [int(t) for t in tokens if t.isdigit()]
    month_names = [_MONTHS[t] for t in tokens if t in _MONTHS]
    found: set[date] = set()

    def add(y: int, m: int, d: int) -> None:
        with contextlib.suppress(ValueError):  # 31 February and the like
            found.add(date(_year(y), m, d))

    if month_names and len(numbers) >= 2:
        day_, year_ = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
        add(year_, month_names[0], day_)
    elif len(numbers) == 3:
        a, b, c = numbers
        if a > 31:  # year first
            add(a, b, c)
        else:
            add(c, a, b)  # US month/day
            add(c, b, a)  # day/month
    elif len(numbers) == 1 and len(tokens[0]) == 8 and tokens[0].isdigit():
        t = tokens[0]
        add(int(t[4:]), int(t[:2]), int(t[2:4]))
        add(int(t[:4]), int(t[4:6]), int(t[6:]))
    return found


def compare_zip(answer: str, postal_code: str | None) -> Comparison:
    given = re.sub(r"\D", "", answer)[:5]
    stored = re.sub(r"\D", "", postal_code or "")[:5]
    return Comparison(
        ScreeningResult.MATCH if given and given == stored else ScreeningResult.NO_MATCH
    )


def compare_address(answer: str, addresses: Iterable[str]) -> Comparison:
    """The house number and a street word in common is a match; a different house
    number is not; anything else is for the agent to judge."""
    given = words(answer)
    stored = [a for a in addresses if a]
    for address in stored:
        have = words(address)
        numbers = {w for w in have if w.isdigit()}
        if numbers and numbers & set(given) and set(have) - numbers & set(given):
            return Comparison(ScreeningResult.MATCH)
    if not any(w.isdigit() for w in given) or not stored:
        return Comparison(ScreeningResult.JUDGE, "; ".join(stored) or "no address on file")
    given_numbers = {w for w in given if w.isdigit()}
    if all(not (given_numbers & {w for w in words(a) if w.isdigit()}) for a in stored):
        return Comparison(ScreeningResult.NO_MATCH)
    return Comparison(ScreeningResult.JUDGE, "; ".join(stored))


def compare_birth_date(answer: str, birth_dates: Iterable[date]) -> Comparison:
    return Comparison(
        ScreeningResult.MATCH
        if candidate_dates(answer) & set(birth_dates)
        else ScreeningResult.NO_MATCH
    )


def compare_school_grade(answer: str, students: Iterable[tuple[str, int]]) -> Comparison:
    """``students`` are (school name, grade). A school word and that student's grade
    both named is a match; otherwise the agent judges against the record."""
    tokens = words(answer)
    grades = {int(t) for t in tokens if t.isdigit() and int(t) <= 12}
    grades |= {g for t, g in _GRADE_WORDS.items() if t in tokens}
    grades |= {
        int(t[:-2]) for t in tokens if t[:-2].isdigit() and t[-2:] in ("st", "nd", "rd", "th")
    }
    listed = list(students)
    for school, grade in listed:
        school_words = set(words(school)) - _GENERIC_SCHOOL_WORDS
        if school_words & set(tokens) and grade in grades:
            return Comparison(ScreeningResult.MATCH)
    label = "; ".join(f"{school}, grade {'K' if g == 0 else g}" for school, g in listed)
    return Comparison(ScreeningResult.JUDGE, label or "no students linked")


def compare_phone(answer: str, phones: Iterable[str]) -> Comparison:
    given = phone_digits(answer)
    if len(given) < 7:
        return Comparison(ScreeningResult.NO_MATCH)
    for phone in phones:
        stored = phone_digits(phone)
        if stored and (given == stored or (len(given) == 7 and stored.endswith(given))):
            return Comparison(ScreeningResult.MATCH)
    return Comparison(ScreeningResult.NO_MATCH)


def compare_name(answer: str, names: Iterable[str]) -> Comparison:
    """Every word the caller says is in one of the other guardians' names, first and
    last name included: a match. Some words right: the agent judges."""
    given = set(words(answer))
    listed = [n for n in names if n]
    if not given:
        return Comparison(ScreeningResult.NO_MATCH)
    partial = False
    for name in listed:
        have = set(words(name))
        if given <= have and len(given) >= 2:
            return Comparison(ScreeningResult.MATCH)
        partial = partial or bool(given & have)
    if partial:
        return Comparison(ScreeningResult.JUDGE, "; ".join(listed))
    return Comparison(ScreeningResult.NO_MATCH)

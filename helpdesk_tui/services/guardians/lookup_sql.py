"""The lookup's SQL, on Core tables: the lookup runs on every keystroke, so it skips the
ORM entirely, and each statement's shape is built once.

Apart from the search (lookup.py) so that what the search decides (which word drives
the scan, when to stop) reads apart from how each step is asked of the database.
"""

from functools import lru_cache
from typing import Any

from sqlalchemy import ARRAY, Integer, and_, any_, bindparam, exists, func, select, tuple_
from sqlalchemy.sql import ColumnElement, Select

from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    GuardianStudent,
    PortalAccount,
    School,
    SearchTerm,
    Student,
    core_table,
)
from helpdesk_tui.vocabulary import KeyStatus

terms = core_table(SearchTerm)
links = core_table(GuardianStudent)
students = core_table(Student)
schools = core_table(School)
guardians = core_table(Guardian)
accounts = core_table(PortalAccount)
keys = core_table(ActivationKey)

ESTIMATE_CAP = 2000
OWN_NAME = "name"  # the kind of a guardian's own name words in the index


@lru_cache(maxsize=16)
def count_ranges(ranges: int) -> Select[Any]:
    """How many index entries each of ``ranges`` prefix ranges ([lo0, hi0), [lo1, hi1)
    ...) holds, each counted up to a cap, index only: one statement for all of them (a
    round trip each cost more than the counting on PostgreSQL)."""
    counts = []
    for n in range(ranges):
        entries = (
            select(terms.c.guardian_id)
            .where(terms.c.term >= bindparam(f"lo{n}"), terms.c.term < bindparam(f"hi{n}"))
            .limit(ESTIMATE_CAP)
            .subquery()
        )
        counts.append(select(func.count()).select_from(entries).scalar_subquery())
    return select(*counts)


@lru_cache(maxsize=128)
def scan_statement(
    other_words: int, tier: str, clerk: bool, resume: bool, bounded: bool, row_probe: bool
) -> Select[int, str, str]:
    """One prepared shape per (words, tier, clerk, page, budget): compiled once."""
    statement = select(terms.c.guardian_id, terms.c.term, terms.c.kind)
    statement = statement.where(terms.c.term >= bindparam("lo0"))
    if not bounded or row_probe:  # given both, SQLite scans to hi0 and filters: ``until``
        statement = statement.where(terms.c.term < bindparam("hi0"))  # alone ends its scan
    if tier == "exact":
        statement = statement.where(terms.c.kind == OWN_NAME)
    for n in range(1, other_words + 1):
        other = terms.alias(f"w{n}")
        if tier == "exact":  # the word in the guardian's own name: one lookup a candidate
            own_word = and_(other.c.term == bindparam(f"lo{n}"), other.c.kind == OWN_NAME)
            probe = and_(own_word, other.c.guardian_id == terms.c.guardian_id)
            # OFFSET 0 keeps PostgreSQL from making it a join of the words' whole lists.
            statement = statement.where(select(1).where(probe).offset(0).exists())
            continue
        if row_probe:
            # PostgreSQL: row bounds only the guardian index serves keep the probe a
            # per-candidate seek when the planner underestimates a short prefix's range.
            own = tuple_(other.c.guardian_id, other.c.term)
            probe = and_(
                own >= tuple_(terms.c.guardian_id, bindparam(f"lo{n}")),
                own < tuple_(terms.c.guardian_id, bindparam(f"hi{n}")),
            )
        else:
            probe = and_(
                other.c.guardian_id == terms.c.guardian_id,
                other.c.term >= bindparam(f"lo{n}"),
                other.c.term < bindparam(f"hi{n}"),
            )
        statement = statement.where(exists().where(probe))
    if clerk:
        statement = statement.where(
            exists().where(
                links.c.guardian_id == terms.c.guardian_id,
                links.c.student_id == students.c.id,
                students.c.school_id == bindparam("school"),
            )
        )
    entry = tuple_(terms.c.term, terms.c.guardian_id)
    if resume:
        statement = statement.where(entry > tuple_(bindparam("after_term"), bindparam("after_id")))
    if bounded:
        statement = statement.where(entry < tuple_(bindparam("until_term"), bindparam("until_id")))
    return statement.order_by(terms.c.term, terms.c.guardian_id).limit(bindparam("n"))


# The (guardian_id, term) entry ``skip`` entries into a word's range: where a scan
# within a budget stops.
BUDGET_BOUNDARY: Select[int, str] = (
    select(terms.c.guardian_id, terms.c.term)
    .where(terms.c.term >= bindparam("lo0"), terms.c.term < bindparam("hi0"))
    .order_by(terms.c.term, terms.c.guardian_id)
    .offset(bindparam("skip"))
    .limit(1)
)


def key_statement(digest: str) -> Select[int, str, str]:
    """The guardian, status and last four characters of the key with this digest."""
    return select(keys.c.guardian_id, keys.c.status, keys.c.last4).where(keys.c.digest == digest)


def _among(column: ColumnElement[int], postgresql: bool) -> ColumnElement[bool]:
    """``column`` among the ids given as ``ids``: on PostgreSQL one array parameter, so
    the statement reads the same for any page (psycopg prepares it after a few uses);
    SQLite has no arrays: one parameter an id."""
    if postgresql:
        return column == any_(bindparam("ids", type_=ARRAY(Integer)))
    return column.in_(bindparam("ids", expanding=True))


# A page is two indexed queries: the guardians with account status and outstanding key,
# then their students. (One six-table join was measured slower on PostgreSQL.)
@lru_cache(maxsize=2)
def people_statement(postgresql: bool) -> Select[Any]:
    return (
        select(
            guardians.c.id,
            guardians.c.first_name,
            guardians.c.last_name,
            guardians.c.city,
            guardians.c.email,
            accounts.c.status,
            keys.c.id.label("key_id"),
        )
        .select_from(
            guardians.outerjoin(accounts, accounts.c.guardian_id == guardians.c.id).outerjoin(
                keys, and_(keys.c.guardian_id == guardians.c.id, keys.c.status == KeyStatus.ACTIVE)
            )
        )
        .where(_among(guardians.c.id, postgresql))
    )


@lru_cache(maxsize=2)
def students_statement(postgresql: bool) -> Select[Any]:
    return (
        select(
            links.c.guardian_id,
            students.c.first_name,
            students.c.last_name,
            students.c.grade,
            schools.c.name,
        )
        .select_from(
            links.join(students, students.c.id == links.c.student_id).join(
                schools, schools.c.id == students.c.school_id
            )
        )
        .where(_among(links.c.guardian_id, postgresql))
        .order_by(links.c.guardian_id, students.c.grade.desc(), students.c.id)
    )

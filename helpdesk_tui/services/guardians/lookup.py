"""Guardian lookup: one box for names, emails, phones, student numbers, usernames and keys.

Every word of the query must be the start of some indexed word of the guardian (their
or a student's name, an email, phone digits, a student number, the portal username),
compared after folding (accents stripped, casefolded), so word order, case and
accents do not matter. Words are matched as literal text: %, _ and \\ are ordinary
characters. A query of phone punctuation and digits is read as one run of digits;
a query that is an activation key in any format finds the key's guardian.

Each word is a range scan on the (term, guardian_id) index; further words and a
clerk's school are checked per candidate with index lookups, so the cost grows with
log(n) and the page size, not with the number of guardians. Two or more words first
try whole-name pairs ("maria smith" is one indexed term); words spread over a family
are then looked for within a fixed budget, and the result says when that was partial.

What may be typed is read in lookup_query.py; the statements are in lookup_sql.py.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Row
from sqlmodel import Session

from helpdesk_tui.data.key_codec import key_digest
from helpdesk_tui.data.normalize import name_words, prefix_upper_bound
from helpdesk_tui.services.guardians.lookup_query import parse_query
from helpdesk_tui.services.guardians.lookup_sql import (
    BUDGET_BOUNDARY,
    COUNT_RANGE,
    PEOPLE,
    STUDENTS,
    key_statement,
    match_statement,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.district import grade_label
from helpdesk_tui.services.kernel.permissions import may_see_guardian

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
SCAN_BUDGET = 2000
PARTIAL_NOTE = (
    "Showing whole-name matches and part of the rest: these words are common apart. "
    "Add more of the name, or search by phone, email or student number."
)


@dataclass(frozen=True, slots=True)
class StudentBrief:
    name: str
    grade: str
    school: str


@dataclass(frozen=True, slots=True)
class GuardianHit:
    guardian_id: int
    name: str
    city: str
    email: str
    account: str  # "active", "disabled", "key outstanding", "no account"
    students: tuple[StudentBrief, ...]
    matched: str  # what the query matched: "name", "student", "email", "phone", ...

    def students_label(self, school_label: Callable[[str], str] = str) -> str:
        """ "Name (grade, school); ..." with the school names as ``school_label`` gives them."""
        return (
            "; ".join(f"{k.name} ({k.grade}, {school_label(k.school)})" for k in self.students)
            or "no students"
        )


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    hits: tuple[GuardianHit, ...] = ()
    more: bool = False
    note: str = ""  # e.g. what a key query found, or why nothing could match


def search_guardians(
    session: Session, *, actor: StaffMember, query: str, limit: int = DEFAULT_LIMIT
) -> SearchResult:
    """Guardians matching ``query``: whole-name matches first, then by matched word.

    Clerks see only guardians linked to a student at their own school."""
    limit = max(1, min(limit, MAX_LIMIT))
    parsed = parse_query(query)
    if parsed.key_hex:
        return _search_by_key(session, actor=actor, query=query, key_hex=parsed.key_hex)
    if not parsed.words:
        return SearchResult(query=query)
    matches, partial = _matching_guardians(session, actor=actor, words=parsed.words, want=limit + 1)
    ids = list(matches)[:limit]
    hits = sorted(_hydrate(session, ids, matches), key=lambda hit: _rank(hit, parsed.words))
    note = PARTIAL_NOTE if partial and len(matches) <= limit else ""
    return SearchResult(
        query=query, hits=tuple(hits), more=len(matches) > limit or partial, note=note
    )


def _rank(hit: GuardianHit, words: tuple[str, ...]) -> int:
    """Within a page: the guardian's own name matching every word first, then one of
    their students' names, then the rest (emails, phones, mixed), each in index order."""

    def whole_name_matches(name: str) -> bool:
        terms = name_words(name)
        return all(any(term.startswith(word) for term in terms) for word in words)

    if whole_name_matches(hit.name):
        return 0
    if any(whole_name_matches(student.name) for student in hit.students):
        return 1
    return 2


def _matching_guardians(
    session: Session, *, actor: StaffMember, words: tuple[str, ...], want: int
) -> tuple[dict[int, str], bool]:
    """guardian_id -> kind of the word that led to them, in result order; and whether
    the search stopped at its budget before it was complete.

    One word: a walk along its range, always complete. Several words: first the
    whole-name pairs ("maria smi" within one person's name), complete and cheap; then
    the words anywhere in the family (a guardian's first name, a child's surname),
    scanning at most SCAN_BUDGET index entries of the rarest word."""
    conn = session.connection()
    if len(words) == 1:
        return _walk(conn, actor, words[0], (), want), False
    found = _walk(conn, actor, f"{words[0]} {words[1]}", words[2:], want)
    if len(found) >= want:
        return found, False
    driver = _pick_driver(conn, words)
    others = tuple(w for w in words if w != driver)
    # The walk below stops early when matches are dense; where they are sparse it stops
    # at the SCAN_BUDGET-th entry of the driver's range, found with one index-only scan.
    bounds = {"lo0": driver, "hi0": prefix_upper_bound(driver), "skip": SCAN_BUDGET}
    boundary = conn.execute(BUDGET_BOUNDARY, bounds).first()
    found = _walk(conn, actor, driver, others, want, found=found, until=boundary)
    return found, boundary is not None and len(found) < want


def _params(actor: StaffMember, driver: str, others: tuple[str, ...]) -> dict[str, object]:
    params: dict[str, object] = {"lo0": driver, "hi0": prefix_upper_bound(driver)}
    for n, word in enumerate(others, start=1):
        params[f"lo{n}"], params[f"hi{n}"] = word, prefix_upper_bound(word)
    if actor.is_clerk:
        params["school"] = actor.school_id
    return params


def _walk(
    conn: Connection,
    actor: StaffMember,
    driver: str,
    others: tuple[str, ...],
    want: int,
    *,
    found: dict[int, str] | None = None,
    until: Row[int, str] | None = None,
) -> dict[int, str]:
    """Matches along the driver's range, added to ``found``, until ``want`` guardians
    are found, the range ends, or the (term, guardian_id) entry ``until`` is reached."""
    found = dict(found or {})
    params = _params(actor, driver, others)
    if until is not None:
        params["until_id"], params["until_term"] = until[0], until[1]
    params["n"] = fetch = want * 2
    resume = False
    while len(found) < want:
        statement = match_statement(
            len(others),
            actor.is_clerk,
            resume,
            until is not None,
            conn.dialect.name == "postgresql",
        )
        rows = conn.execute(statement, params).all()
        for guardian_id, _term, kind in rows:
            found.setdefault(guardian_id, kind)
        if len(rows) < fetch:
            break
        params["after_term"], params["after_id"] = rows[-1][1], rows[-1][0]
        resume = True
    return dict(list(found.items())[:want])


def _pick_driver(conn: Connection, words: tuple[str, ...]) -> str:
    """The word whose prefix range is smallest (counted up to a cap), longest on a tie:
    the scan walks that range and checks the other words per candidate."""
    if len(words) == 1:
        return words[0]
    counts = {
        word: conn.execute(COUNT_RANGE, {"lo": word, "hi": prefix_upper_bound(word)}).scalar_one()
        for word in words
    }
    return min(words, key=lambda w: (counts[w], -len(w)))


def _search_by_key(
    session: Session, *, actor: StaffMember, query: str, key_hex: str
) -> SearchResult:
    conn = session.connection()
    row = conn.execute(key_statement(key_digest(key_hex))).first()
    if row is None:
        return SearchResult(
            query=query,
            note="No key issued by this district matches. Ask the caller to read it again, "
            "character by character; O and 0 are easy to confuse.",
        )
    guardian_id, status, last4 = row
    if not may_see_guardian(session, actor=actor, guardian_id=guardian_id):
        return SearchResult(
            query=query,
            note=f"That key (ending {last4}) belongs to a family with no student at your school. "
            "Refer the caller to the district helpdesk.",
        )
    hits = _hydrate(session, [guardian_id], {guardian_id: "key"})
    return SearchResult(query=query, hits=hits, note=f"Activation key ending {last4}: {status}.")


def _hydrate(session: Session, ids: list[int], kinds: dict[int, str]) -> tuple[GuardianHit, ...]:
    """Turn guardian ids into result rows, in the order given, on Core rows (no ORM
    objects): a page costs about a millisecond."""
    if not ids:
        return ()
    conn = session.connection()
    people = {row.id: row for row in conn.execute(PEOPLE, {"ids": ids})}
    kids: dict[int, list[StudentBrief]] = {}
    for guardian_id, first, last, grade, school in conn.execute(STUDENTS, {"ids": ids}):
        kids.setdefault(guardian_id, []).append(
            StudentBrief(f"{first} {last}", grade_label(grade), school)
        )
    hits = []
    for guardian_id in ids:
        person = people.get(guardian_id)
        if person is None:
            continue
        account = person.status or ("key outstanding" if person.key_id else "no account")
        hits.append(
            GuardianHit(
                guardian_id=guardian_id,
                name=f"{person.first_name} {person.last_name}",
                city=person.city or "",
                email=person.email or "",
                account=account,
                students=tuple(kids.get(guardian_id, ())),
                matched=kinds.get(guardian_id, ""),
            )
        )
    return tuple(hits)

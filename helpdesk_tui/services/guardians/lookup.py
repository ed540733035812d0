"""Guardian lookup: one box for names, emails, phones, student numbers, usernames and keys.

Every word of the query must start some indexed word of the family (names, emails, phone
digits, student numbers, the portal username), folded (no accents, casefolded): order,
case and accents do not matter; %, _ and \\ are ordinary. Phone punctuation and digits
are one run of digits; an activation key in any format finds the key's guardian.

Ranked before the page is cut: guardians whose own name is exactly the query ("emily
moore": everyone called Emily Moore, however many families have a child so named), then
those whose own name starts so, then the rest (a student's name, an email...), each in
index order; exact own-name matches are counted (within a budget) so the screen can say
how many are not on the page. Each is a range scan on the (term, guardian_id) index (a
whole-name pair term for two words or more: "maria smith"); further words and a clerk's
school are checked per candidate by index lookups: the cost grows with log(n) and the
page. Words spread over a family are looked for within a budget, said when partial."""

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Row, func
from sqlalchemy.sql import Select
from sqlmodel import Session

from helpdesk_tui.data.key_codec import key_digest
from helpdesk_tui.data.normalize import MAX_PAIR_WORDS, name_words, prefix_upper_bound
from helpdesk_tui.services.guardians.lookup_query import parse_query
from helpdesk_tui.services.guardians.lookup_sql import (
    BUDGET_BOUNDARY,
    ESTIMATE_CAP,
    OWN_NAME,
    count_ranges,
    key_statement,
    people_statement,
    scan_statement,
    students_statement,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.district import grade_label
from helpdesk_tui.services.kernel.permissions import may_see_guardian

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
SCAN_BUDGET = 1000
OWN_BUDGET = 200  # index entries of a range looked through for own names that start so
PARTIAL_NOTE = (
    "Showing whole-name matches and part of the rest: these words are common apart. "
    "Add more of the name, or search by phone, email or student number."
)
_EXACT = "\x01"  # term + this bounds a range holding just the term (no term holds controls)


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
    # Own name exactly the query (the page's first rows); at least: counting stopped.
    exact: int = 0
    exact_at_least: bool = False

    @property
    def exact_not_shown(self) -> int:  # exact own-name matches not on this page
        return max(0, self.exact - len(self.hits))


@dataclass(frozen=True, slots=True)
class _Found:  # guardian_id -> kind of the term that led to them, ranked; the exact count
    kinds: dict[int, str]
    exact: int = 0
    exact_at_least: bool = False
    partial: bool = False


def search_guardians(
    session: Session, *, actor: StaffMember, query: str, limit: int = DEFAULT_LIMIT
) -> SearchResult:
    """Guardians matching ``query``: own name exactly, own name starting with the words,
    then the rest (a student, an email ...), ranked before the page is cut. Clerks see
    only guardians linked to a student at their own school."""
    limit = max(1, min(limit, MAX_LIMIT))
    parsed = parse_query(query)
    if parsed.key_hex:
        return _search_by_key(session, actor=actor, query=query, key_hex=parsed.key_hex)
    if not parsed.words:
        return SearchResult(query=query)
    found = _matching_guardians(session, actor=actor, words=parsed.words, want=limit + 1)
    ids = list(found.kinds)[:limit]
    hits = sorted(_hydrate(session, ids, found.kinds), key=lambda hit: _rank(hit, parsed.words))
    return SearchResult(
        query=query,
        hits=tuple(hits),
        more=len(found.kinds) > limit or found.partial,
        note=PARTIAL_NOTE if found.partial and len(found.kinds) <= limit else "",
        exact=found.exact,
        exact_at_least=found.exact_at_least,
    )


def _rank(hit: GuardianHit, words: tuple[str, ...]) -> int:
    """Within a page (in tier order already, but for the driver phase's finds): own
    name's whole words, own name's starts, one student's name, the rest."""

    def starts(name: str) -> bool:
        return all(any(term.startswith(word) for term in name_words(name)) for word in words)

    if set(words) <= set(name_words(hit.name)):
        return 0
    return 1 if starts(hit.name) else 2 if any(starts(k.name) for k in hit.students) else 3


def _matching_guardians(
    session: Session, *, actor: StaffMember, words: tuple[str, ...], want: int
) -> _Found:
    """Up to ``want`` guardians ranked, and the exact own-name count: the lead term's range,
    then words anywhere in the family within SCAN_BUDGET entries of the rarest word."""
    conn = session.connection()
    lead = _lead_pair(conn, words)
    found = _lead_range(conn, actor, " ".join(lead), tuple(w for w in words if w not in lead), want)
    if len(found.kinds) >= want or len(words) == 1:
        return found
    driver = _pick_driver(conn, words)
    others = tuple(_prefix(w) for w in words if w != driver)
    boundary = _boundary(conn, driver)  # where the walk stops if matches are sparse
    kinds = _walk(conn, actor, _Scan(_prefix(driver), others, until=boundary), want, found.kinds)
    partial = boundary is not None and len(kinds) < want
    return _Found(kinds, found.exact, found.exact_at_least, partial)


def _lead_pair(conn: Connection, words: tuple[str, ...]) -> tuple[str, ...]:
    """The word, or two side by side among the first four (as the index pairs them) whose
    pair has the fewest entries but some: "castaneda cruz" in "maria jose castaneda cruz".
    Ranges counted to the cap tie; the pair whose whole term has fewest entries then
    leads ("jose de" in "maria jose de la cruz", where every range is common)."""
    pairs = [" ".join(words[i : i + 2]) for i in range(max(1, min(len(words), MAX_PAIR_WORDS) - 1))]
    if len(pairs) == 1:
        return tuple(pairs[0].split())
    sizes = [size or 10**9 for size in _range_sizes(conn, [_prefix(p) for p in pairs])]
    tied = [p for p, size in zip(pairs, sizes, strict=True) if size == min(sizes)]
    if len(tied) > 1 and ESTIMATE_CAP <= min(sizes) < 10**9:
        whole = _range_sizes(conn, [(p, p + _EXACT) for p in tied])
        return tuple(min(zip(whole, tied, strict=True), key=lambda t: t[0] or 10**9)[1].split())
    return tuple(pairs[sizes.index(min(sizes))].split())


def _lead_range(
    conn: Connection, actor: StaffMember, lead: str, rest: tuple[str, ...], want: int
) -> _Found:
    """The lead term's range, own name exactly first (within SCAN_BUDGET entries). Words
    with a digit or an @ are no one's name: their range is walked as it comes."""
    prefixes = tuple(_prefix(w) for w in rest)
    if any(ch.isdigit() or ch == "@" for ch in lead + "".join(rest)):
        return _Found(_walk(conn, actor, _Scan(_prefix(lead), prefixes), want))
    if not rest:
        return _one_term(conn, actor, lead, want)
    near = _boundary(conn, lead, OWN_BUDGET)
    far = _boundary(conn, lead) if near is not None else None
    exact_scan = _Scan((lead, lead + _EXACT), tuple((w, w) for w in rest), "exact", far)
    kinds = _walk(conn, actor, exact_scan, want)
    if len(kinds) >= want:  # a page of them: count them
        return _Found(kinds, *_count(conn, actor, exact_scan))
    exact = (len(kinds), exact_scan.bounded)  # then the rest (the page is ranked after)
    kinds = _walk(conn, actor, _Scan(_prefix(lead), prefixes, until=near), want, kinds)
    if near is not None and len(kinds) < want:  # the driver phase goes on past ``far``
        kinds = _walk(
            conn, actor, _Scan(_prefix(lead), prefixes, "any", far, (near[0], near[1])), want, kinds
        )
    return _Found(kinds, *exact)


def _one_term(conn: Connection, actor: StaffMember, lead: str, want: int) -> _Found:
    """One word or pair: its first OWN_BUDGET entries ranked here (own name exactly, own
    name starting so, the rest), more namesakes within SCAN_BUDGET, the rest of the range."""
    window = _Scan(_prefix(lead))
    params = {**window.params(actor), "n": OWN_BUDGET}
    rows = conn.execute(window.statement(conn, actor.is_clerk, False), params).all()
    kinds: dict[int, str] = {}
    for gid, _term, kind in sorted(rows, key=lambda r: (r[2] != OWN_NAME, r[1] != lead)):
        kinds.setdefault(gid, kind)
    exact = len({gid for gid, term, kind in rows if kind == OWN_NAME and term == lead})
    counted = (exact, False)
    on = (rows[-1][0] + 1, rows[-1][1]) if len(rows) == OWN_BUDGET else None  # the range goes on
    if on is not None and on[1] == lead:  # and so does the exact term
        exact_scan = _Scan((lead, lead + _EXACT), (), "exact", _boundary(conn, lead))
        if exact < want:  # namesakes further on, before the window's others
            more = _walk(conn, actor, replace(exact_scan, after=on), want - exact)
            ranked = list(kinds.items())
            kinds = dict(ranked[:exact] + list(more.items()) + ranked[exact:])
        counted = _count(conn, actor, exact_scan) if " " in lead or exact < want else (exact, True)
    if on is not None and len(kinds) < want:
        kinds = _walk(conn, actor, _Scan(_prefix(lead), after=on), want, kinds)
    return _Found(dict(list(kinds.items())[:want]), *counted)


@dataclass(frozen=True, slots=True)
class _Scan:
    """A walk along the driver's [lo, hi) range, with the other words' ranges a guardian
    must also have ("exact": those words, whole, in the guardian's own name), stopping
    before the entry ``until`` or starting at the entry ``after``."""

    driver: tuple[str, str]
    others: tuple[tuple[str, str], ...] = ()
    tier: str = "any"
    until: Row[int, str] | None = None
    after: tuple[int, str] | None = None

    @property
    def bounded(self) -> bool:  # whether ``until`` falls inside the range
        return self.until is not None and self.until[1] < self.driver[1]

    def params(self, actor: StaffMember) -> dict[str, object]:
        params: dict[str, object] = {"lo0": self.driver[0], "hi0": self.driver[1]}
        for n, (lo, hi) in enumerate(self.others, start=1):
            params[f"lo{n}"], params[f"hi{n}"] = lo, hi
        if actor.is_clerk:
            params["school"] = actor.school_id
        if self.until is not None and self.bounded:
            params["until_id"], params["until_term"] = self.until[0], self.until[1]
        if self.after is not None:  # from the entry ``after`` on
            params["after_term"], params["after_id"] = self.after[1], self.after[0] - 1
        return params

    def statement(self, conn: Connection, clerk: bool, resume: bool) -> Select[int, str, str]:
        resume = resume or self.after is not None
        postgresql = conn.dialect.name == "postgresql"
        return scan_statement(len(self.others), self.tier, clerk, resume, self.bounded, postgresql)


def _prefix(word: str) -> tuple[str, str]:  # the range of terms starting with word
    return word, prefix_upper_bound(word)


def _boundary(conn: Connection, word: str, skip: int | None = None) -> Row[int, str] | None:
    """The entry ``skip`` (SCAN_BUDGET) entries into the word's range, if any: index only."""
    bounds = {"lo0": word, "hi0": prefix_upper_bound(word), "skip": skip or SCAN_BUDGET}
    return conn.execute(BUDGET_BOUNDARY, bounds).first()


def _walk(
    conn: Connection,
    actor: StaffMember,
    scan: _Scan,
    want: int,
    found: dict[int, str] | None = None,
) -> dict[int, str]:
    """Matches along the scan, after ``found``, until ``want`` or the scan's end."""
    found = dict(found or {})
    params = {**scan.params(actor), "n": (fetch := want * 2)}
    resume = False
    while len(found) < want:
        rows = conn.execute(scan.statement(conn, actor.is_clerk, resume), params).all()
        for guardian_id, _term, kind in rows:
            found.setdefault(guardian_id, kind)
        if len(rows) < fetch:
            break
        params["after_term"], params["after_id"] = rows[-1][1], rows[-1][0]
        resume = True
    return dict(list(found.items())[:want])


def _count(conn: Connection, actor: StaffMember, scan: _Scan) -> tuple[int, bool]:
    """How many guardians the scan finds (up to SCAN_BUDGET); and whether it stopped."""
    found = scan.statement(conn, actor.is_clerk, False).subquery()
    count = conn.execute(
        func.count().select().select_from(found), {**scan.params(actor), "n": SCAN_BUDGET}
    )
    return int(count.scalar_one()), scan.bounded


def _pick_driver(conn: Connection, words: tuple[str, ...]) -> str:
    """The word whose range is smallest (counted up to a cap), longest on a tie."""
    counts = dict(zip(words, _range_sizes(conn, [_prefix(w) for w in words]), strict=True))
    return min(words, key=lambda w: (counts[w], -len(w)))


def _range_sizes(conn: Connection, ranges: list[tuple[str, str]]) -> list[int]:
    """Each [lo, hi) term range's size (up to a cap, index only), in one statement."""
    bounds: dict[str, str] = {}
    for n, (lo, hi) in enumerate(ranges):
        bounds[f"lo{n}"], bounds[f"hi{n}"] = lo, hi
    return [int(size) for size in conn.execute(count_ranges(len(ranges)), bounds).one()]


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
    postgresql = conn.dialect.name == "postgresql"
    people = {row.id: row for row in conn.execute(people_statement(postgresql), {"ids": ids})}
    kids: dict[int, list[StudentBrief]] = {}
    rows = conn.execute(students_statement(postgresql), {"ids": ids})
    for guardian_id, first, last, grade, school in rows:
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

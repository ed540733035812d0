"""The lookup ranks before it cuts the page: a guardian whose own name is what was typed
is never pushed off the first page by families found through a child's name, and the
result says how many exact matches did not fit."""

import pytest

from helpdesk_tui.data.engine import Database
from helpdesk_tui.services.guardians import SearchResult, lookup, lookup_sql, search_guardians
from helpdesk_tui.services.kernel.actors import StaffMember
from tests.unit.test_lookup import _family, _school

PAGE = 50


@pytest.fixture
def memory_agent() -> StaffMember:
    """An agent for an otherwise empty database (search needs no staff row)."""
    return StaffMember(
        id=0,
        username="test-agent",
        full_name="Test Agent",
        role="agent",
        school_id=None,
        school_name=None,
    )


def _world(
    db: Database, *, exact: int, through_child: int, own_prefix: int = 0
) -> dict[str, list[int]]:
    """Families matched through a child named Emily Moore are created first (the lowest
    ids, so an index-order page would be full of them), then guardians whose own name
    starts with the words, then guardians named Emily Moore themselves, interleaved with
    more child-matched families."""
    made: dict[str, list[int]] = {"child": [], "prefix": [], "exact": [], "school": []}
    with db.write() as session:
        school_id = _school(session)
        made["school"].append(school_id)

        def family(kind: str, first: str, last: str, child: tuple[str, str]) -> None:
            made[kind].append(_family(session, first, last, child, school_id))

        half = through_child // 2
        for i in range(half):
            family("child", "Ana", f"Ruiz{i:02}", ("Emily", "Moore"))
        for _ in range(own_prefix):
            family("prefix", "Emily", "Moorehead", ("Sam", "Moorehead"))
        for i in range(max(exact, through_child - half)):
            if i < exact:
                family("exact", "Émily", "Moore", ("Jack", "Moore"))
            if i < through_child - half:
                family("child", "Bo", f"Lind{i:02}", ("Emily", "Moore"))
    return made


def _search(db: Database, actor: StaffMember, query: str) -> SearchResult:
    with db.read() as session:
        return search_guardians(session, actor=actor, query=query, limit=PAGE)


def test_a_common_name_fills_page_one_with_exact_own_name_matches_and_counts_the_rest(
    db: Database, memory_agent: StaffMember
) -> None:
    made = _world(db, exact=60, through_child=40, own_prefix=5)
    for query in ("emily moore", "Moore Emily", "EMILY MOORE"):
        result = _search(db, memory_agent, query)
        assert len(result.hits) == PAGE
        assert {h.name for h in result.hits} == {"Émily Moore"}, query
        assert {h.guardian_id for h in result.hits} < set(made["exact"])
        assert (result.exact, result.exact_at_least, result.exact_not_shown) == (60, False, 10)
        assert result.more


def test_with_fewer_than_a_page_of_namesakes_every_one_is_on_page_one_first(
    db: Database, memory_agent: StaffMember
) -> None:
    made = _world(db, exact=20, through_child=60, own_prefix=5)
    result = _search(db, memory_agent, "emily moore")
    ids = [h.guardian_id for h in result.hits]
    assert ids[:20] == made["exact"], "every namesake, first, in the order they were added"
    assert made["exact"][-1] in ids, "the last one added (the highest id) is there too"
    assert set(ids[20:25]) == set(made["prefix"]), "then own names that start so (Moorehead)"
    assert set(ids[25:]) <= set(made["child"]), "then families found through a child"
    assert (result.exact, result.exact_not_shown) == (20, 0)
    assert len(result.hits) == PAGE and result.more


def test_a_name_still_being_typed_puts_own_names_before_children(
    db: Database, memory_agent: StaffMember
) -> None:
    made = _world(db, exact=10, through_child=60, own_prefix=5)
    result = _search(db, memory_agent, "emily moor")
    ids = [h.guardian_id for h in result.hits]
    own = set(made["exact"]) | set(made["prefix"])
    assert set(ids[:15]) == own, "every guardian whose own name starts so, first"
    assert set(ids[15:]) <= set(made["child"])
    assert result.exact == 0, "nobody is called exactly 'Emily Moor'"


def test_one_word_puts_the_own_surname_first(db: Database, memory_agent: StaffMember) -> None:
    made = _world(db, exact=10, through_child=60, own_prefix=5)
    result = _search(db, memory_agent, "moore")
    ids = [h.guardian_id for h in result.hits]
    assert set(ids[:10]) == set(made["exact"]), "own surname Moore exactly, first"
    assert set(ids[10:15]) == set(made["prefix"]), "then Moorehead"
    assert result.exact == 10


def test_a_student_s_name_narrows_a_common_name(db: Database, memory_agent: StaffMember) -> None:
    made = _world(db, exact=30, through_child=40)
    result = _search(db, memory_agent, "emily moore jack")
    assert {h.guardian_id for h in result.hits} == set(made["exact"])
    assert not result.more
    assert result.exact == 0, "nobody's own name is all three words"


def test_a_clerk_gets_the_same_ranking_and_count_within_their_school(
    db: Database, memory_agent: StaffMember
) -> None:
    made = _world(db, exact=60, through_child=40)
    [school_id] = made["school"]
    for school, expected in ((school_id, 60), (school_id + 1, 0)):
        clerk = StaffMember(
            id=0,
            username="test-clerk",
            full_name="Test Clerk",
            role="clerk",
            school_id=school,
            school_name="Test Elementary School",
        )
        result = _search(db, clerk, "emily moore")
        assert result.exact == expected
        assert {h.guardian_id for h in result.hits} <= set(made["exact"])
        assert len(result.hits) == min(expected, PAGE)


def test_a_long_name_leads_with_its_rarest_pair_when_every_pair_is_common(
    db: Database, memory_agent: StaffMember, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 1M guardians "María José De la Cruz" filled only 29 rows: every pair's range
    held more entries than the count stops at, so the first pair ("maria jose", 8,000
    own names) led and the budget ran out before most namesakes. The pair whose whole
    term is rarest ("jose de") leads instead. (Here with the cap and budget scaled down.)"""
    monkeypatch.setattr(lookup_sql, "ESTIMATE_CAP", 100)
    monkeypatch.setattr(lookup, "ESTIMATE_CAP", 100)
    monkeypatch.setattr(lookup, "SCAN_BUDGET", 80)
    monkeypatch.setattr(lookup, "OWN_BUDGET", 40)
    lookup_sql.count_ranges.cache_clear()
    with db.write() as session:
        school_id = _school(session)
        for i in range(50):  # each pair's range over the cap, "jose de" only by its prefix
            _family(session, "María José", f"Pérez{i:02}", None, school_id)
            _family(session, "Ana", f"De la Torre{i:02}", None, school_id)
            _family(session, "José", f"Delgado{i:02}", None, school_id)
        namesakes = [
            _family(session, "María José", "De la Cruz", None, school_id) for _ in range(60)
        ]
    try:
        result = _search(db, memory_agent, "María José De la Cruz")
    finally:
        lookup_sql.count_ranges.cache_clear()
    assert len(result.hits) == PAGE
    assert {h.guardian_id for h in result.hits} < set(namesakes), "page 1: namesakes only"
    assert (result.exact, result.exact_not_shown, result.note) == (60, 10, "")

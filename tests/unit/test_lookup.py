"""The lookup box, on both databases: what an agent types and what they get back."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from helpdesk_tui.data.demo.rows import demo_key
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.normalize import fold
from helpdesk_tui.data.search_index import GuardianText, guardian_terms, reindex_guardian
from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    GuardianStudent,
    PortalAccount,
    School,
    SearchTerm,
    Student,
)
from helpdesk_tui.services.guardians import (
    MAX_QUERY_LENGTH,
    SearchResult,
    lookup,
    parse_query,
    search_guardians,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import InvalidSearch
from tests.conftest import SEED, first_row


def _search(db: Database, actor: StaffMember, query: str, limit: int = 500) -> list[int]:
    with db.read() as session:
        return [
            h.guardian_id
            for h in search_guardians(session, actor=actor, query=query, limit=limit).hits
        ]


def test_accented_and_unaccented_names_find_the_same_guardians(
    seeded_db: Database, agent: StaffMember
) -> None:
    found = _search(seeded_db, agent, "muñoz")
    assert found, "the demo district has Muñoz families"
    assert _search(seeded_db, agent, "munoz") == found
    assert _search(seeded_db, agent, "MUÑOZ") == found
    assert _search(seeded_db, agent, "mun\u0303oz") == found  # NFD: n + combining tilde
    with seeded_db.read() as session:
        names = [seeded_db_name(session, gid) for gid in found]
    assert all("munoz" in fold(name) or "munoz" in fold(students) for name, students in names)


def seeded_db_name(session, guardian_id: int) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    guardian = session.get(Guardian, guardian_id)
    kids = session.exec(
        select(Student.last_name)
        .join(GuardianStudent, GuardianStudent.student_id == Student.id)
        .where(GuardianStudent.guardian_id == guardian_id)
    ).all()
    return f"{guardian.first_name} {guardian.last_name}", " ".join(k[0] for k in kids)


def test_first_and_last_name_in_either_order(seeded_db: Database, agent: StaffMember) -> None:
    guardian = first_row(seeded_db, select(Guardian).where(Guardian.id == 1))[0]
    one = _search(seeded_db, agent, f"{guardian.first_name} {guardian.last_name}")
    other = _search(seeded_db, agent, f"{guardian.last_name} {guardian.first_name}")
    assert 1 in one and one == other
    partial = _search(
        seeded_db, agent, f"{fold(guardian.last_name)[:3]} {fold(guardian.first_name)[:2]}"
    )
    assert 1 in partial


def test_email_phone_student_number_and_username(seeded_db: Database, agent: StaffMember) -> None:
    guardian = first_row(
        seeded_db,
        select(Guardian).where(Guardian.email.is_not(None), Guardian.mobile_phone.is_not(None)),
    )[0]
    digits = "".join(ch for ch in guardian.mobile_phone if ch.isdigit())
    assert guardian.id in _search(seeded_db, agent, guardian.email.upper())
    assert guardian.id in _search(seeded_db, agent, guardian.email[:8])
    assert guardian.id in _search(seeded_db, agent, guardian.mobile_phone)  # "(630) 555-0142"
    assert guardian.id in _search(seeded_db, agent, f"{digits[:3]}-{digits[3:6]}-{digits[6:]}")
    assert guardian.id in _search(seeded_db, agent, f"+1 {digits}")
    assert guardian.id in _search(seeded_db, agent, digits[3:])  # local number only

    number, guardian_id = first_row(
        seeded_db,
        select(Student.student_number, GuardianStudent.guardian_id).join(
            GuardianStudent, GuardianStudent.student_id == Student.id
        ),
    )
    assert guardian_id in _search(seeded_db, agent, number)

    username, owner = first_row(
        seeded_db,
        select(PortalAccount.username, PortalAccount.guardian_id).where(
            PortalAccount.kind == "guardian"
        ),
    )
    assert owner in _search(seeded_db, agent, username.upper())


def test_a_key_read_out_in_any_format_finds_its_guardian(
    seeded_db: Database, agent: StaffMember
) -> None:
    key_id, guardian_id = first_row(
        seeded_db,
        select(ActivationKey.id, ActivationKey.guardian_id).where(
            ActivationKey.status == "redeemed"
        ),
    )
    key = demo_key(SEED, key_id)
    spoken = " ".join(key.strip("{}").replace("-", "").lower()[i : i + 4] for i in range(0, 32, 4))
    for typed in (key, key.lower(), key.strip("{}"), spoken):
        with seeded_db.read() as session:
            result = search_guardians(session, actor=agent, query=typed)
        assert [h.guardian_id for h in result.hits] == [guardian_id]
        assert result.note == f"Activation key ending {key[-5:-1]}: redeemed."
        assert result.hits[0].matched == "key"


def test_an_unknown_key_says_so(seeded_db: Database, agent: StaffMember) -> None:
    with seeded_db.read() as session:
        result = search_guardians(
            session, actor=agent, query="{00000000-0000-4000-8000-000000000000}"
        )
    assert result.hits == () and "read it again" in result.note


def test_results_say_enough_to_tell_namesakes_apart(
    seeded_db: Database, agent: StaffMember
) -> None:
    with seeded_db.read() as session:
        hit = search_guardians(session, actor=agent, query="munoz").hits[0]
    assert hit.city and hit.account in {"active", "disabled", "key outstanding", "no account"}
    assert hit.students and all(s.school and s.grade for s in hit.students)


def test_a_page_holds_at_most_the_limit_and_says_there_is_more(
    seeded_db: Database, agent: StaffMember
) -> None:
    with seeded_db.read() as session:
        result = search_guardians(session, actor=agent, query="a", limit=5)
    assert len(result.hits) == 5 and result.more
    assert len({h.guardian_id for h in result.hits}) == 5


def test_clerks_find_only_families_at_their_school(
    seeded_db: Database, agent: StaffMember, clerk: StaffMember
) -> None:
    everyone = _search(seeded_db, agent, "a")
    mine = _search(seeded_db, clerk, "a")
    assert mine and set(mine) < set(everyone)
    with seeded_db.read() as session:
        for guardian_id in mine:
            schools = session.exec(
                select(Student.school_id)
                .join(GuardianStudent, GuardianStudent.student_id == Student.id)
                .where(GuardianStudent.guardian_id == guardian_id)
            ).all()
            assert clerk.school_id in {s[0] for s in schools}


@pytest.mark.parametrize("query", ["a" * (MAX_QUERY_LENGTH + 1), "x" * 10_240])
def test_overlong_input_is_refused_with_a_message(query: str) -> None:
    with pytest.raises(InvalidSearch, match=f"at most {MAX_QUERY_LENGTH}"):
        parse_query(query)


@pytest.mark.parametrize("query", ["mun\x00oz", "munoz\n", "a\tb", "\x1b[2J"])
def test_control_characters_are_refused_with_a_message(query: str) -> None:
    with pytest.raises(InvalidSearch, match="control character"):
        parse_query(query)


@pytest.mark.parametrize("query", ["\U0010ffff", "maria \U0010ffff", "\uffff", "\ufdd0x"])
def test_characters_no_name_uses_get_a_message(
    db: Database, memory_agent: StaffMember, query: str
) -> None:
    """U+10FFFF (and the other noncharacters) once ended the app from the lookup box."""
    with pytest.raises(InvalidSearch, match="no name, email or number uses"):
        _search(db, memory_agent, query)


def test_wildcards_are_literal(db: Database, memory_agent: StaffMember) -> None:
    with db.write() as session:
        for first, last in (
            ("Ana", "50%off"),
            ("Ana", "50xoff"),
            ("Bo", "a_b"),
            ("Bo", "axb"),
            ("Cy", "back\\slash"),
        ):
            guardian = Guardian(first_name=first, last_name=last)
            session.add(guardian)
            session.flush()
            reindex_guardian(session, guardian.id)  # type: ignore[arg-type]
    names = lambda q: sorted(_name(db, g) for g in _search(db, memory_agent, q))  # noqa: E731
    assert names("50%") == ["Ana 50%off"]
    assert names("a_") == ["Bo a_b"]
    assert names("%") == []
    assert names("back\\") == ["Cy back\\slash"]


def _name(db: Database, guardian_id: int) -> str:
    with db.read() as session:
        g = session.get(Guardian, guardian_id)
        return f"{g.first_name} {g.last_name}"


@pytest.fixture
def memory_agent(db: Database) -> StaffMember:
    """An agent for an otherwise empty database (search needs no staff row)."""
    return StaffMember(
        id=0,
        username="test-agent",
        full_name="Test Agent",
        role="agent",
        school_id=None,
        school_name=None,
    )


# -- property: SQL matching equals Python's matching on the folded text ------------------
_letters = st.sampled_from(list("aábcçdeéfgnñoóöuüxyz%_\\'- ") + ["ss", "ß", "Ø", "N\u0303"])
_name_text = st.lists(_letters, min_size=1, max_size=9).map("".join).filter(lambda s: s.strip())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(st.tuples(_name_text, _name_text), min_size=1, max_size=6),
    query=st.one_of(_name_text, st.lists(_letters, min_size=1, max_size=4).map("".join)),
)
def test_search_matches_python_prefix_matching(
    db: Database, memory_agent: StaffMember, people: list[tuple[str, str]], query: str
) -> None:
    try:
        parsed = parse_query(query)
    except InvalidSearch:
        return
    if parsed.key_hex:
        return
    expected: set[int] = set()
    with db.read() as session:  # one transaction, rolled back: each example starts empty
        for first, last in people:
            guardian = Guardian(first_name=first, last_name=last)
            session.add(guardian)
            session.flush()
            terms = guardian_terms(GuardianText(first_name=first, last_name=last))
            if terms:
                session.exec(
                    insert(SearchTerm),
                    params=[  # type: ignore[call-overload]
                        {"term": t, "guardian_id": guardian.id, "kind": k} for t, k in terms.items()
                    ],
                )
            if parsed.words and all(any(t.startswith(w) for t in terms) for w in parsed.words):
                expected.add(guardian.id)  # type: ignore[arg-type]
        found = {
            h.guardian_id
            for h in search_guardians(session, actor=memory_agent, query=query, limit=500).hits
        }
    assert found == expected


def _school(session) -> int:  # type: ignore[no-untyped-def]
    school = School(
        code="9",
        name="Test Elementary School",
        level="elementary",
        low_grade=0,
        high_grade=5,
        city="Riverbend",
        phone="1",
    )
    session.add(school)
    session.flush()
    return school.id  # type: ignore[return-value]


def _family(session, first: str, last: str, child: tuple[str, str] | None, school_id: int) -> int:  # type: ignore[no-untyped-def]
    """A guardian (and a child at ``school_id``), indexed for the lookup; their id."""
    guardian = Guardian(first_name=first, last_name=last, city="Riverbend")
    session.add(guardian)
    session.flush()
    if child:
        kid = Student(
            student_number=f"S{guardian.id}",
            first_name=child[0],
            last_name=child[1],
            birth_date=date(2015, 5, 5),
            grade=3,
            school_id=school_id,
        )
        session.add(kid)
        session.flush()
        session.add(GuardianStudent(guardian_id=guardian.id, student_id=kid.id, relation="mother"))
        session.flush()
    reindex_guardian(session, guardian.id)
    return guardian.id


def test_a_guardian_whose_own_name_matches_comes_before_one_matched_through_a_child(
    db: Database, memory_agent: StaffMember
) -> None:
    with db.write() as session:
        school_id = _school(session)
        _family(session, "Ana", "Ruiz", ("María", "Muñoz"), school_id)  # found through her child
        _family(session, "María", "Muñoz", None, school_id)
    with db.read() as session:
        hits = search_guardians(session, actor=memory_agent, query="maria munoz").hits
    assert [h.name for h in hits] == ["María Muñoz", "Ana Ruiz"]


def test_common_words_that_rarely_meet_stay_fast_and_say_when_the_search_was_partial(
    db: Database, memory_agent: StaffMember, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.write() as session:
        school_id = _school(session)
        for i in range(30):
            _family(session, "María", f"López{i:02}", None, school_id)
            _family(session, "Pedro", f"Smith{i:02}", None, school_id)
        _family(session, "María", "Zúñiga", ("Pedro", "Smith"), school_id)  # words in two people
        _family(session, "Ana", "Ruiz", ("María", "Smith"), school_id)  # both words in one name

    def names(query: str) -> tuple[list[str], SearchResult]:
        with db.read() as session:
            result = search_guardians(session, actor=memory_agent, query=query)
        return [h.name for h in result.hits], result

    found, result = names("maria smith")
    assert found == ["Ana Ruiz", "María Zúñiga"] and not result.more and result.note == ""

    monkeypatch.setattr(lookup, "SCAN_BUDGET", 10)
    found, result = names("maria smith")
    assert found == ["Ana Ruiz"], "the whole-name match is found whatever the budget"
    assert result.more and result.note == lookup.PARTIAL_NOTE
    found, result = names("smith mar")
    assert found[0] == "Ana Ruiz"

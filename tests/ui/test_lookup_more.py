"""The lookup says how many guardians with exactly the name typed did not fit on the
page, and narrowing (a student's name) brings the one meant up."""

from sqlmodel import select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import School
from helpdesk_tui.services.guardians import lookup
from tests.ui.helpers import SIZE, make_app, rows, search, settle, sign_in, text_of
from tests.unit.test_lookup import _family

NAMESAKES = 60


def _namesakes(database: Database) -> None:
    """60 guardians called Zelda Quorra (each with a child of her own name), created
    after 5 families whose child is called Zelda Quorra."""
    with database.write() as session:
        school_id = session.exec(select(School.id)).first()
        children = [("Zelda", "Quorra")] * 5 + [("Pim", "Quorra")] + [("Jo", "Quorra")] * 59
        parents = [("Ana", f"Vey{i}") for i in range(5)] + [("Zelda", "Quorra")] * NAMESAKES
        for (first, last), child in zip(parents, children, strict=True):
            _family(session, first, last, child, school_id)


async def test_the_status_says_how_many_namesakes_are_not_shown(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    _namesakes(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await search(pilot, "zelda quorra")
        found = rows(pilot)
        assert len(found) == 50
        assert {row[0] for row in found} == {"Zelda Quorra"}, "only exact own-name matches"
        status = text_of(pilot, "#search-status")
        assert "50 of 60 exact name matches shown, 10 more" in status
        assert "add a student's name" in status

        await search(pilot, " pim")  # the caller names her child
        assert [(row[0], row[2].split(" (")[0]) for row in rows(pilot)] == [
            ("Zelda Quorra", "Pim Quorra")
        ]
        status = text_of(pilot, "#search-status")
        assert "more" not in status and status.startswith("1 guardian")

        for _ in range(4):  # back to the name alone: the count comes back
            await pilot.press("backspace")
        await settle(pilot)
        assert "50 of 60 exact name matches shown, 10 more" in text_of(pilot, "#search-status")
        assert len(rows(pilot)) == 50


async def test_a_name_with_a_child_s_name_gives_no_exact_count(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    _namesakes(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await search(pilot, "quorra zelda jo")
        found = rows(pilot)
        assert len(found) == 50 and {row[0] for row in found} == {"Zelda Quorra"}
        status = text_of(pilot, "#search-status")
        assert "exact name matches" not in status, "nobody's own name is all three words"
        assert "50+ guardians" in status


async def test_a_partial_search_that_found_nobody_says_so_in_words(
    sqlite_seeded, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Words common apart, searched within the budget, found together nowhere: the status
    read "0+ guardians (first 0; type more to narrow)"."""
    with sqlite_seeded.write() as session:
        school_id = session.exec(select(School.id)).first()
        for i in range(8):
            _family(session, "Quill", f"Abara{i}", None, school_id)
            _family(session, "Ana", f"Zorn{i}", None, school_id)
    monkeypatch.setattr(lookup, "SCAN_BUDGET", 3)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await search(pilot, "quill zorn")
        assert rows(pilot) == []
        status = text_of(pilot, "#search-status")
        assert "0+" not in status and "first 0" not in status
        assert "No guardian found in the part searched" in status
        assert "Add more of the name" in status  # what to do next

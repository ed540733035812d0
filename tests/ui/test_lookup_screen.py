"""Finding a guardian by keyboard and reading their record."""

from sqlalchemy import select
from textual import events
from textual.widgets import DataTable

from helpdesk_tui.data.demo.rows import demo_key
from helpdesk_tui.data.search_index import reindex_guardian
from helpdesk_tui.data.tables import ActivationKey, Guardian, PortalAccount
from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.lookup.guardian_lookup import GuardianLookupScreen
from helpdesk_tui.widgets.formatting import short_school
from tests.conftest import SEED
from tests.ui.helpers import SIZE, make_app, rows, search, settle, sign_in, text_of


async def test_type_a_name_without_accents_and_open_the_guardian(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await search(pilot, "munoz")
        found = rows(pilot)
        assert found and all("Muñoz" in row[0] or "Muñoz" in row[2] for row in found)
        assert "guardian" in text_of(pilot, "#search-status")
        first_name = found[0][0]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, GuardianDetailScreen)
        assert text_of(pilot, "#detail-title").startswith(first_name)
        await pilot.press("escape")
        assert isinstance(app.screen, GuardianLookupScreen)
        assert text_of(pilot, "#search") == "munoz", "the query is still there after going back"


async def test_a_disabled_account_reads_clearly_and_viewing_changes_nothing(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    with sqlite_seeded.read() as session:
        account = session.exec(
            select(PortalAccount).where(PortalAccount.status == "disabled")
        ).first()[0]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await search(pilot, account.username)
        assert len(rows(pilot)) == 1 and "disabled" in rows(pilot)[0][1]
        await pilot.press("enter")  # a single result opens straight from the box
        await settle(pilot)
        assert "portal: disabled: 5 consecutive failed logins" in text_of(pilot, "#detail-title")
        account_text = text_of(pilot, "#account")
        assert f"username: {account.username}" in account_text
        assert "failed logins in a row: 5 of 5" in account_text
        log = rows(pilot, "#access-log")
        assert [r[2] for r in log[:5]] == ["[red]failed[/]"] * 5
    with sqlite_seeded.read() as session:
        after = session.get(PortalAccount, account.id)
        assert (after.status, after.failed_login_count) == ("disabled", 5)


async def test_a_key_read_out_with_spaces_finds_its_guardian(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    with sqlite_seeded.read() as session:
        key_id, guardian_id = session.exec(
            select(ActivationKey.id, ActivationKey.guardian_id).where(
                ActivationKey.status == "active"
            )
        ).first()
        guardian = session.get(Guardian, guardian_id)
    key = demo_key(SEED, key_id).strip("{}").replace("-", "").lower()
    spoken = " ".join(key[i : i + 4] for i in range(0, 32, 4))
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await search(pilot, spoken)
        assert [r[0] for r in rows(pilot)] == [f"{guardian.first_name} {guardian.last_name}"]
        assert rows(pilot)[0][4] == "key"
        assert f"Activation key ending {key[-4:].upper()}: active." in text_of(
            pilot, "#search-status"
        )
        await pilot.press("enter")
        await settle(pilot)
        keys = rows(pilot, "#keys")
        assert keys[0][0] == f"…-{key[-4:].upper()}"
        assert all(key.upper() not in " ".join(r) for r in keys), "the key value never appears"


async def test_a_pasted_blob_and_control_characters_get_a_message(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        box = app.screen.query_one("#search")
        box.value = "munoz\x00maria"
        await settle(pilot)
        assert "control character" in text_of(pilot, "#search-status")
        assert rows(pilot) == []
        box.value = ""
        box.post_message(events.Paste("x" * 10_240))
        await pilot.pause()
        await settle(pilot)
        assert box.value == "", "a paste over the limit is not inserted"
        assert any("at most 100 characters" in n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        assert text_of(pilot, "#search") == ""
        assert text_of(pilot, "#search-status") == "Start typing to find a guardian."


async def test_a_clerk_sees_only_families_at_their_school(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "demo-clerk")
        school = short_school(app.staff.school_name)
        await search(pilot, "a")
        found = rows(pilot)
        assert found and all(school in row[2] for row in found)


async def test_open_is_greyed_out_until_there_is_something_to_open(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        assert app.screen.active_bindings["ctrl+o"].enabled is False
        await search(pilot, "munoz")
        assert app.screen.active_bindings["ctrl+o"].enabled is True


def visible_rows(pilot, selector: str = "#results") -> list[str]:  # type: ignore[no-untyped-def]
    """The table's rows as the screen draws them (what a person reads), header first."""
    table = pilot.app.screen.query_one(selector, DataTable)
    return [
        "".join(segment.text for segment in table.render_line(y))
        for y in range(table.row_count + 1)
    ]


async def test_a_name_with_markup_and_escapes_is_shown_literally(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    """A SIS name is data: "[bold red]X[/]" reads as typed, an ESC never reaches the
    terminal, and "[/]" (which Rich cannot parse) breaks nothing."""
    with sqlite_seeded.write() as session:
        guardian = Guardian(
            first_name="[bold red]X[/]\x1b[2J", last_name="Zyq[/]", city="[link=x]Au"
        )
        session.add(guardian)
        session.flush()
        reindex_guardian(session, guardian.id)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await search(pilot, "zyq")
        [header, row] = visible_rows(pilot)
        assert "[bold red]X[/][2J Zyq[/]" in row and "[link=x]Au" in row
        assert "\x1b" not in row
        table = app.screen.query_one("#results", DataTable)
        name_cell = table.get_row_at(0)[0]
        assert not getattr(name_cell, "spans", None), "no style came from the name"


async def test_noncharacters_and_undecodable_text_in_the_box_get_a_message(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    """U+10FFFF once ended the app from the lookup box."""
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        box = app.screen.query_one("#search")
        for typed in ("\U0010ffff", "maria \U0010ffff", "\ud800x"):
            box.value = typed
            await settle(pilot)
            status = text_of(pilot, "#search-status")
            assert "Clear the box and type the search again" in status, (typed, status)
            assert rows(pilot) == []
        await pilot.press("escape")
        await search(pilot, "munoz")
        found = rows(pilot)
        assert found, "the app goes on searching"
        # An invisible direction override (pasted with a name) changes nothing.
        box.value = "\u202emunoz\u202c"
        await settle(pilot)
        assert rows(pilot) == found
        assert app.is_running

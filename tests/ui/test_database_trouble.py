"""The app with a database in trouble: PostgreSQL that goes away mid-session and comes
back, a deadlock with another desk, and a character no search can use. The app never
exits; staff see a banner while the database is away, nothing they typed is lost, and
a deadlock is retried without anyone noticing."""

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import col, select
from textual import events

from helpdesk_tui.data import engine as engine_module
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import Guardian, TicketMessage
from helpdesk_tui.messages import OpenTicket
from helpdesk_tui.screens.dialogs import ReasonPrompt
from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.guardian.language_picker import LanguagePicker
from helpdesk_tui.screens.lookup.guardian_lookup import GuardianLookupScreen
from helpdesk_tui.screens.tickets.reply_composer import ReplyComposer
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from helpdesk_tui.services.kernel.audit import _PG_AUDIT_LOCK
from helpdesk_tui.services.tickets import create_ticket
from helpdesk_tui.widgets.service_call import run_service
from tests.conftest import _pg_admin_url, first_row
from tests.recovery import audit_rows, pick_guardian, staff
from tests.ui.helpers import SIZE, find, make_app, open_guardian, search, settle, sign_in, text_of


def _notices(app) -> str:  # type: ignore[no-untyped-def]
    return " | ".join(str(n.message) for n in app._notifications)


@contextmanager
def server_refusing(database: Database) -> Iterator[None]:
    """PostgreSQL stops letting this database in, and drops the connections it has."""
    name = database.engine.url.database
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
    try:
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


async def test_postgresql_gone_mid_session_shows_a_banner_and_recovers(
    pg_seeded, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engine_module, "RETRY_SECONDS", 0.5)  # give up sooner in a test
    app = make_app(pg_seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        await search(pilot, "nunez")
        lookup = app.screen
        assert isinstance(lookup, GuardianLookupScreen) and lookup.result and lookup.result.hits
        banner = lookup.query_one("ProblemBanner")
        assert not banner.display

        with server_refusing(pg_seeded):
            await search(pilot, " mar")
            assert app.is_running and app.screen is lookup
            assert banner.display
            assert "Database unavailable" in str(banner.render())
            assert "cannot be used right now" in _notices(app)
            assert text_of(pilot, "#search") == "nunez mar", "what was typed stays"
            assert "Not searched: the database is unavailable" in text_of(pilot, "#search-status")
            app.check_database()  # what the banner's timer does every few seconds
            await settle(pilot)
            assert banner.display, "still away: the banner stays"

        app.check_database()
        await settle(pilot)
        assert not banner.display
        assert "reachable again" in _notices(app)
        assert lookup.result is not None and lookup.result.query == "nunez mar", "searched again"
        assert "guardian" in text_of(pilot, "#search-status")
        await search(pilot, "i")  # and the lookup works again
        assert lookup.result is not None and lookup.result.query == "nunez mari"


async def test_a_deadlock_with_another_desk_is_retried_without_a_word(pg_seeded, caplog) -> None:  # type: ignore[no-untyped-def]
    """Setting the language locks the guardian row, then the audit trail's lock. Another
    desk holds the audit lock and then asks for the same guardian: a deadlock, which
    PostgreSQL ends by rolling our transaction back. The app runs it again."""
    guardian = pick_guardian(pg_seeded, account=None)
    target = "es" if guardian.preferred_language == "en" else "en"
    other_desk_done = threading.Event()

    def other_desk() -> None:
        with pg_seeded.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
            # Wait until the app holds the guardian and waits for the audit lock (a
            # loaded machine may take a while to get there: without the wait there is no
            # deadlock, only a queue, and the test would fail for the wrong reason)...
            for _ in range(1200):
                waiting = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    )
                ).scalar_one()
                if waiting:
                    break
                time.sleep(0.05)
            # ... then ask for the guardian it holds.
            conn.execute(
                select(Guardian.id).where(col(Guardian.id) == guardian.id).with_for_update()
            )
            conn.commit()
        other_desk_done.set()

    app = make_app(pg_seeded)
    caplog.set_level(logging.INFO, logger="helpdesk_tui")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        await find(pilot, guardian.email)
        assert isinstance(app.screen, GuardianDetailScreen)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LanguagePicker)
        thread = threading.Thread(target=other_desk)
        thread.start()
        await pilot.press("down" if target == "es" else "up", "enter")
        await settle(pilot)
        thread.join(timeout=30)
        await settle(pilot)
        assert other_desk_done.is_set()
        assert isinstance(app.screen, GuardianDetailScreen)
        assert "(set by staff)" in text_of(pilot, "#detail-title")
        assert "Not done" not in " ".join(str(n.title) for n in app._notifications)
    stored = first_row(pg_seeded, select(Guardian).where(col(Guardian.id) == guardian.id))
    assert stored.preferred_language == target
    assert [r.action for r in audit_rows(pg_seeded, guardian.id)][-1:] == ["language_set"]
    assert any("deadlock" in r.getMessage() for r in caplog.records), "it was retried"


@pytest.mark.parametrize("odd", ["\U0010ffff", "\ufdd0"])
async def test_a_character_no_search_can_use_gets_a_message(sqlite_seeded, odd: str) -> None:  # type: ignore[no-untyped-def]
    """A terminal does not insert such a character from the keyboard, but a paste does."""
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await search(pilot, "nu")
        app.screen.query_one("#search").post_message(events.Paste(odd))
        await settle(pilot)
        assert text_of(pilot, "#search") == f"nu{odd}"
        assert app.is_running
        assert isinstance(app.screen, GuardianLookupScreen)
        assert "no name, email or number uses" in text_of(pilot, "#search-status")
        await pilot.press("backspace")
        await settle(pilot)
        assert "guardian" in text_of(pilot, "#search-status")


async def test_a_reply_and_a_reason_typed_while_the_database_is_away_are_given_back(
    pg_seeded, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engine_module, "RETRY_SECONDS", 0.5)
    guardian = pick_guardian(pg_seeded, account="active")
    agent = staff(pg_seeded, "demo-agent")
    with pg_seeded.write() as s:
        ticket_id = create_ticket(
            s,
            actor=agent,
            channel="email",
            category="forgot_login",
            subject="Forgot my password",
            body="I cannot sign in.",
            guardian_id=guardian.id,
        ).id
    app = make_app(pg_seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        app.post_message(OpenTicket(ticket_id))
        await settle(pilot)
        ticket = app.screen
        assert isinstance(ticket, TicketDetailScreen)
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#reply-body").text = "A long answer I typed for this parent."
        with server_refusing(pg_seeded):
            await pilot.press("ctrl+s")
            await settle(pilot)
            composer = app.screen
            assert isinstance(composer, ReplyComposer), "the composer comes back"
            body = composer.query_one("#reply-body").text
            assert body == "A long answer I typed for this parent."
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("n")  # an internal note, the same way
            await settle(pilot)
            app.screen.query_one("#prompt-value").value = "Called back, no answer"
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ReasonPrompt)
            assert text_of(pilot, "#prompt-value") == "Called back, no answer"
            await pilot.press("escape")
            await settle(pilot)
        assert app.is_running and app.screen is ticket
    with pg_seeded.read() as s:
        written = s.exec(
            select(TicketMessage).where(
                col(TicketMessage.ticket_id) == ticket_id, col(TicketMessage.kind) != "incoming"
            )
        ).all()
    assert written == [], "nothing half-written"


@pytest.mark.logs_errors
async def test_a_bug_in_showing_an_answer_is_logged_and_the_app_goes_on(
    sqlite_seeded, caplog
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        screen = app.screen
        run_service(screen, lambda s: 42, done=lambda n: n / 0, write=False)
        await settle(pilot)
        assert app.is_running and app.screen is screen
        assert "Something went wrong" in _notices(app)
    assert any(
        r.levelname == "ERROR" and "ZeroDivisionError" in (r.exc_text or "") for r in caplog.records
    )


async def test_a_late_answer_never_closes_the_screen_the_user_is_looking_at(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        detail = await open_guardian(pilot, guardian.email)
        await pilot.press("f3")
        await settle(pilot)
        queue = app.screen
        detail.leave()  # as a refusal arriving now would
        await settle(pilot)
        assert app.screen is queue, "the queue stays"
        await pilot.press("ctrl+f")  # back in the lookup area: the guardian goes now
        await settle(pilot)
        assert isinstance(app.screen, GuardianLookupScreen)


async def test_signing_out_twice_at_once_is_harmless(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await asyncio.gather(app.run_action("sign_out"), app.run_action("sign_out"))
        await settle(pilot)
        assert app.is_running and app.staff is None
        await sign_in(pilot)
        assert isinstance(app.screen, GuardianLookupScreen)

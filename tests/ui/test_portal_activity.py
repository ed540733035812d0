"""What the portal does shows on an open guardian screen without a reload: a key
redeemed, a lockout; and staff set the guardian's language from the same screen."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import Guardian
from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.guardian.language_picker import LanguagePicker
from helpdesk_tui.services.portal import SignInRefused, redeem_key, sign_in
from tests.conftest import first_row
from tests.recovery import audit_rows, demo_key_of, pick_guardian
from tests.ui.helpers import SIZE, find, make_app, settle, text_of
from tests.ui.helpers import sign_in as staff_sign_in

PASSWORD = "Portal#Story1"


async def watch(pilot, screen: GuardianDetailScreen) -> None:  # type: ignore[no-untyped-def]
    """What the screen's timer does every few seconds, run now."""
    screen.check_for_changes()
    await settle(pilot)


def wrong_password(database, minute: int) -> None:  # type: ignore[no-untyped-def]
    """A parent's wrong guess, a minute after the last (the portal slows faster ones)."""
    when = datetime.now(UTC) - timedelta(minutes=30 - minute)
    with pytest.raises(SignInRefused):
        sign_in(database, username="watched1", password="nope", ip="192.0.2.9", now=when)


async def test_a_redeem_and_a_lockout_appear_on_the_open_screen(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded, account="none", key_status="active")
    key = demo_key_of(sqlite_seeded, guardian.id, "active")
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await staff_sign_in(pilot)
        await find(pilot, guardian.email)
        screen = app.screen
        assert isinstance(screen, GuardianDetailScreen)
        assert "Never activated" in text_of(pilot, "#account")
        loads = screen.loads
        await watch(pilot, screen)
        assert screen.loads == loads  # nothing happened: no reload

        redeem_key(  # the parent, on the portal
            sqlite_seeded, key_text=key, username="Watched1", password=PASSWORD, ip="192.0.2.9"
        )
        await watch(pilot, screen)
        assert "username: Watched1" in text_of(pilot, "#account")
        assert "A login (Watched1) was just created" in _notices(app)

        for minute in range(4):
            wrong_password(sqlite_seeded, minute)
        await watch(pilot, screen)
        assert "failed logins in a row: 4 of 5" in text_of(pilot, "#account")
        wrong_password(sqlite_seeded, 4)  # the fifth: disabled, the same answer
        await watch(pilot, screen)
        assert "status: disabled" in text_of(pilot, "#account")
        assert "The login was just disabled: 5 consecutive failed logins" in _notices(app)
        assert "portal: disabled" in text_of(pilot, "#detail-title")


async def test_staff_set_the_language_and_it_is_marked_as_theirs(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded, account=None)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await staff_sign_in(pilot)
        await find(pilot, guardian.email)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LanguagePicker)
        target = "es" if guardian.preferred_language == "en" else "en"
        await pilot.press("down" if target == "es" else "up", "enter")
        await settle(pilot)
        assert isinstance(app.screen, GuardianDetailScreen)
        assert "(set by staff)" in text_of(pilot, "#detail-title")
    stored = first_row(sqlite_seeded, select(Guardian).where(col(Guardian.id) == guardian.id))
    assert (stored.preferred_language, stored.language_set_by_staff) == (target, True)
    assert audit_rows(sqlite_seeded, guardian.id)[-1].action == "language_set"


def _notices(app) -> str:  # type: ignore[no-untyped-def]
    return " | ".join(str(n.message) for n in app._notifications)

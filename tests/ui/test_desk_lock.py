"""A desk left idle locks itself: the screen is hidden until the signed-in person types
their password again (checked, throttled and audited like a sign-in), and then they
are back exactly where they were. Ctrl+L locks on demand."""

import html
import re

from sqlmodel import col, select
from textual.command import CommandPalette
from textual.widgets import Input

from helpdesk_tui.data.tables import AuditEvent
from helpdesk_tui.messages import OpenGuardian
from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.sign_in import DeskLockedScreen, SignInScreen
from helpdesk_tui.services.staff import SIGN_IN_FAILED
from tests.recovery import pick_guardian
from tests.ui.helpers import SIZE, make_app, open_guardian, settle, sign_in, steady, text_of
from tests.unit.staff_helpers import staff_row


def visible_text(app) -> str:  # type: ignore[no-untyped-def]
    """Everything the terminal shows now, as text."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def desk_locks(database) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with database.read() as session:
        rows = session.exec(select(AuditEvent).where(col(AuditEvent.action) == "desk_locked")).all()
        return [(r.staff_username, r.detail) for r in rows]


async def type_password(pilot, password: str) -> None:  # type: ignore[no-untyped-def]
    box = pilot.app.screen.query_one("#unlock-password", Input)
    box.value = password
    box.focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_an_idle_desk_hides_everything_until_the_password(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        detail = await open_guardian(pilot, guardian.email)
        assert guardian.last_name in visible_text(app)

        app.desk_lock.check(
            now=app.desk_lock.last_input_at + 9 * 60
        )  # the district's policy: 10 minutes
        await settle(pilot)
        assert app.screen is detail

        app.desk_lock.check(now=app.desk_lock.last_input_at + 10 * 60 + 1)
        await settle(pilot)
        assert isinstance(app.screen, DeskLockedScreen)
        shown = visible_text(app)
        assert guardian.last_name not in shown and guardian.first_name not in shown
        assert guardian.email not in shown
        assert "Alex Rivera" in shown, "says who is signed in"
        assert desk_locks(sqlite_seeded) == [("demo-agent", "idle for 10 minutes")]
        app.desk_lock.check(
            now=app.desk_lock.last_input_at + 60 * 60
        )  # already locked: nothing more
        await settle(pilot)
        assert len(desk_locks(sqlite_seeded)) == 1

        await type_password(pilot, "not-my-password")
        assert isinstance(app.screen, DeskLockedScreen)
        assert text_of(pilot, "#unlock-message") == SIGN_IN_FAILED
        assert text_of(pilot, "#unlock-password") == ""
        assert staff_row(sqlite_seeded).failed_sign_ins == 1, "counts like a sign-in failure"
        assert guardian.last_name not in visible_text(app)

        await type_password(pilot, "demo-password")
        assert app.screen is detail, "back exactly where the agent was"
        assert app.current_mode == "lookup" and app.staff is not None
        assert guardian.last_name in visible_text(app)
        assert staff_row(sqlite_seeded).failed_sign_ins == 0


async def test_ctrl_l_locks_and_nothing_gets_past_the_lock(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        lookup = app.screen
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, DeskLockedScreen)
        assert desk_locks(sqlite_seeded) == [("demo-agent", "locked on demand")]
        for key in ("ctrl+f", "f2", "f3", "escape", "ctrl+p", "ctrl+l"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DeskLockedScreen), key
            assert not isinstance(app.screen, CommandPalette)
        # A late answer (a guardian asked for before the lock) opens under the lock, and
        # a notification waits until the desk is unlocked.
        app.post_message(OpenGuardian(guardian.id, area="lookup"))
        app.notify(f"Blocked: {guardian.last_name}", timeout=120)  # outlasts a slow machine
        await settle(pilot)
        assert isinstance(app.screen, DeskLockedScreen)
        assert guardian.last_name not in visible_text(app)
        assert len(desk_locks(sqlite_seeded)) == 1
        await type_password(pilot, "demo-password")
        assert isinstance(app.screen, GuardianDetailScreen)
        assert f"Blocked: {guardian.last_name}" in visible_text(app)
        assert app.screen_stack[0] is lookup


async def test_sign_out_instead_of_unlocking(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.click("#sign-out-instead")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.staff is None
        app.desk_lock.check(now=app.desk_lock.last_input_at + 60 * 60)  # nobody signed in: no lock
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "demo-clerk")
        assert app.staff is not None and app.staff.username == "demo-clerk"
        assert app.current_mode == "lookup"


def test_desk_locked_screen(snap_compare, sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    async def lock(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await steady(pilot)

    assert snap_compare(make_app(sqlite_seeded), terminal_size=SIZE, run_before=lock)

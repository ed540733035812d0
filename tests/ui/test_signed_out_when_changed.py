"""A desk whose staff member a supervisor disables, resets or moves is signed out at the
desk's next periodic read (every few seconds), with a notice saying why: the session no
longer runs on until the desk locks when idle."""

import pytest

from helpdesk_tui.data.engine import Database
from helpdesk_tui.screens.sign_in import SignInScreen
from helpdesk_tui.services.staff import (
    authenticate,
    disable_staff,
    new_temporary_password,
    reset_staff_password,
    set_staff_role,
)
from tests.ui.helpers import SIZE, make_app, settle, sign_in


def _disable(db: Database, boss) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        disable_staff(s, actor=boss, username="demo-agent", reason="Left the team")


def _reset(db: Database, boss) -> None:  # type: ignore[no-untyped-def]
    temporary = new_temporary_password()
    with db.write() as s:
        reset_staff_password(
            s, actor=boss, username="demo-agent", reason="Leaked", temporary=temporary
        )


def _promote(db: Database, boss) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        set_staff_role(s, actor=boss, username="demo-agent", role="supervisor")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (_disable, "disabled your account"),
        (_reset, "reset your password"),
        (_promote, "changed your role or school"),
    ],
)
async def test_a_change_by_a_supervisor_signs_the_desk_out(sqlite_seeded, change, said) -> None:  # type: ignore[no-untyped-def]
    boss = authenticate(sqlite_seeded, username="demo-supervisor", password="demo-password")
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        app.jobs.refresh_header()  # nothing changed: still signed in
        await settle(pilot)
        assert app.staff is not None and app.staff.username == "demo-agent"

        change(sqlite_seeded, boss)
        app.jobs.refresh_header()
        await settle(pilot)
        await settle(pilot)
        assert app.staff is None
        assert isinstance(app.screen, SignInScreen)
        notices = [str(n.message) for n in app._notifications]
        assert any(said in notice and "signed out" in notice for notice in notices), notices

"""No dead air: the code email exists as soon as F6 is pressed (not at the next
30-second round), the verify screen says when it went, and a second F6 within a minute
is refused."""

from helpdesk_tui.config import Settings
from helpdesk_tui.screens.guardian.code_mail_line import CodeMailLine
from helpdesk_tui.screens.guardian.verify_caller import VerifyCallerScreen
from tests.recovery import outbox_for, pick_guardian
from tests.ui.helpers import SIZE, make_app, open_guardian, settle, sign_in, text_of


async def test_the_code_email_goes_at_once_and_the_screen_says_when(
    sqlite_seeded, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    settings = Settings(database_url="", data_dir=tmp_path, config_file=tmp_path / "none.toml")
    app = make_app(sqlite_seeded, settings=settings)  # timers off: no delivery round runs
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await open_guardian(pilot, guardian.email)
        await pilot.press("v")
        await settle(pilot)
        verify = app.screen
        assert isinstance(verify, VerifyCallerScreen)
        await pilot.press("f6")
        await settle(pilot)
        await settle(pilot)  # the delivery the send asked for
        # The email is on disk now, not at the next round (the app's timers are off).
        [eml] = list((tmp_path / "demo-mail").glob("*.eml"))
        [mail] = [
            m for m in outbox_for(sqlite_seeded, guardian.id) if m.kind == "verification_code"
        ]
        assert mail.status == "sent" and mail.to_address in eml.read_text()
        verify.query_one(CodeMailLine).check()  # the line's own check, every second live
        await settle(pilot)
        line = text_of(pilot, "#code-mail")
        assert " sent at " in line and "A new one from" in line
        assert guardian.email not in line  # masked, like every address on this screen

        await pilot.press("f6")  # the caller says nothing came yet: too soon for another
        await settle(pilot)
        codes = [m for m in outbox_for(sqlite_seeded, guardian.id) if m.kind == "verification_code"]
        assert len(codes) == 1
        assert any("s more to arrive" in str(n.message) for n in app._notifications)

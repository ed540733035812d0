"""The reply composer never preselects an answer that claims work not done, and warns
once before sending one that does (reported: a username-change ticket opened on "we
changed your username" before anything was changed)."""

from sqlmodel import col, select

from helpdesk_tui.data.tables import OutboxMessage
from helpdesk_tui.screens.tickets.reply_composer import ReplyComposer
from helpdesk_tui.services import tickets as t
from tests.recovery import pick_guardian, staff
from tests.ui.helpers import SIZE, make_app, settle, text_of
from tests.ui.test_ticket_screen import _open_ticket


async def test_an_untrue_answer_is_not_the_default_and_warns_before_it_goes(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    agent = staff(sqlite_seeded, "demo-agent")
    guardian = pick_guardian(sqlite_seeded, account="active")
    with sqlite_seeded.write() as s:
        ticket_id = t.create_ticket(
            s,
            actor=agent,
            channel="email",
            category="username_change",
            subject="New username please",
            body="Can you change my username?",
            guardian_id=guardian.id,
        ).id
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await _open_ticket(app, pilot, ticket_id)
        await pilot.press("r")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ReplyComposer)
        body = composer.query_one("#reply-body").text
        assert "we changed your" not in body and "received your request" in body
        # The agent picks "Username changed" anyway and sends.
        composer.query_one("#reply-canned").value = "username_change"
        await settle(pilot)
        assert "we changed your Parent Portal username" in composer.query_one("#reply-body").text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is composer
        assert "no such action yet" in text_of(pilot, "#reply-error")
        await pilot.press("ctrl+s")  # a second time: sent as it is
        await settle(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, ReplyComposer)
    with sqlite_seeded.read() as s:
        sent = s.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.kind) == "ticket_reply",
                col(OutboxMessage.guardian_id) == guardian.id,
            )
        ).all()
    assert len(sent) == 1 and "we changed your Parent Portal username" in sent[0].body

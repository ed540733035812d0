"""A ticket by keyboard: reply with a canned answer in Spanish, wait on the guardian
(the clock stops), and merge a duplicate."""

from datetime import UTC, datetime

from sqlmodel import col, select

from helpdesk_tui.data.tables import Guardian, OutboxMessage, Ticket, TicketMessage
from helpdesk_tui.screens.tickets.reply_composer import ReplyComposer
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from helpdesk_tui.services import tickets as t
from tests.recovery import pick_guardian, staff
from tests.ui.helpers import SIZE, find, make_app, settle, sign_in, text_of


def _ticket_for(db, guardian, subject="Perdí mi clave") -> int:  # type: ignore[no-untyped-def]
    agent = staff(db, "demo-agent")
    with db.write() as s:
        return t.create_ticket(
            s,
            actor=agent,
            channel="email",
            category="key_request",
            subject=subject,
            body="No encuentro el correo con la clave.",
            guardian_id=guardian.id,
        ).id


async def _open_ticket(app, pilot, ticket_id: int) -> TicketDetailScreen:  # type: ignore[no-untyped-def]
    await sign_in(pilot)
    screen = TicketDetailScreen(ticket_id)
    app.push_screen(screen)
    await settle(pilot)
    return screen


async def test_reply_with_a_canned_answer_in_spanish_then_wait_on_the_guardian(
    sqlite_seeded,
) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    with sqlite_seeded.write() as s:
        s.get(Guardian, guardian.id).preferred_language = "es"
    ticket_id = _ticket_for(sqlite_seeded, guardian)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_ticket(app, pilot, ticket_id)
        assert "First response due" in text_of(pilot, "#ticket-clock")
        await pilot.press("r")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ReplyComposer)
        body = composer.query_one("#reply-body").text
        assert body.startswith(f"Estimado/a {guardian.first_name} {guardian.last_name}")
        assert "Referencia: HD-" in body and "de lunes a viernes, de 07:30 a 15:30" in body
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is screen and screen.detail.status == "open"
        assert "Resolution due" in text_of(pilot, "#ticket-clock")
        await pilot.press("p")
        await settle(pilot)
        await settle(pilot)
        assert "Clocks paused" in text_of(pilot, "#ticket-clock")
    with sqlite_seeded.read() as s:
        ticket = s.get(Ticket, ticket_id)
        sent = s.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.kind) == "ticket_reply",
                col(OutboxMessage.guardian_id) == guardian.id,
            )
        ).one()
    assert ticket.status == "pending" and ticket.due_at is None and ticket.pending_since is not None
    assert ticket.first_response_at is not None and sent.body == body.strip()
    assert sent.to_address == guardian.email and sent.subject.startswith(f"[HD-{ticket.number}]")


async def test_merge_a_duplicate_moves_the_conversation_and_closes_it(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    keep = _ticket_for(sqlite_seeded, guardian, "Necesito una clave")
    duplicate = _ticket_for(sqlite_seeded, guardian, "Necesito una clave (otra vez)")
    with sqlite_seeded.read() as s:
        keep_number = s.get(Ticket, keep).number
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_ticket(app, pilot, duplicate)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*f"HD-{keep_number}", "enter")
        await settle(pilot)
        await settle(pilot)
        assert screen.detail.status == "closed" and screen.detail.merged_into == f"HD-{keep_number}"
        assert not screen.active_bindings["r"].enabled
    with sqlite_seeded.read() as s:
        moved = s.exec(
            select(TicketMessage.ticket_id).where(
                col(TicketMessage.ticket_id).in_([keep, duplicate])
            )
        ).all()
        closed = s.get(Ticket, duplicate)
    assert (
        moved == [keep, keep]
        and closed.merged_into_id == keep
        and closed.closed_at <= datetime.now(UTC)
    )


async def test_the_whole_phone_call_from_lookup_to_resolved_ticket(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
    from helpdesk_tui.screens.guardian.key_shown import KeyShownModal
    from tests.recovery import birth_date_of
    from tests.ui.helpers import rows

    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await find(pilot, guardian.email)
        await pilot.press("t")  # one key: a phone ticket for this caller
        await settle(pilot)
        await settle(pilot)
        ticket = app.screen
        assert isinstance(ticket, TicketDetailScreen) and ticket.detail.channel == "phone"
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GuardianDetailScreen)
        await pilot.press("v")
        await settle(pilot)
        verify = app.screen
        await pilot.press(*guardian.postal_code, "enter")
        await settle(pilot)
        await pilot.click("#ans-birth_date")
        await pilot.press(*birth_date_of(sqlite_seeded, guardian.id), "enter")
        await settle(pilot)
        verify.query_one("#callback-to").value = (  # a place on file, shown masked
            "mobile" if guardian.mobile_phone else "home" if guardian.home_phone else "work"
        )
        await pilot.click("#callback-dial")
        await pilot.click("#callback-done")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        app.screen.query_one("#letter").value = True
        await pilot.click("#reissue-confirm")
        await settle(pilot)
        assert isinstance(app.screen, KeyShownModal)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")  # back to the ticket, which reloads
        await settle(pilot)
        await settle(pilot)
        assert app.screen is ticket
        what = [r[2] for r in rows(pilot, "#timeline")]
        assert what[0] == "created" and "verification" in what and "key reissued" in what
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")  # one key: the canned closing note as it stands
        await settle(pilot)
        await settle(pilot)
        assert ticket.detail.status == "resolved"
    with sqlite_seeded.read() as s:
        saved = s.get(Ticket, ticket.ticket_id)
    assert (
        saved.status == "resolved" and saved.channel == "phone" and saved.guardian_id == guardian.id
    )
    with sqlite_seeded.read() as s:
        notes = s.exec(
            select(TicketMessage.body).where(
                col(TicketMessage.ticket_id) == saved.id, col(TicketMessage.kind) == "note"
            )
        ).all()
    assert notes == ["Resolved (phone, key request): caller verified, key reissued."]


async def test_a_reply_written_while_someone_else_answered_is_held_back_with_the_draft_kept(
    sqlite_seeded,
) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    ticket_id = _ticket_for(sqlite_seeded, guardian)
    supervisor = staff(sqlite_seeded, "demo-supervisor")
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await _open_ticket(app, pilot, ticket_id)
        await pilot.press("r")
        await settle(pilot)
        composer = app.screen
        composer.query_one("#reply-body").text = "My own answer"
        with sqlite_seeded.write() as s:  # another desk answers first
            t.reply(
                s,
                actor=supervisor,
                ticket_id=ticket_id,
                subject="",
                body="Answered already.",
                seen_replies=0,
            )
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        again = app.screen
        assert isinstance(again, ReplyComposer) and again is not composer
        assert again.query_one("#reply-body").text == "My own answer"
        assert "Someone else replied" in text_of(pilot, "#reply-error")
    with sqlite_seeded.read() as s:
        replies = s.exec(
            select(TicketMessage.body).where(
                col(TicketMessage.ticket_id) == ticket_id, col(TicketMessage.kind) == "reply"
            )
        ).all()
    assert replies == ["Answered already."]

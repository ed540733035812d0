"""The supervisors' decision lists by keyboard: the header keeps counting what waits
after the toasts are gone; F8 shows the counts and d opens the lists; each list's
action works in place and reaches the database; agents do not get them."""

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    AuditEvent,
    GuardianStudent,
    MailImportFailure,
    OutboxMessage,
    Ticket,
    VerificationBlock,
)
from helpdesk_tui.screens.guardian import GuardianDetailScreen
from helpdesk_tui.screens.reports import DecisionsScreen, ServiceLevelsScreen
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from tests.ui.helpers import SIZE, make_app, rows, settle, sign_in, text_of
from tests.unit.test_decisions import make_one_of_each


async def _decisions(pilot, username: str = "demo-supervisor") -> DecisionsScreen:  # type: ignore[no-untyped-def]
    await sign_in(pilot, username)
    await pilot.press("f8")
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DecisionsScreen)
    return screen


async def test_the_header_keeps_counting_what_waits_for_a_decision(sqlite_seeded: Database):
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-supervisor")
        app.jobs.refresh_header()
        await settle(pilot)
        before = app.sub_title
        make_one_of_each(sqlite_seeded)  # a block, a failed and an unimported email arrive
        app.jobs.refresh_header()
        await settle(pilot)
        assert "to decide (F8, d)" in app.sub_title and app.sub_title != before
        await pilot.press("f8")
        await settle(pilot)
        line = text_of(pilot, "#levels-decisions")
        assert "Waiting for a decision (d)" in line and "not imported 1" in line


async def test_a_supervisor_works_each_mail_list_in_place(sqlite_seeded: Database):
    made = make_one_of_each(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _decisions(pilot)
        with sqlite_seeded.read() as s:  # opened once, read (and audited) once
            opened = s.exec(
                select(AuditEvent.id).where(col(AuditEvent.action) == "decisions_viewed")
            ).all()
        assert len(opened) == 1
        await pilot.press("3")  # email not sent
        await settle(pilot)
        [row] = [r for r in rows(pilot, "#decisions-table") if r[1] == "Your portal username"]
        assert row[0] == "m•••@example.org"
        assert "550 5.1.1 mailbox unavailable" in text_of(pilot, "#decisions-why")
        await pilot.press("s")
        await settle(pilot)
        assert not [r for r in rows(pilot, "#decisions-table") if r[1] == "Your portal username"]
        await pilot.press("4")  # email not imported
        await settle(pilot)
        assert rows(pilot, "#decisions-table")[0][:2] == [
            "ana@parent.example",
            "Mi clave no funciona",
        ]
        await pilot.press("x")
        await pilot.press(*"Answered by phone", "enter")
        await settle(pilot)
        assert rows(pilot, "#decisions-table") == []
        assert text_of(pilot, "#decisions-hint") == "Email not imported: nothing waits here."
        assert screen.loads >= 3  # read again after each decision
    with sqlite_seeded.read() as s:
        assert s.get(OutboxMessage, made["mail"]).status == "pending"
        failure = s.get(MailImportFailure, made["failure"])
        actions = s.exec(
            select(AuditEvent.action).where(col(AuditEvent.staff_username) == "demo-supervisor")
        ).all()
    assert failure.outcome == "dismissed"
    assert {"decisions_viewed", "mail_retried", "mail_import_dismissed"} <= set(actions)


async def test_a_block_is_cleared_with_a_reason_and_enter_opens_the_guardian(
    sqlite_seeded: Database,
):
    made = make_one_of_each(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await _decisions(pilot)
        names = [r[0] for r in rows(pilot, "#decisions-table")]  # list 1: blocked
        assert names
        await pilot.press("x")  # only for the email lists: not offered here, does nothing
        await settle(pilot)
        assert isinstance(app.screen, DecisionsScreen)
        assert not app.screen.check_action("discard", ())
        ours = next(
            i for i, e in enumerate(app.screen.lists.blocked) if e.guardian_id == made["guardian"]
        )
        for _ in range(ours):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GuardianDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DecisionsScreen)
        await pilot.press("b")
        await pilot.press("escape")  # the reason dialog, abandoned: nothing cleared
        await settle(pilot)
        await pilot.press("b")
        await pilot.press(*"Called the mother back, ID checked", "enter")
        await settle(pilot)
        assert made["guardian"] not in {e.guardian_id for e in app.screen.lists.blocked}
    with sqlite_seeded.read() as s:
        block = s.exec(
            select(VerificationBlock).where(col(VerificationBlock.guardian_id) == made["guardian"])
        ).one()
    assert block.clear_reason == "Called the mother back, ID checked"


async def test_an_agent_gets_neither_the_lists_nor_the_header_count(sqlite_seeded: Database):
    make_one_of_each(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-agent")
        app.jobs.refresh_header()
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ServiceLevelsScreen)
        assert "to decide" not in app.sub_title
        assert text_of(pilot, "#levels-decisions") == ""


async def test_the_other_actions_of_each_list(sqlite_seeded: Database):
    """Restrictions (r), discarding a failed email (x), trying an unimported one again
    (t), and a ticket due within the hour opened with Enter."""
    made = make_one_of_each(sqlite_seeded)
    with sqlite_seeded.write() as s:  # due in half an hour from now, as the screen reads it
        s.get(Ticket, made["ticket"]).due_at = datetime.now(UTC) + timedelta(minutes=30)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _decisions(pilot)
        await pilot.press("2")
        await settle(pilot)
        link = screen.lists.restricted[0]
        await pilot.press("r", *"Court order lifted, copy on file", "enter")
        await settle(pilot)
        assert (link.guardian_id, link.student_id) not in {
            (e.guardian_id, e.student_id) for e in screen.lists.restricted
        }
        await pilot.press("3", "x", *"Address corrected, sent by letter", "enter")
        await settle(pilot)
        assert made["mail"] not in {e.outbox_id for e in screen.lists.mail_failed}
        await pilot.press("4", "t")
        await settle(pilot)
        assert screen.lists.mail_unimported == []
        await pilot.press("5")
        await settle(pilot)
        assert rows(pilot, "#decisions-table")[0][1] == "Clave perdida"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailScreen)
    with sqlite_seeded.read() as s:
        cleared = s.exec(
            select(GuardianStudent).where(
                col(GuardianStudent.guardian_id) == link.guardian_id,
                col(GuardianStudent.student_id) == link.student_id,
            )
        ).one()
        mail = s.get(OutboxMessage, made["mail"])
        failure = s.get(MailImportFailure, made["failure"])
        reasons = dict(
            s.exec(
                select(AuditEvent.action, AuditEvent.reason).where(
                    col(AuditEvent.action).in_(["restriction_cleared", "mail_discarded"])
                )
            ).all()
        )
    assert not cleared.restricted and mail.discarded_at is not None
    assert (mail.status, failure.outcome) == ("failed", "retry")
    assert reasons == {
        "restriction_cleared": "Court order lifted, copy on file",
        "mail_discarded": "Address corrected, sent by letter",
    }

"""The attachments dialog over a ticket, on both databases: it lists the files that came
with the guardian's email (name, kind, size in words, whose email and when), Enter
saves the highlighted one and says where (never over an earlier copy), Esc closes; a
file's name from outside is shown as written, never read as markup."""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import AuditEvent, Ticket
from helpdesk_tui.screens.tickets.attachments_dialog import AttachmentsDialog
from helpdesk_tui.screens.tickets.ticket_detail import TicketDetailScreen
from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.tickets.email_in import _import
from tests.recovery import pick_guardian, staff
from tests.ui.helpers import SIZE, make_app, rows, settle, sign_in, text_of
from tests.unit.attachment_helpers import pdf, png


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest) -> Database:
    """A fresh copy of the demo district, on each database."""
    database: Database = request.getfixturevalue(
        "sqlite_seeded" if request.param == "sqlite" else "pg_seeded"
    )
    return database


def _emailed_ticket(database: Database) -> tuple[int, str, str]:
    """A ticket opened by a guardian's email with a screenshot and a PDF; returns its
    id, label and the sender's name."""
    guardian = pick_guardian(database)
    message = EmailMessage()
    message["From"] = f"{guardian.first_name} <{guardian.email}>"
    message["Subject"], message["Message-ID"] = "Portal error", make_msgid()
    message.set_content("The portal shows this.")
    message.add_attachment(png(), maintype="image", subtype="png", filename="[bold red]error.png")
    message.add_attachment(
        pdf() + b"%" * 240_000, maintype="application", subtype="pdf", filename="letter.pdf"
    )
    _, label = _import(database, message.as_bytes(), now=datetime.now(UTC))
    with database.read() as s:
        ticket_id = s.exec(select(Ticket.id).where(col(Ticket.number) == int(label[3:]))).one()
    return ticket_id, label, guardian.first_name


async def test_list_save_twice_and_close(seeded: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ticket_id, label, sender = _emailed_ticket(seeded)
    folder = tmp_path / "Downloads"
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        ticket = TicketDetailScreen(ticket_id)
        app.push_screen(ticket)
        await settle(pilot)
        ticket.show(AttachmentsDialog(ticket_id, label=label, folder=folder))
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AttachmentsDialog)
        assert text_of(pilot, "#attachments-title") == f"Attachments on {label}"
        listed = rows(pilot, "#attachments")
        assert [r[:3] for r in listed] == [
            ["[bold red]error.png", "PNG picture", f"{len(png())} bytes"],
            ["letter.pdf", "PDF document", "235 KB"],
        ]
        assert all(r[3].startswith(f"{sender} · ") for r in listed)
        assert "2 files from the guardian." in text_of(pilot, "#attachments-status")

        await pilot.press("enter")  # the first row is highlighted
        await settle(pilot)
        first = folder / "[bold red]error.png"
        assert dialog.saved == [first] and first.read_bytes() == png()
        assert str(first) in text_of(pilot, "#attachments-status")

        await pilot.press("enter")  # again: a second copy, the first left as it was
        await settle(pilot)
        assert dialog.saved[-1] == folder / "[bold red]error (2).png"
        assert "(2).png" in text_of(pilot, "#attachments-status")

        await pilot.press("down", "enter")
        await settle(pilot)
        assert dialog.saved[-1] == folder / "letter.pdf"
        assert (folder / "letter.pdf").read_bytes().startswith(b"%PDF-")

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is ticket
    assert sorted(p.name for p in folder.iterdir()) == [
        "[bold red]error (2).png",
        "[bold red]error.png",
        "letter.pdf",
    ]
    with seeded.read() as s:
        saved = s.exec(
            select(AuditEvent.detail).where(
                col(AuditEvent.action) == "attachment_opened", col(AuditEvent.outcome) == "done"
            )
        ).all()
    assert len([d for d in saved if d.startswith(f"{label}: ")]) == 3


async def test_a_ticket_without_files_says_so(seeded: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    agent = staff(seeded, "demo-agent")
    with seeded.write() as s:  # a phone call: no email, no file
        ref = t.create_ticket(
            s,
            actor=agent,
            channel="phone",
            category="other",
            subject="Call",
            body="Called.",
            guardian_id=pick_guardian(seeded).id,
        )
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        app.push_screen(AttachmentsDialog(ref.id, label=ref.label, folder=tmp_path / "saved"))
        await settle(pilot)
        assert app.screen.query_one("#attachments", DataTable).row_count == 0
        assert text_of(pilot, "#attachments-status") == "No files came with this ticket's emails."
        await pilot.press("enter")  # nothing to save
        await settle(pilot)
        assert not (tmp_path / "saved").exists()
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AttachmentsDialog)


async def test_the_ticket_screen_says_how_many_files_and_a_opens_them(
    sqlite_seeded: Database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ticket_id, label, _ = _emailed_ticket(sqlite_seeded)
    app = make_app(sqlite_seeded)
    app.attachments_dir = tmp_path / "saved"  # type: ignore[attr-defined]
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        ticket = TicketDetailScreen(ticket_id)
        app.push_screen(ticket)
        await settle(pilot)
        [message] = ticket.query(".message").results()
        assert "· 2 attachments (a)" in str(message.border_title)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AttachmentsDialog)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is ticket
        assert "attachment saved" in [r[2] for r in rows(pilot, "#timeline")]
    assert [p.name for p in (tmp_path / "saved").iterdir()] == ["[bold red]error.png"]

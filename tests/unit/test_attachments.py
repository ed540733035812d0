"""Attachments on incoming email (issue 12), on both databases: real multipart mail
imported the way the mailbox round imports it; pictures, PDFs and plain text kept
(what they are decided by their bytes), everything else and oversize files refused
with a line in the message; names cleaned; listing and saving only for staff who may
see the ticket, saving audited; saved copies owner-only and never over another file;
nothing of a file in the guardian lookup's index."""

import os
import stat
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from helpdesk_tui.data.demo.rows import demo_key
from helpdesk_tui.data.tables import AuditEvent, Guardian, SearchTerm, Ticket, TicketMessage
from helpdesk_tui.data.tables.tickets import TicketAttachment
from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.guardians import search_guardians
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.permissions import may_see_guardian
from helpdesk_tui.services.tickets.email_in import _import
from helpdesk_tui.services.tickets.email_parse import MAX_ATTACHMENT_BYTES, parse_mail
from helpdesk_tui.vocabulary import AuditAction
from tests.conftest import SEED
from tests.recovery import pick_guardian, staff
from tests.unit.attachment_helpers import pdf, png, windows_program

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
NOTE_WORD = "quibblefrotz"  # in a text attachment only: it must not reach the lookup


def email(sender: str, subject: str, text: str, *files: tuple[str, str, bytes]) -> bytes:
    """A multipart email as a mail program writes it: text, then each (name, declared
    type, content) as a base64 attachment."""
    message = EmailMessage()
    message["From"], message["To"] = sender, "help@district.example"
    message["Subject"], message["Message-ID"] = subject, make_msgid(domain="parent.example")
    message.set_content(text)
    for name, declared, content in files:
        maintype, subtype = declared.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def imported(database, raw: bytes) -> Ticket:  # type: ignore[no-untyped-def]
    kind, label = _import(database, raw, now=NOW)
    assert kind in ("created", "threaded"), kind
    with database.read() as s:
        ticket = s.exec(select(Ticket).where(col(Ticket.number) == int(label[3:]))).one()
        s.expunge(ticket)
        return ticket


def stored(database, ticket_id: int) -> list[TicketAttachment]:  # type: ignore[no-untyped-def]
    with database.read() as s:
        rows = s.exec(
            select(TicketAttachment)
            .where(col(TicketAttachment.ticket_id) == ticket_id)
            .order_by(col(TicketAttachment.id))
        ).all()
        for r in rows:
            s.expunge(r)
        return list(rows)


def last_body(database, ticket_id: int) -> str:  # type: ignore[no-untyped-def]
    with database.read() as s:
        return s.exec(
            select(TicketMessage.body)
            .where(col(TicketMessage.ticket_id) == ticket_id)
            .order_by(col(TicketMessage.id).desc())
        ).first()


def audit_count(database, actor, outcome: str, action=AuditAction.ATTACHMENT_OPENED) -> int:  # type: ignore[no-untyped-def]
    with database.read() as s:
        return s.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                col(AuditEvent.staff_id) == actor.id,
                col(AuditEvent.action) == action,
                col(AuditEvent.outcome) == outcome,
            )
        ).one()


def test_a_png_a_pdf_and_a_note_are_kept_listed_and_saved(action_db, tmp_path):
    guardian = pick_guardian(action_db)
    agent = staff(action_db, "demo-agent")
    with action_db.read() as s:
        terms_before = s.exec(select(func.count()).select_from(SearchTerm)).one()
    note = f"Steps I tried: {NOTE_WORD} then the login page again.\n".encode()
    ticket = imported(
        action_db,
        email(
            f"{guardian.first_name} <{guardian.email}>",
            "The portal shows an error",
            "Here is what I see, and the letter you sent.",
            ("screenshot.png", "image/png", png()),
            ("letter.pdf", "application/pdf", pdf()),
            ("steps.txt", "text/plain", note),
        ),
    )
    assert ticket.guardian_id == guardian.id
    assert "not kept" not in last_body(action_db, ticket.id)
    rows = stored(action_db, ticket.id)
    assert [(r.filename, r.media_type, r.size) for r in rows] == [
        ("screenshot.png", "image/png", len(png())),
        ("letter.pdf", "application/pdf", len(pdf())),
        ("steps.txt", "text/plain", len(note)),
    ]
    assert rows[0].content == png() and rows[1].content == pdf()

    with action_db.read() as s:
        listed = t.attachments_of(s, actor=agent, ticket_id=ticket.id)
    assert [(a.filename, a.kind, a.size_words) for a in listed] == [
        ("screenshot.png", "PNG picture", f"{len(png())} bytes"),
        ("letter.pdf", "PDF document", f"{len(pdf())} bytes"),
        ("steps.txt", "text file", f"{len(note)} bytes"),
    ]
    assert {a.author for a in listed} == {guardian.first_name}

    # Saving: the bytes as they came, owner-only, never over a file already there.
    before = audit_count(action_db, agent, "done")
    folder = tmp_path / "Downloads"
    with action_db.write() as s:
        file = t.attachment_content(s, actor=agent, attachment_id=listed[0].id)
        first = t.write_attachment(file, folder)
        second = t.write_attachment(file, folder)
    assert (first.name, second.name) == ("screenshot.png", "screenshot (2).png")
    assert first.read_bytes() == second.read_bytes() == png()
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600  # nobody else reads it, nothing runs it
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert audit_count(action_db, agent, "done") == before + 1
    with action_db.read() as s:
        row = s.exec(
            select(AuditEvent)
            .where(col(AuditEvent.action) == AuditAction.ATTACHMENT_OPENED)
            .order_by(col(AuditEvent.id).desc())
        ).first()
    assert row.guardian_id == guardian.id and "screenshot.png" in row.detail
    assert f"HD-{ticket.number}" in row.detail

    # The guardian lookup knows nothing of the files: no index row was written, and a
    # word found only in the note finds nobody.
    with action_db.read() as s:
        assert s.exec(select(func.count()).select_from(SearchTerm)).one() == terms_before
        assert not s.exec(
            select(SearchTerm).where(col(SearchTerm.term).contains(NOTE_WORD))
        ).first()
        assert search_guardians(s, actor=agent, query=NOTE_WORD).hits == ()


def test_a_program_renamed_png_web_pages_and_oversize_files_are_not_kept(action_db):
    guardian = pick_guardian(action_db)
    big = b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES  # 9 bytes over the limit
    ticket = imported(
        action_db,
        email(
            guardian.email,
            "Portal error",
            "See attached.",
            ("error.png", "image/png", windows_program()),
            ("portal.html", "text/html", b"<html><script>alert(1)</script></html>"),
            ("drawing.svg", "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
            ("notes.txt", "text/plain", b"<!DOCTYPE html><html><body>hi</body></html>"),
            ("scan.pdf", "application/pdf", big),
            ("kept.png", "image/png", png()),
        ),
    )
    assert [r.filename for r in stored(action_db, ticket.id)] == ["kept.png"]
    body = last_body(action_db, ticket.id)
    assert body.startswith("See attached.")
    lines = body.splitlines()
    assert (
        "Attachment not kept: error.png (named or marked as a PNG picture, but it is a "
        "Windows program)." in lines
    )
    assert any(line.startswith("Attachment not kept: portal.html (a web page;") for line in lines)
    assert any(
        line.startswith("Attachment not kept: drawing.svg (an SVG drawing;") for line in lines
    )
    assert any(
        line.startswith("Attachment not kept: notes.txt (named or marked as a text")
        for line in lines
    )
    assert "Attachment not kept: scan.pdf (10.0 MB, over the 10 MB limit for one file)." in lines


def test_an_email_keeps_at_most_25_mb_of_files():
    nine_mb = b"%PDF-1.4\n" + b"1" * (9 * 1024 * 1024)
    mail = parse_mail(
        email(
            "p@parent.example",
            "Scans",
            "Three scans.",
            *[(f"scan{n}.pdf", "application/pdf", nine_mb) for n in (1, 2, 3)],
        ),
        fallback_id="<x@y>",
    )
    assert [a.filename for a in mail.attachments] == ["scan1.pdf", "scan2.pdf"]
    assert (
        "Attachment not kept: scan3.pdf (9.0 MB; with it the email's files would pass the "
        "25 MB one email may keep)." in mail.body.splitlines()
    )


def test_names_lose_folders_and_control_characters_and_end_with_what_the_file_is(
    action_db, tmp_path
):
    guardian = pick_guardian(action_db)
    message = EmailMessage()
    message["From"], message["Subject"] = guardian.email, "Two screenshots"
    message["Message-ID"] = make_msgid(domain="parent.example")
    message.set_content("Two pictures.")
    message.add_attachment(
        png(),
        maintype="image",
        subtype="png",
        filename="../../home/staff/.bashrc\x1b[31m\x07.png",
    )
    message.add_attachment(
        png(),
        maintype="application",
        subtype="octet-stream",
        filename="C:\\Temp\\invoice\u202egnp.exe",
    )
    message.add_attachment(png(), maintype="image", subtype="png", filename="x" * 300 + ".png")
    ticket = imported(action_db, message.as_bytes())
    names = [r.filename for r in stored(action_db, ticket.id)]
    assert names[0] == "bashrc[31m.png"  # no folder, no escape or bell, not hidden
    assert names[1] == "invoicegnp.exe.png"  # no direction override; it is a picture
    assert len(names[2]) == 200 and names[2].endswith(".png")
    agent = staff(action_db, "demo-agent")
    with action_db.write() as s:
        listed = t.attachments_of(s, actor=agent, ticket_id=ticket.id)
        saved = [
            t.write_attachment(t.attachment_content(s, actor=agent, attachment_id=a.id), tmp_path)
            for a in listed
        ]
    assert [p.parent for p in saved] == [tmp_path] * 3  # nothing outside the folder
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def test_inline_pictures_of_an_html_email_are_attachments():
    message = EmailMessage()
    message["From"], message["Subject"] = "p@parent.example", "Error"
    message.set_content("See the picture.")
    message.add_alternative('<p>See the picture.</p><img src="cid:shot1">', subtype="html")
    html = message.get_payload()[1]
    html.add_related(png(), maintype="image", subtype="png", cid="<shot1>")
    mail = parse_mail(message.as_bytes(), fallback_id="<x@y>")
    assert [(a.filename, a.media_type) for a in mail.attachments] == [
        ("attachment-1.png", "image/png")
    ]
    assert mail.body == "See the picture."


def test_a_pasted_key_email_is_kept_without_the_key():
    key = demo_key(SEED, 1)
    mail = parse_mail(
        email(
            "p@parent.example",
            "Key",
            "It says used.",
            ("key-email.txt", "text/plain", f"Your activation key: {key}\n".encode()),
        ),
        fallback_id="<x@y>",
    )
    [note] = mail.attachments
    assert key not in note.content.decode() and "activation key removed" in note.content.decode()


def test_a_clerk_of_another_school_can_neither_list_nor_save(action_db, tmp_path):
    clerk = staff(action_db, "demo-clerk")
    with action_db.read() as s:
        guardian = next(
            g
            for g in s.exec(
                select(Guardian)
                .where(col(Guardian.email).is_not(None))
                .order_by(col(Guardian.id).desc())
            ).all()
            if not may_see_guardian(s, actor=clerk, guardian_id=g.id)
        )
    ticket = imported(
        action_db, email(guardian.email, "Error", "Picture.", ("e.png", "image/png", png()))
    )
    [row] = stored(action_db, ticket.id)
    viewed, opened = (
        audit_count(action_db, clerk, "denied", AuditAction.TICKET_VIEWED),
        audit_count(action_db, clerk, "denied"),
    )
    with pytest.raises(ActionDenied, match="no student at your school"), action_db.read() as s:
        t.attachments_of(s, actor=clerk, ticket_id=ticket.id)
    assert audit_count(action_db, clerk, "denied", AuditAction.TICKET_VIEWED) == viewed + 1
    with pytest.raises(ActionDenied), action_db.write() as s:
        t.write_attachment(t.attachment_content(s, actor=clerk, attachment_id=row.id), tmp_path)
    assert audit_count(action_db, clerk, "denied") == opened + 1
    assert audit_count(action_db, clerk, "done") == 0
    assert list(tmp_path.iterdir()) == []


def test_a_reply_brings_its_files_to_the_ticket_and_a_merge_takes_them_along(action_db):
    guardian = pick_guardian(action_db)
    agent = staff(action_db, "demo-agent")
    first = imported(
        action_db, email(guardian.email, "Error", "Hi.", ("a.png", "image/png", png()))
    )
    reply = imported(
        action_db,
        email(
            guardian.email,
            f"Re: [HD-{first.number}] Error",
            "More.",
            ("b.pdf", "application/pdf", pdf()),
        ),
    )
    assert reply.id == first.id
    other = imported(
        action_db, email(guardian.email, "Another", "Same.", ("c.png", "image/png", png()))
    )
    with action_db.write() as s:
        t.merge_tickets(s, actor=agent, duplicate_id=other.id, into_id=first.id)
    with action_db.read() as s:
        names = [a.filename for a in t.attachments_of(s, actor=agent, ticket_id=first.id)]
        left = t.attachments_of(s, actor=agent, ticket_id=other.id)
    assert names == ["a.png", "b.pdf", "c.png"] and left == ()


def test_saving_where_nothing_can_be_written_says_why(tmp_path):
    file = t.AttachmentFile(1, "HD-1", "x.png", "image/png", "0" * 64, png())
    (tmp_path / "report.txt").write_text("a file, not a folder")
    with pytest.raises(t.TicketError, match=r"^x.png could not be saved in .*report.txt/x: "):
        t.write_attachment(file, tmp_path / "report.txt" / "x")


def test_the_default_folder_is_downloads_when_there_is_one(tmp_path):
    downloads = tmp_path / "Downloads"
    assert t.attachments_folder(tmp_path / "data", downloads=downloads) == (
        tmp_path / "data" / "attachments"
    )
    downloads.mkdir(mode=0o755)
    assert t.attachments_folder(tmp_path / "data", downloads=downloads) == downloads
    file = t.AttachmentFile(1, "HD-1", "x.png", "image/png", "0" * 64, png())
    t.write_attachment(file, downloads)
    assert stat.S_IMODE(os.stat(downloads).st_mode) == 0o755  # their folder, left as it was


def test_a_file_from_an_unknown_sender_is_district_work(action_db, tmp_path):
    """No family linked: agents save it (audited with no guardian); clerks are refused."""
    agent, clerk = staff(action_db, "demo-agent"), staff(action_db, "demo-clerk")
    ticket = imported(
        action_db,
        email("stranger@nowhere.example", "Error", "Hi.", ("e.png", "image/png", png())),
    )
    assert ticket.guardian_id is None
    [row] = stored(action_db, ticket.id)
    with pytest.raises(ActionDenied, match="district helpdesk work"), action_db.write() as s:
        t.attachment_content(s, actor=clerk, attachment_id=row.id)
    with action_db.write() as s:
        saved = t.write_attachment(
            t.attachment_content(s, actor=agent, attachment_id=row.id), tmp_path
        )
    assert saved.read_bytes() == png()
    with action_db.read() as s:
        last = s.exec(
            select(AuditEvent)
            .where(col(AuditEvent.staff_id) == agent.id)
            .order_by(col(AuditEvent.id).desc())
        ).first()
    assert (last.action, last.outcome, last.guardian_id) == ("attachment_opened", "done", None)


def test_markup_that_mentions_pdf_is_not_kept_as_a_pdf() -> None:
    """Review of issue 12: "%PDF-" anywhere in the first KB made an SVG or a web page
    with a script pass as a PDF document."""
    from helpdesk_tui.services.tickets.email_parse import sniff

    svg = b"<!-- %PDF- --><svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    page = b"<html><!-- %PDF-1.4 --><script>location='x'</script></html>"
    assert sniff(svg, declared="image/svg+xml", name="pic.svg") is None
    assert sniff(page, declared="text/html", name="page.html") is None
    assert sniff(b"\xef\xbb\xbf%PDF-1.7\n...", declared="application/pdf", name="a.pdf") == (
        "application/pdf"
    )

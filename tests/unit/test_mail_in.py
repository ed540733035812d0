"""Email in from a real IMAP server (Dovecot on loopback), on both databases: new
conversations become tickets, replies thread into theirs, odd mail still becomes a
readable ticket or lands in the error folder, and nothing is read twice."""

from email import policy
from email.parser import BytesParser

import pytest
from sqlmodel import col, select

from helpdesk_tui.config import KEYRING_SERVICE, ImapSettings
from helpdesk_tui.data.tables import Ticket, TicketMessage
from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.tickets import ERRORS, PROCESSED, MailboxUnavailable, fetch_mail
from tests.recovery import pick_guardian, staff
from tests.support.imap_server import IMAP_PASSWORD, IMAP_USER, ImapServer


@pytest.fixture
def mailbox(memory_keyring):
    memory_keyring.set_password(KEYRING_SERVICE, "imap", IMAP_PASSWORD)
    server = ImapServer()
    server.start()
    yield server
    server.remove()


def settings(server: ImapServer, **kw) -> ImapSettings:
    return ImapSettings(
        host="127.0.0.1", port=server.port, username=IMAP_USER, security="none", timeout=5, **kw
    )


def mail(
    sender: str,
    subject: str,
    body: bytes,
    *,
    extra: str = "",
    content_type: str = 'text/plain; charset="utf-8"',
    message_id: str = "",
) -> bytes:
    head = (
        f"From: {sender}\r\nTo: help@district.example\r\nSubject: {subject}\r\n"
        + (f"Message-ID: {message_id}\r\n" if message_id else "")
        + extra
        + f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n"
    )
    return head.encode("utf-8") + body


def messages_of(db, label: str) -> list[TicketMessage]:
    with db.read() as s:
        number = int(label.removeprefix("HD-"))
        rows = s.exec(
            select(TicketMessage)
            .join(Ticket, col(Ticket.id) == col(TicketMessage.ticket_id))
            .where(col(Ticket.number) == number)
            .order_by(col(TicketMessage.id))
        ).all()
        for r in rows:
            s.expunge(r)
        return list(rows)


def test_a_guardians_email_opens_a_ticket_and_a_reply_threads_into_it(action_db, mailbox):
    guardian = pick_guardian(action_db)
    mailbox.deliver(
        mail(
            f"{guardian.first_name} <{guardian.email.upper()}>",
            "Lost key",
            b"Necesito una clave nueva, por favor.",
            message_id="<first@parent.example>",
        )
    )
    report = fetch_mail(action_db, settings(mailbox))
    [label] = report.created
    with action_db.read() as s:
        ticket = s.exec(select(Ticket).where(col(Ticket.number) == int(label[3:]))).one()
    assert (ticket.guardian_id, ticket.channel, ticket.status) == (guardian.id, "email", "new")
    assert messages_of(action_db, label)[0].body == "Necesito una clave nueva, por favor."
    agent = staff(action_db, "demo-agent")
    with action_db.write() as s:
        t.set_pending(s, actor=agent, ticket_id=ticket.id)
    mailbox.deliver(
        mail(
            guardian.email,
            f"Re: [{label}] Lost key",
            b"Thanks, it worked.",
            extra="In-Reply-To: <first@parent.example>\r\n",
        )
    )
    again = fetch_mail(action_db, settings(mailbox))
    assert again.threaded == [label] and again.created == []
    with action_db.read() as s:
        assert s.get(Ticket, ticket.id).status == "open"  # the answer restarts the clock
    assert mailbox.count("INBOX") == 0 and mailbox.count(PROCESSED) == 2


def test_odd_mail_becomes_readable_tickets_and_nothing_is_read_twice(action_db, mailbox):
    big = ("word " * 10_000).encode()
    mailbox.deliver(
        mail(
            "Unknown <someone@nowhere.example>",
            "HTML only",
            b"<html><body><p>Hola,</p><p>no puedo <b>entrar</b></p><script>x()</script></body></html>",
            content_type="text/html",
        )
    )
    mailbox.deliver(
        mail(
            "latin@nowhere.example",
            "Windows-1252",
            "Muñoz está aquí".encode("cp1252"),
            content_type='text/plain; charset="windows-1252"',
        )
    )
    mailbox.deliver(
        mail(
            "wrong@nowhere.example",
            "Lies about its charset",
            b"caf\xe9 \xff\xfe",
            content_type='text/plain; charset="x-unknown"',
        )
    )
    mailbox.deliver(mail("big@nowhere.example", "Huge", big))
    mailbox.deliver(b"this is not an email at all \x00\x01")
    report = fetch_mail(action_db, settings(mailbox))
    assert len(report.created) == 5 and report.errors == []
    bodies = {
        m.author_name: m.body for label in report.created for m in messages_of(action_db, label)
    }
    assert "Hola,\n\nno puedo entrar" in bodies["Unknown"] and "x()" not in bodies["Unknown"]
    assert bodies["latin@nowhere.example"] == "Muñoz está aquí"
    assert bodies["wrong@nowhere.example"].startswith("caf")
    assert len(bodies["big@nowhere.example"]) < 21_000 and "cut" in bodies["big@nowhere.example"]
    # Put the same messages back (a crash before they were moved): nothing new.
    imap = mailbox.client()
    imap.select(PROCESSED)
    imap.copy("1:*", "INBOX")
    imap.logout()
    second = fetch_mail(action_db, settings(mailbox))
    assert second.created == [] and second.duplicates == 5


def test_replies_to_closed_or_unknown_tickets_and_empty_mail_start_new_tickets(action_db, mailbox):
    mailbox.deliver(mail("x@nowhere.example", "HD-999999999 about my key", b"Hello"))
    [first] = fetch_mail(action_db, settings(mailbox)).created
    agent = staff(action_db, "demo-agent")
    with action_db.write() as s:
        ticket_id = t.ticket_id_for(s, int(first[3:]))
        t.resolve(s, actor=agent, ticket_id=ticket_id)
        t.assign(s, actor=agent, ticket_id=ticket_id, staff_id=None)
    with action_db.write() as s:  # closed for good
        s.get(Ticket, ticket_id).status = "closed"
    mailbox.deliver(mail("x@nowhere.example", f"Re: [{first}] about my key", b"Still broken"))
    mailbox.deliver(mail("", "", b""))
    report = fetch_mail(action_db, settings(mailbox))
    assert len(report.created) == 2 and first not in report.created and report.threaded == []
    bodies = sorted(m.body for label in report.created for m in messages_of(action_db, label))
    assert bodies[0].startswith("(This email had no readable text") and bodies[1] == "Still broken"


def test_a_message_that_cannot_be_imported_goes_to_the_error_folder(
    action_db, mailbox, monkeypatch
):
    from helpdesk_tui.services.tickets import email_in as mail_in

    real = mail_in.parse_mail

    def failing(raw: bytes, *, fallback_id: str):  # type: ignore[no-untyped-def]
        if b"POISON" in raw:
            raise ValueError("simulated failure while importing")
        return real(raw, fallback_id=fallback_id)

    monkeypatch.setattr(mail_in, "parse_mail", failing)
    mailbox.deliver(mail("a@nowhere.example", "fine", b"ok"))
    mailbox.deliver(mail("b@nowhere.example", "POISON", b"bad"))
    report = fetch_mail(action_db, settings(mailbox))
    assert (
        len(report.created) == 1
        and len(report.errors) == 1
        and "simulated failure" in report.errors[0]
    )
    assert mailbox.count(ERRORS) == 1 and mailbox.count("INBOX") == 0


def test_a_failing_mailbox_says_why(action_db, mailbox):
    with pytest.raises(MailboxUnavailable, match="refused the login"):
        fetch_mail(
            action_db,
            ImapSettings(
                host="127.0.0.1",
                port=mailbox.port,
                username="nobody-here",
                security="none",
                timeout=5,
            ),
        )
    mailbox.stop()
    with pytest.raises(MailboxUnavailable, match="cannot reach"):
        fetch_mail(action_db, settings(mailbox))


def test_mail_fetch_command(action_db, mailbox):
    from tests.unit.test_cli import _run

    unset = _run(action_db, "mail", "fetch", env={"HELPDESK_IMAP_HOST": ""})
    assert unset.exit_code == 1 and "No support mailbox is set up" in unset.output
    mailbox.deliver(mail("someone@nowhere.example", "Help", b"Please call me."))
    env = {
        "HELPDESK_IMAP_HOST": "127.0.0.1",
        "HELPDESK_IMAP_PORT": str(mailbox.port),
        "HELPDESK_IMAP_USERNAME": IMAP_USER,
        "HELPDESK_IMAP_SECURITY": "none",
    }
    done = _run(action_db, "mail", "fetch", env=env)
    assert done.exit_code == 0 and done.output.startswith("1 new ticket, 0 replies threaded"), (
        done.output
    )


def test_our_reply_carries_threading_headers_and_the_answer_to_it_threads_back(
    action_db, mailbox, tmp_path
):
    from helpdesk_tui.data.tables import OutboxMessage
    from helpdesk_tui.services.mail import EmlFolderTransport, deliver_due

    mailbox.deliver(
        mail(
            "thread@nowhere.example",
            "Question",
            b"How do I log in?",
            message_id="<q1@parent.example>",
        )
    )
    [label] = fetch_mail(action_db, settings(mailbox)).created
    agent = staff(action_db, "demo-agent")
    with action_db.write() as s:
        ticket_id = t.ticket_id_for(s, int(label[3:]))
        t.reply(
            s, actor=agent, ticket_id=ticket_id, subject="", body="Use New User.", seen_replies=0
        )
    with action_db.read() as s:
        ours = s.exec(
            select(OutboxMessage).where(col(OutboxMessage.to_address) == "thread@nowhere.example")
        ).one()
    assert ours.in_reply_to == "<q1@parent.example>"
    # Other tests leave mail queued in this shared district: send it all (oldest first).
    while deliver_due(
        action_db, EmlFolderTransport(tmp_path / "out"), sender="help@district.example"
    ).sent:
        pass
    [eml] = [
        p
        for p in (tmp_path / "out").glob("*.eml")
        if ours.message_id.strip("<>").split("@")[0] in p.name
    ]
    assert "In-Reply-To: <q1@parent.example>" in eml.read_text()
    mailbox.deliver(
        mail(
            "thread@nowhere.example",
            "Re: Question",
            b"It worked!",
            extra=f"In-Reply-To: {ours.message_id}\r\n",
        )
    )
    assert fetch_mail(action_db, settings(mailbox)).threaded == [label]


KEY = "{E69293F4-1CB5-4E29-8F1E-EEF6FF3BB7F7}"
KEY_HEX = "E69293F41CB54E298F1EEEF6FF3BB7F7"


def holds_key(text: str) -> bool:
    """The key in any spelling: braces, dashes, spaces, line breaks, any case."""
    return KEY_HEX in "".join(ch for ch in text if ch.isalnum()).upper()


def raw_messages(mailbox: ImapServer, folder: str) -> list[bytes]:
    imap = mailbox.client()
    try:
        imap.select(folder, readonly=True)
        found = imap.uid("SEARCH", "ALL")[1][0].split()
        return [
            next(p[1] for p in imap.uid("FETCH", uid, "(BODY.PEEK[])")[1] if isinstance(p, tuple))
            for uid in found
        ]
    finally:
        imap.logout()


def test_a_reply_quoting_the_key_is_stored_without_it_and_without_the_quoted_history(
    action_db, mailbox
):
    quoted_key_email = (
        "e69293f4 1cb5 4e29 8f1e eef6ff3bb7f7 does not work, it says already used.\r\n"
        "Gracias,\r\nAna\r\n\r\n"
        "On Mon, Nov 2, 2026 at 9:15 AM Valle Verde Helpdesk <help@district.example> wrote:\r\n"
        "> Dear Ana Muñoz,\r\n>\r\n> Here is your personal Parent Portal activation key:\r\n"
        f">\r\n>     {KEY}\r\n>\r\n> It expires on 2027-02-01.\r\n"
    ).encode()
    mailbox.deliver(
        mail(
            "Ana Muñoz <ana.quoted@nowhere.example>",
            f"Re: your key {KEY}",
            quoted_key_email,
            message_id="<quoted-key@parent.example>",
        )
    )
    report = fetch_mail(action_db, settings(mailbox))
    [label] = report.created
    [message] = messages_of(action_db, label)
    assert message.body.startswith("[activation key removed] does not work, it says already used.")
    assert "Gracias,\nAna" in message.body
    assert "Dear Ana" not in message.body and "wrote:" not in message.body
    assert "earlier messages this email quoted are not shown" in message.body
    with action_db.read() as s:
        ticket = s.exec(select(Ticket).where(col(Ticket.number) == int(label[3:]))).one()
    assert not holds_key(ticket.subject) and "[activation key removed]" in ticket.subject
    # The copy kept in the support mailbox is redacted too, quoted history and all.
    [kept] = raw_messages(mailbox, PROCESSED)
    parsed = BytesParser(policy=policy.default).parsebytes(kept)
    assert not holds_key(parsed.get_content()) and not holds_key(str(parsed["Subject"]))
    assert not holds_key(kept.decode("ascii", "replace"))
    assert "Dear Ana Mu" in parsed.get_content()  # the history is kept there, redacted
    assert parsed["Message-ID"] == "<quoted-key@parent.example>"
    assert mailbox.count("INBOX") == 0


def test_a_quoted_code_is_removed_and_other_numbers_stay(action_db, mailbox):
    html = (
        b"<html><body><p>Student number 123456 is my son. My daughter is in 4th grade.</p>"
        b'<div class="gmail_quote">On Tue, Nov 3, 2026, Helpdesk wrote:<br>'
        b"<blockquote>Your helpdesk verification code is <b>482 913</b>.</blockquote></div>"
        b"</body></html>"
    )
    mailbox.deliver(
        mail(
            "code.reply@nowhere.example",
            "Re: your verification code",
            html,
            content_type='text/html; charset="utf-8"',
            message_id="<code-reply@parent.example>",
        )
    )
    [label] = fetch_mail(action_db, settings(mailbox)).created
    [message] = messages_of(action_db, label)
    assert message.body.startswith("Student number 123456 is my son.")
    assert "482" not in message.body and "verification code is" not in message.body
    [kept] = raw_messages(mailbox, PROCESSED)
    text = BytesParser(policy=policy.default).parsebytes(kept).get_content()
    assert "482 913" not in text and "482913" not in text and "123456" in text

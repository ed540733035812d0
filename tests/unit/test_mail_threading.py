"""A reply threads onto its ticket by "HD-n" only from the ticket's own requester: a
stranger who types a family's ticket number (and attaches files) gets a ticket of
their own instead (review of issue 12)."""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

from sqlmodel import col, select

from helpdesk_tui.data.tables import Ticket, TicketMessage
from helpdesk_tui.services.tickets.email_in import _import
from tests.recovery import pick_guardian

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _mail(sender: str, subject: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, "help@district.example"
    message["Subject"], message["Message-ID"] = subject, make_msgid(domain="parent.example")
    message.set_content("Any news?")
    return message.as_bytes()


def test_only_the_requester_threads_by_ticket_number(action_db) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(action_db)
    kind, label = _import(action_db, _mail(guardian.email, "My key does not work"), now=NOW)
    assert kind == "created"
    kind, again = _import(action_db, _mail(guardian.email.upper(), f"Re: [{label}] key"), now=NOW)
    assert (kind, again) == ("threaded", label)
    kind, other = _import(action_db, _mail("stranger@else.example", f"Re: [{label}]"), now=NOW)
    assert kind == "created" and other != label
    with action_db.read() as s:
        ticket = s.exec(select(Ticket).where(col(Ticket.number) == int(label[3:]))).one()
        on_it = s.exec(select(TicketMessage).where(col(TicketMessage.ticket_id) == ticket.id)).all()
    assert len(on_it) == 2  # the family's two emails, not the stranger's

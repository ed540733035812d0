"""An email ticket gets the category its words suggest (English or Spanish), so its
service targets and the queue's category filter apply; the timeline says why."""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

from sqlmodel import col, select

from helpdesk_tui.data.tables import Ticket, TicketEvent
from helpdesk_tui.services.tickets.email_in import _import

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _mail(subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = "someone@parent.example", "help@district.example"
    message["Subject"], message["Message-ID"] = subject, make_msgid(domain="parent.example")
    message.set_content(body)
    return message.as_bytes()


def _ticket(database, label: str) -> tuple[Ticket, list[TicketEvent]]:  # type: ignore[no-untyped-def]
    with database.read() as s:
        ticket = s.exec(select(Ticket).where(col(Ticket.number) == int(label[3:]))).one()
        events = s.exec(select(TicketEvent).where(col(TicketEvent.ticket_id) == ticket.id)).all()
        return ticket, list(events)


def test_a_spanish_forgotten_password_is_filed_as_such(action_db) -> None:  # type: ignore[no-untyped-def]
    kind, label = _import(
        action_db, _mail("Ayuda", "Buenos días, olvidé mi contraseña del portal."), now=NOW
    )
    ticket, events = _ticket(action_db, label)
    assert (kind, ticket.category, ticket.priority) == ("created", "forgot_login", "normal")
    why = [e.detail for e in events if e.kind == "suggested"]
    assert len(why) == 1 and "olvidé mi contraseña" in why[0]


def test_an_email_about_nothing_we_know_stays_other_with_no_reason_given(action_db) -> None:  # type: ignore[no-untyped-def]
    _, label = _import(action_db, _mail("Thank you", "Thanks for the help yesterday!"), now=NOW)
    ticket, events = _ticket(action_db, label)
    assert ticket.category == "other"
    assert [e for e in events if e.kind == "suggested"] == []

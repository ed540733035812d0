"""An email that cannot be imported waits on the supervisors' list (real Dovecot on
loopback, both databases): tried again, the next mailbox read puts it back in the inbox
and imports it; a database that goes away leaves mail in the inbox, not in the errors
folder."""

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import MailImportFailure, Ticket
from helpdesk_tui.services import decisions as d
from helpdesk_tui.services.kernel.errors import DatabaseUnavailable
from helpdesk_tui.services.tickets import ERRORS, fetch_mail
from helpdesk_tui.services.tickets import email_in as mail_in
from tests.recovery import staff
from tests.unit.test_mail_in import mail, mailbox, settings  # noqa: F401 - the fixture

ID = "<stuck-1@parent.example>"


def _poisoned(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = mail_in.parse_mail

    def failing(raw: bytes, *, fallback_id: str):  # type: ignore[no-untyped-def]
        if b"POISON" in raw:
            raise ValueError("simulated failure while importing")
        return real(raw, fallback_id=fallback_id)

    monkeypatch.setattr(mail_in, "parse_mail", failing)


def _failures(db) -> list[MailImportFailure]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        rows = s.exec(select(MailImportFailure).order_by(col(MailImportFailure.id))).all()
        for r in rows:
            s.expunge(r)
        return list(rows)


def test_an_unimported_email_is_listed_then_retried_into_a_ticket(
    action_db,
    mailbox,  # noqa: F811
    monkeypatch,
):
    _poisoned(monkeypatch)
    mailbox.deliver(
        mail("Luz Paredes <luz@parent.example>", "Ayuda POISON", b"No puedo entrar", message_id=ID)
    )
    fetch_mail(action_db, settings(mailbox))
    [failure] = [f for f in _failures(action_db) if f.message_id == ID]
    assert (failure.sender, failure.subject) == ("luz@parent.example", "Ayuda POISON")
    assert "simulated failure" in failure.error and failure.handled_at is None
    assert mailbox.count(ERRORS) == 1

    boss = staff(action_db, "demo-supervisor")
    with action_db.write() as s:
        d.retry_unimported_mail(s, actor=boss, failure_id=failure.id)
    monkeypatch.undo()  # the bug is fixed: the next read imports it
    report = fetch_mail(action_db, settings(mailbox))
    [label] = report.created
    with action_db.read() as s:
        ticket = s.exec(select(Ticket).where(col(Ticket.number) == int(label[3:]))).one()
    assert ticket.subject == "Ayuda POISON"
    assert mailbox.count(ERRORS) == 0 and mailbox.count("INBOX") == 0
    [after] = [f for f in _failures(action_db) if f.message_id == ID]
    assert after.outcome == "retried"


def test_a_retried_email_that_fails_again_is_back_on_the_list_once(
    action_db,
    mailbox,  # noqa: F811
    monkeypatch,
):
    _poisoned(monkeypatch)
    stuck = "<stuck-2@parent.example>"
    mailbox.deliver(mail("a@parent.example", "POISON again", b"x", message_id=stuck))
    fetch_mail(action_db, settings(mailbox))
    [failure] = [f for f in _failures(action_db) if f.message_id == stuck]
    boss = staff(action_db, "demo-supervisor")
    with action_db.write() as s:
        d.retry_unimported_mail(s, actor=boss, failure_id=failure.id)
    fetch_mail(action_db, settings(mailbox))  # still poisoned
    [again] = [f for f in _failures(action_db) if f.message_id == stuck]
    assert (again.id, again.handled_at, again.outcome) == (failure.id, None, None)
    assert mailbox.count(ERRORS) == 1


def test_a_database_that_goes_away_leaves_the_mail_in_the_inbox(
    action_db,
    mailbox,  # noqa: F811
    monkeypatch,
):
    def unavailable(*_a, **_k):  # type: ignore[no-untyped-def]
        raise DatabaseUnavailable("the database is locked by another desk")

    monkeypatch.setattr(mail_in, "_import", unavailable)
    mailbox.deliver(mail("b@parent.example", "Sin acceso", b"hola"))
    with pytest.raises(DatabaseUnavailable):
        fetch_mail(action_db, settings(mailbox))
    assert mailbox.count("INBOX") == 1 and mailbox.count(ERRORS) == 0

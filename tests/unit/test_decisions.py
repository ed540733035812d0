"""The supervisors' decision lists, on both databases: what each list holds and counts,
who may read them, and what each mail decision leaves in the database."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import (
    AuditEvent,
    MailImportFailure,
    OutboxMessage,
    Ticket,
    VerificationBlock,
)
from helpdesk_tui.services import decisions as d
from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.mail import retry_failed, unsent_counts
from helpdesk_tui.services.tickets.email_failures import record_failure
from helpdesk_tui.vocabulary import Category, Channel, OutboxStatus
from tests.conftest import BACKENDS
from tests.recovery import pick_guardian, staff
from tests.unit.staff_helpers import fresh_copy

NOW = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)  # a Wednesday, 9:00 in Chicago

POISON = (
    b"From: Ana Ruiz <ana@parent.example>\r\nSubject: Mi clave no funciona\r\n"
    b"Message-ID: <poison-1@parent.example>\r\n\r\nbody"
)


@pytest.fixture(params=BACKENDS)
def fresh(request):  # type: ignore[no-untyped-def]
    return fresh_copy(request, request.param)


def failed_mail(db, guardian_id: int, *, body: str = "Your username is ...") -> int:
    with db.write() as s:
        row = OutboxMessage(
            message_id=f"<m-{guardian_id}-{len(body)}@helpdesk.invalid>",
            created_at=NOW - timedelta(hours=3),
            kind="username",
            guardian_id=guardian_id,
            to_address="maria.lopez@example.org",
            subject="Your portal username",
            body=body,
            status=OutboxStatus.FAILED,
            attempts=8,
            next_attempt_at=NOW,
            last_error="550 5.1.1 mailbox unavailable",
        )
        s.add(row)
        s.flush()
        return row.id or 0


def make_one_of_each(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """One of each kind of decision, made afresh; their ids."""
    guardian = pick_guardian(db)
    with db.write() as s:
        s.add(VerificationBlock(guardian_id=guardian.id, blocked_at=NOW, failures=3))
        ref = t.create_ticket(
            s,
            actor=None,
            channel=Channel.EMAIL,
            category=Category.LOST_KEY,
            subject="Clave perdida",
            guardian_id=guardian.id,
            now=NOW - timedelta(hours=7),
        )
        s.get(Ticket, ref.id).due_at = NOW + timedelta(minutes=40)
    record_failure(db, POISON, message_id="<poison-1@parent.example>", error="boom", now=NOW)
    with db.read() as s:
        failure = s.exec(select(MailImportFailure)).one()
    return {
        "guardian": guardian.id,
        "ticket": ref.id,
        "mail": failed_mail(db, guardian.id),
        "failure": failure.id or 0,
    }


def _counts(db, who: str = "demo-supervisor") -> d.DecisionCounts:  # type: ignore[no-untyped-def]
    actor = staff(db, who)
    with db.read() as s:
        return d.decision_counts(s, actor=actor, now=NOW)


def test_each_list_counts_and_names_what_waits(fresh):
    before = _counts(fresh)
    made = make_one_of_each(fresh)
    after = _counts(fresh)
    assert (
        after.blocked - before.blocked,
        after.mail_failed - before.mail_failed,
        after.mail_unimported - before.mail_unimported,
        after.breaching_soon - before.breaching_soon,
    ) == (1, 1, 1, 1)
    boss = staff(fresh, "demo-supervisor")
    with fresh.write() as s:
        lists = d.decision_lists(s, actor=boss, now=NOW)
    assert made["guardian"] in {b.guardian_id for b in lists.blocked}
    [mail] = [m for m in lists.mail_failed if m.outbox_id == made["mail"]]
    assert mail.to_masked == "m•••@example.org" and "mailbox unavailable" in mail.error
    assert not mail.erased
    [unimported] = lists.mail_unimported
    assert (unimported.sender, unimported.subject) == ("ana@parent.example", "Mi clave no funciona")
    assert made["ticket"] in {b.ticket_id for b in lists.breaching_soon}
    assert len(lists.restricted) == after.restricted  # the demo has a few, all listed
    with fresh.read() as s:
        viewed = s.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "decisions_viewed")
        ).one()
    assert "1 not imported" in viewed.detail


def test_a_ticket_already_late_or_due_later_is_not_breaching_within_the_hour(fresh):
    made = make_one_of_each(fresh)
    base = _counts(fresh).breaching_soon
    with fresh.write() as s:
        s.get(Ticket, made["ticket"]).due_at = NOW + timedelta(minutes=61)
    assert _counts(fresh).breaching_soon == base - 1
    with fresh.write() as s:
        s.get(Ticket, made["ticket"]).due_at = NOW - timedelta(minutes=1)
    assert _counts(fresh).breaching_soon == base - 1


@pytest.mark.parametrize("who", ["demo-agent", "demo-clerk"])
def test_only_supervisors_see_the_lists(fresh, who):
    make_one_of_each(fresh)
    assert _counts(fresh, who).total == 0  # nothing to decide, nothing given away
    actor = staff(fresh, who)
    with pytest.raises(ActionDenied), fresh.write() as s:
        d.decision_lists(s, actor=actor, now=NOW)
    with fresh.read() as s:
        denied = s.exec(
            select(AuditEvent).where(
                col(AuditEvent.action) == "decisions_viewed", col(AuditEvent.outcome) == "denied"
            )
        ).all()
    assert [r.staff_username for r in denied] == [who]


def _mail_row(db, outbox_id: int) -> OutboxMessage:  # type: ignore[no-untyped-def]
    with db.read() as s:
        row = s.get(OutboxMessage, outbox_id)
        s.expunge(row)
        return row


def test_a_failed_email_sent_again_goes_back_in_the_queue_once(fresh):
    made = make_one_of_each(fresh)
    boss = staff(fresh, "demo-supervisor")
    with fresh.write() as s:
        d.retry_failed_mail(s, actor=boss, outbox_id=made["mail"], now=NOW)
    row = _mail_row(fresh, made["mail"])
    assert (row.status, row.attempts) == ("pending", 0)
    with pytest.raises(DomainError, match="another desk dealt with it"), fresh.write() as s:
        d.retry_failed_mail(s, actor=boss, outbox_id=made["mail"], now=NOW)
    with fresh.read() as s:
        rows = s.exec(select(AuditEvent).where(col(AuditEvent.action) == "mail_retried")).all()
    assert [(r.guardian_id, r.staff_username) for r in rows] == [
        (made["guardian"], "demo-supervisor")
    ]


def test_an_email_whose_key_was_erased_cannot_be_sent_again_but_can_be_discarded(fresh):
    guardian = pick_guardian(fresh)
    erased = failed_mail(fresh, guardian.id, body="[Not delivered: the key was erased]")
    boss = staff(fresh, "demo-supervisor")
    with pytest.raises(DomainError, match="send a new one"), fresh.write() as s:
        d.retry_failed_mail(s, actor=boss, outbox_id=erased, now=NOW)
    assert _mail_row(fresh, erased).status == "failed"
    with pytest.raises(DomainError, match="Give a reason"), fresh.write() as s:
        d.discard_failed_mail(s, actor=boss, outbox_id=erased, reason="  ", now=NOW)
    assert _mail_row(fresh, erased).discarded_at is None
    failed_before = _counts(fresh).mail_failed
    with fresh.read() as s:
        header_failed = unsent_counts(s)[1]
    with fresh.write() as s:
        d.discard_failed_mail(s, actor=boss, outbox_id=erased, reason="key reissued by letter")
    assert _counts(fresh).mail_failed == failed_before - 1
    with fresh.read() as s:
        assert unsent_counts(s)[1] == header_failed - 1  # the header stops saying FAILED
    with fresh.write() as s:
        assert retry_failed(s) == 0  # `helpdesk mail retry-failed` leaves it alone too
    with fresh.read() as s:
        row = s.exec(select(AuditEvent).where(col(AuditEvent.action) == "mail_discarded")).one()
    assert row.reason == "key reissued by letter" and row.guardian_id == guardian.id


def test_an_unimported_email_dismissed_or_retried_leaves_the_list_and_comes_back_if_it_fails_again(
    fresh,
):
    made = make_one_of_each(fresh)
    boss = staff(fresh, "demo-supervisor")
    with fresh.write() as s:
        d.retry_unimported_mail(s, actor=boss, failure_id=made["failure"], now=NOW)
    assert _counts(fresh).mail_unimported == 0
    with pytest.raises(DomainError, match="already dealt with"), fresh.write() as s:
        d.dismiss_unimported_mail(s, actor=boss, failure_id=made["failure"], reason="spam")
    # The next read imports it and it fails once more: back on the list, one row.
    record_failure(fresh, POISON, message_id="<poison-1@parent.example>", error="again", now=NOW)
    with fresh.read() as s:
        [row] = s.exec(select(MailImportFailure)).all()
    assert (row.error, row.outcome, row.handled_at) == ("again", None, None)
    with fresh.write() as s:
        d.dismiss_unimported_mail(s, actor=boss, failure_id=row.id, reason="answered by phone")
    assert _counts(fresh).mail_unimported == 0
    with fresh.read() as s:
        actions = s.exec(
            select(AuditEvent.action, AuditEvent.reason).where(
                col(AuditEvent.action).startswith("mail_import")
            )
        ).all()
    assert actions == [("mail_import_retried", ""), ("mail_import_dismissed", "answered by phone")]


def test_control_characters_and_a_pasted_blob_are_refused_as_reasons(fresh):
    made = make_one_of_each(fresh)
    boss = staff(fresh, "demo-supervisor")
    for reason in ("spam\x1b[2J", "x" * 10_000):
        with pytest.raises(DomainError), fresh.write() as s:
            d.dismiss_unimported_mail(s, actor=boss, failure_id=made["failure"], reason=reason)
    assert _counts(fresh).mail_unimported == 1

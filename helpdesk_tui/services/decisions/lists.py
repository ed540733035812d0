"""The lists that wait for a supervisor's decision: guardians blocked after failed
verifications, custody restrictions to review, email that failed to go out, email that
could not be imported, and tickets that breach their target within the hour.

``decision_counts`` is what the header and the dashboard show every few seconds: five
index reads, no names, no audit row. ``decision_lists`` is what a supervisor opens:
names and reasons, so it is supervisors only and audited.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from helpdesk_tui.data.tables import (
    Guardian,
    GuardianStudent,
    MailImportFailure,
    OutboxMessage,
    School,
    Staff,
    Student,
    Ticket,
    VerificationBlock,
)
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.masking import mask_email
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.mail import is_erased
from helpdesk_tui.vocabulary import AuditAction, OutboxStatus, Role

SOON = timedelta(hours=1)  # "breaching in the next hour"
LIST_LIMIT = 200  # each list's longest; the count says when there are more
DECISIONS_SUPERVISORS = "Only a supervisor works the decision lists."


@dataclass(frozen=True, slots=True)
class DecisionCounts:
    blocked: int
    restricted: int
    mail_failed: int
    mail_unimported: int
    breaching_soon: int

    @property
    def total(self) -> int:
        return (
            self.blocked
            + self.restricted
            + self.mail_failed
            + self.mail_unimported
            + self.breaching_soon
        )


@dataclass(frozen=True, slots=True)
class BlockedGuardian:
    guardian_id: int
    name: str
    blocked_at: datetime
    failures: int


@dataclass(frozen=True, slots=True)
class RestrictedLink:
    guardian_id: int
    student_id: int
    guardian_name: str
    student_name: str
    school: str
    relation: str
    from_sis: bool  # the SIS still marks it restricted (a court order on file)


@dataclass(frozen=True, slots=True)
class FailedMail:
    outbox_id: int
    guardian_id: int | None
    to_masked: str
    subject: str
    created_at: datetime
    attempts: int
    error: str
    erased: bool  # its key, code or link was erased: send a new one instead of retrying


@dataclass(frozen=True, slots=True)
class UnimportedMail:
    failure_id: int
    failed_at: datetime
    sender: str
    subject: str
    error: str


@dataclass(frozen=True, slots=True)
class BreachingTicket:
    ticket_id: int
    number: int
    subject: str
    due_at: datetime
    assignee: str | None


@dataclass(frozen=True, slots=True)
class DecisionLists:
    counts: DecisionCounts
    blocked: list[BlockedGuardian]
    restricted: list[RestrictedLink]
    mail_failed: list[FailedMail]
    mail_unimported: list[UnimportedMail]
    breaching_soon: list[BreachingTicket]


def _open_blocks() -> ColumnElement[bool]:
    return col(VerificationBlock.cleared_at).is_(None)


def _failed_mail() -> ColumnElement[bool]:
    return (col(OutboxMessage.status) == OutboxStatus.FAILED) & col(OutboxMessage.discarded_at).is_(
        None
    )


def _soon(now: datetime) -> ColumnElement[bool]:
    return (col(Ticket.due_at) >= now) & (col(Ticket.due_at) < now + SOON)


def decision_counts(
    session: Session, *, actor: StaffMember, now: datetime | None = None
) -> DecisionCounts:
    """How many wait in each list; zeros for anyone but a supervisor (nothing to
    decide, and nothing given away)."""
    if actor.role != Role.SUPERVISOR:
        return DecisionCounts(0, 0, 0, 0, 0)
    now = resolve_now(now)

    def count(statement: SelectOfScalar[int]) -> int:
        return int(session.exec(statement).one())

    return DecisionCounts(
        blocked=count(select(func.count()).select_from(VerificationBlock).where(_open_blocks())),
        restricted=count(
            select(func.count()).select_from(GuardianStudent).where(col(GuardianStudent.restricted))
        ),
        mail_failed=count(select(func.count()).select_from(OutboxMessage).where(_failed_mail())),
        mail_unimported=count(
            select(func.count())
            .select_from(MailImportFailure)
            .where(col(MailImportFailure.handled_at).is_(None))
        ),
        breaching_soon=count(select(func.count()).select_from(Ticket).where(_soon(now))),
    )


def decision_lists(
    session: Session, *, actor: StaffMember, now: datetime | None = None
) -> DecisionLists:
    """Every list, oldest (or most urgent) first, up to LIST_LIMIT entries each."""
    now = resolve_now(now)
    require_supervisor(
        session,
        actor=actor,
        action=AuditAction.DECISIONS_VIEWED,
        message=DECISIONS_SUPERVISORS,
        now=now,
    )
    counts = decision_counts(session, actor=actor, now=now)
    lists = DecisionLists(
        counts=counts,
        blocked=_blocked(session),
        restricted=_restricted(session),
        mail_failed=_mail_failed(session),
        mail_unimported=_unimported(session),
        breaching_soon=_breaching(session, now),
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.DECISIONS_VIEWED,
        guardian_id=None,
        detail=(
            f"{counts.blocked} blocked, {counts.restricted} restricted, "
            f"{counts.mail_failed} mail failed, {counts.mail_unimported} not imported, "
            f"{counts.breaching_soon} breaching within the hour"
        ),
        now=now,
    )
    return lists


def _name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def _blocked(session: Session) -> list[BlockedGuardian]:
    rows = session.exec(
        select(VerificationBlock, Guardian)
        .join(Guardian, col(Guardian.id) == col(VerificationBlock.guardian_id))
        .where(_open_blocks())
        .order_by(col(VerificationBlock.blocked_at))
        .limit(LIST_LIMIT)
    ).all()
    return [
        BlockedGuardian(g.id or 0, _name(g.first_name, g.last_name), b.blocked_at, b.failures)
        for b, g in rows
    ]


def _restricted(session: Session) -> list[RestrictedLink]:
    rows = session.exec(
        select(GuardianStudent, Guardian, Student, School)
        .join(Guardian, col(Guardian.id) == col(GuardianStudent.guardian_id))
        .join(Student, col(Student.id) == col(GuardianStudent.student_id))
        .join(School, col(School.id) == col(Student.school_id))
        .where(col(GuardianStudent.restricted))
        .order_by(col(GuardianStudent.guardian_id), col(GuardianStudent.student_id))
        .limit(LIST_LIMIT)
    ).all()
    return [
        RestrictedLink(
            guardian_id=g.id or 0,
            student_id=st.id or 0,
            guardian_name=_name(g.first_name, g.last_name),
            student_name=_name(st.first_name, st.last_name),
            school=school.name,
            relation=link.relation,
            from_sis=link.sis_restricted,
        )
        for link, g, st, school in rows
    ]


def _mail_failed(session: Session) -> list[FailedMail]:
    rows = session.exec(
        select(OutboxMessage)
        .where(_failed_mail())
        .order_by(col(OutboxMessage.created_at))
        .limit(LIST_LIMIT)
    ).all()
    return [
        FailedMail(
            outbox_id=m.id or 0,
            guardian_id=m.guardian_id,
            to_masked=mask_email(m.to_address),
            subject=m.subject,
            created_at=m.created_at,
            attempts=m.attempts,
            error=m.last_error or "no reason was recorded",
            erased=is_erased(m),
        )
        for m in rows
    ]


def _unimported(session: Session) -> list[UnimportedMail]:
    rows = session.exec(
        select(MailImportFailure)
        .where(col(MailImportFailure.handled_at).is_(None))
        .order_by(col(MailImportFailure.failed_at))
        .limit(LIST_LIMIT)
    ).all()
    return [UnimportedMail(f.id or 0, f.failed_at, f.sender, f.subject, f.error) for f in rows]


def _breaching(session: Session, now: datetime) -> list[BreachingTicket]:
    rows = session.exec(
        select(Ticket, Staff.full_name)
        .join(Staff, col(Staff.id) == col(Ticket.assignee_id), isouter=True)
        .where(_soon(now))
        .order_by(col(Ticket.due_at), col(Ticket.id))
        .limit(LIST_LIMIT)
    ).all()
    return [
        BreachingTicket(t.id or 0, t.number, t.subject, t.due_at or now, assignee)
        for t, assignee in rows
    ]

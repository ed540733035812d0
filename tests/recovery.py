"""Helpers for tests that verify callers and act on guardians."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, func
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    ActivationKey,
    AuditEvent,
    Guardian,
    GuardianStudent,
    OutboxMessage,
    PortalAccount,
    Student,
    Ticket,
    Verification,
)
from helpdesk_tui.services import verification as v
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.recovery import IssuedKey
from helpdesk_tui.services.staff import authenticate
from helpdesk_tui.services.verification import answers, proofs
from helpdesk_tui.vocabulary import Delivery


def staff(database: Database, username: str) -> StaffMember:
    return authenticate(database, username=username, password="demo-password")


def pick_guardian(
    database: Database,
    *,
    account: str | None = "none",
    verified_email: bool | None = None,
    restricted: bool = False,
    school_id: int | None = None,
    key_status: str | None = None,
    own_name: bool = False,
) -> Guardian:
    """A guardian no test has touched yet (no verification, no audit row), with an email and a
    postal code, portal rights to an enrolled student, the account state asked for
    ("none", "active", "disabled" or None for any) and a key in ``key_status`` if given."""
    with database.read() as session:
        touched = (
            exists().where(col(Verification.guardian_id) == col(Guardian.id))
            | exists().where(col(AuditEvent.guardian_id) == col(Guardian.id))
            # a ticket a test opened for them (the demo's own tickets do not count)
            | exists().where(
                col(Ticket.guardian_id) == col(Guardian.id), col(Ticket.created_by_id).is_not(None)
            )
        )
        restricted_link = exists().where(
            col(GuardianStudent.guardian_id) == col(Guardian.id), col(GuardianStudent.restricted)
        )
        usable_link = exists().where(
            col(GuardianStudent.guardian_id) == col(Guardian.id),
            col(GuardianStudent.portal_access),
            col(GuardianStudent.student_id) == col(Student.id),
            col(Student.enrolled_this_year),
            *([col(Student.school_id) == school_id] if school_id else []),
        )
        has_account = exists().where(col(PortalAccount.guardian_id) == col(Guardian.id))
        query = select(Guardian).where(
            ~touched,
            col(Guardian.email).is_not(None),
            col(Guardian.postal_code).is_not(None),
            usable_link,
            restricted_link if restricted else ~restricted_link,
        )
        if key_status is not None:
            query = query.where(
                exists().where(
                    col(ActivationKey.guardian_id) == col(Guardian.id),
                    col(ActivationKey.status) == key_status,
                )
            )
        if own_name:  # no other guardian shares the full name: the name alone finds them
            other = aliased(Guardian)
            query = query.where(
                ~exists().where(
                    col(other.first_name) == col(Guardian.first_name),
                    col(other.last_name) == col(Guardian.last_name),
                    col(other.id) != col(Guardian.id),
                )
            )
        if account == "none":
            query = query.where(~has_account)
        elif account is not None:
            status = exists().where(
                col(PortalAccount.guardian_id) == col(Guardian.id),
                col(PortalAccount.status) == account,
                *(
                    [col(PortalAccount.security_email_verified) == verified_email]
                    if verified_email is not None
                    else []
                ),
            )
            query = query.where(status)
        guardian = session.exec(query.order_by(col(Guardian.id)).limit(1)).first()
        assert guardian is not None, "the demo district has no such guardian left"
        session.expunge(guardian)
        return guardian


def birth_date_of(database: Database, guardian_id: int) -> str:
    with database.read() as session:
        born = session.exec(
            select(Student.birth_date)
            .join(GuardianStudent, col(GuardianStudent.student_id) == col(Student.id))
            .where(col(GuardianStudent.guardian_id) == guardian_id)
        ).first()
    assert born is not None
    return born.strftime("%m/%d/%Y")


def verify(database: Database, actor: StaffMember, guardian: Guardian) -> v.VerificationView:
    """A passing verification: ZIP and a birth date, then a callback (agents) or a
    photo ID with the signed form (clerks)."""
    gid = guardian.id or 0
    method = "in_person" if actor.is_clerk else "phone"
    with database.write() as session:
        started = v.start_verification(session, actor=actor, guardian_id=gid, method=method)
    with database.write() as session:
        kw = {"actor": actor, "verification_id": started.id}
        answers.check_screening(session, **kw, item="zip", answer=guardian.postal_code or "")
        answers.check_screening(
            session, **kw, item="birth_date", answer=birth_date_of(database, gid)
        )
        if actor.is_clerk:
            proofs.record_in_person(
                session, **kw, id_type="passport", id_matched=True, form_signed=True
            )
        else:
            phone = guardian.mobile_phone or guardian.home_phone or guardian.work_phone
            assert phone
            proofs.record_callback(session, **kw, phone=phone)
    with database.write() as session:
        return v.finish_verification(session, actor=actor, verification_id=started.id)


def audit_rows(database: Database, guardian_id: int) -> list[AuditEvent]:
    with database.read() as session:
        rows = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.guardian_id) == guardian_id)
            .order_by(col(AuditEvent.id))
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def outbox_for(database: Database, guardian_id: int) -> list[OutboxMessage]:
    with database.read() as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.guardian_id) == guardian_id)
            .order_by(col(OutboxMessage.id))
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def count(database: Database, model, *where) -> int:  # type: ignore[no-untyped-def]
    with database.read() as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def demo_key_of(database: Database, guardian_id: int, status: str) -> str:
    """The clear text of a demo guardian's key in ``status`` (demo keys are derivable).

    An active key is made good for 30 more days from today: the demo's keys were issued
    in the 60 days before SEED_NOW and last 90, so by the calendar they expire (from
    2026-12-02 on), and a test redeeming one would fail by the date, not the code."""
    from helpdesk_tui.data.demo.rows import demo_key
    from tests.conftest import SEED

    with database.write() as session:
        key = session.exec(
            select(ActivationKey).where(
                col(ActivationKey.guardian_id) == guardian_id, col(ActivationKey.status) == status
            )
        ).first()
        assert key is not None and key.id is not None
        good_until = datetime.now(UTC) + timedelta(days=30)
        if status == "active" and _aware(key.expires_at) < good_until:
            key.expires_at = good_until
        return demo_key(SEED, key.id)


def _aware(moment: datetime) -> datetime:  # SQLite gives back naive UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def letter_key(database: Database) -> IssuedKey:
    """A key just issued for a demo guardian, to be delivered by printed letter (the
    dialog that shows it saves the letter as it opens)."""
    guardian = pick_guardian(database)
    return IssuedKey(
        key="ABCD-EFGH-JKLM-NPQR",
        last4="NPQR",
        expires_at=datetime.now(UTC) + timedelta(days=30),
        guardian_id=guardian.id or 0,
        guardian_name=f"{guardian.first_name} {guardian.last_name}",
        language="en",
        mailing_address=("12 Elm St", "Town"),
        delivery=Delivery.LETTER,
        emailed_to=None,
        revoked_previous=0,
        notices=0,
    )

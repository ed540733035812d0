"""A cheap summary of what the portal and other desks may change on a guardian, for a
desk with the record open: it polls this and reloads when it moves, and tells the
staff member only about what someone else did (their own actions on another screen or
in a dialog reload quietly)."""

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import AuditEvent, LoginAttempt, PortalAccount, Staff
from helpdesk_tui.vocabulary import AuditAction


@dataclass(frozen=True, slots=True)
class RecordFingerprint:
    account: tuple[object, ...] | None  # the portal account's state
    last_attempt: int | None  # the newest portal sign-in attempt
    others_last: int | None  # the newest audit row not written by this staff member
    others_what: str  # what it was, in words: "key redeemed on the portal"
    mine_last: int | None  # the newest audit row written by this staff member

    def changed_by_others(self, older: "RecordFingerprint") -> bool:
        """Whether something between ``older`` and this was someone else's doing: a
        sign-in attempt, another person's audit row, or the account changed with no
        action of this staff member's beside it."""
        if (self.last_attempt, self.others_last) != (older.last_attempt, older.others_last):
            return True
        return self.account != older.account and self.mine_last == older.mine_last


def portal_fingerprint(
    session: Session, *, guardian_id: int, me: int | None = None
) -> RecordFingerprint:
    """The guardian's fingerprint as staff member ``me`` sees it."""
    account = session.exec(
        select(
            PortalAccount.id,
            PortalAccount.status,
            PortalAccount.failed_login_count,
            PortalAccount.username,
        ).where(col(PortalAccount.guardian_id) == guardian_id)
    ).first()
    last_attempt = (
        session.exec(
            select(func.max(LoginAttempt.id)).where(col(LoginAttempt.account_id) == account[0])
        ).one()
        if account
        else None
    )
    mine = col(AuditEvent.staff_id) == me
    others = session.exec(
        select(AuditEvent.id, AuditEvent.action, Staff.full_name)
        .join(Staff, col(Staff.id) == col(AuditEvent.staff_id), isouter=True)
        .where(
            col(AuditEvent.guardian_id) == guardian_id,
            or_(col(AuditEvent.staff_id).is_(None), ~mine),
        )
        .order_by(col(AuditEvent.id).desc())
        .limit(1)
    ).first()
    mine_last = session.exec(
        select(func.max(AuditEvent.id)).where(col(AuditEvent.guardian_id) == guardian_id, mine)
    ).one()
    what = ""
    if others is not None:
        who = f"by {others[2]}" if others[2] else "on the portal"
        what = f"{AuditAction.label_of(others[1])} {who}"
    return RecordFingerprint(
        account=tuple(account) if account else None,
        last_attempt=last_attempt,
        others_last=others[0] if others else None,
        others_what=what,
        mine_last=mine_last,
    )

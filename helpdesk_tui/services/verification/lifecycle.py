"""A verification from start to end.

It ends in one of four ways: the staff member finishes it, abandons it (Esc), starts
another for the same guardian (which replaces it), or leaves it open for
``OPEN_MINUTES`` (the app closed, the desk went away): it then expires, found by the
next step on it, by the next verification of that guardian, or by the background
sweep. However it ends:

- a wrong screening answer or a failed proof makes it FAILED, which counts towards
  the block (``verify_failure_limit`` failures in 24 hours);
- otherwise finishing passes it when it is ready and fails it when it is not, and
  any other end leaves it ABANDONED;
- one audit row (action "verification") says what happened: passed, failed, or done
  for a clean abandon, with how it ended in its detail; a block adds a "blocked" row.

Every write here locks the guardian row first (``lock_guardian``), before any check
whose refusal writes an audit row: the lock order of services/kernel/locks.py.
"""

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk_tui.data.engine import CommitThenRaise
from helpdesk_tui.data.tables import School, Staff, Verification, VerificationBlock
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.kernel.locks import lock_guardian
from helpdesk_tui.services.verification.checklist import (
    FAILURE_WINDOW,
    VerificationError,
    VerificationView,
    guardian_for,
    mine,
    open_block,
    view_of,
)
from helpdesk_tui.vocabulary import (
    AuditAction,
    AuditOutcome,
    VerificationMethod,
    VerificationOutcome,
)

OPEN_MINUTES = 30
OPEN_LIMIT = timedelta(minutes=OPEN_MINUTES)

FINISHED, ABANDONED, REPLACED, EXPIRED = "finished", "abandoned", "replaced", "expired"
_HOW = {
    FINISHED: "",
    ABANDONED: "abandoned",
    REPLACED: "replaced by a new verification",
    EXPIRED: f"expired after {OPEN_MINUTES} minutes open",
}
_AUDIT_OUTCOME = {
    VerificationOutcome.PASSED: AuditOutcome.PASSED,
    VerificationOutcome.FAILED: AuditOutcome.FAILED,
    VerificationOutcome.ABANDONED: AuditOutcome.DONE,
}


class VerificationEnded(VerificationError, CommitThenRaise):
    """The verification expired while it was being worked on: its end (and a failure,
    if it had one) is committed, then staff are told to start again."""


def start_verification(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    method: VerificationMethod,
    now: datetime | None = None,
) -> VerificationView:
    """A new verification of ``guardian_id`` by ``actor``. The actor's own open one for
    this guardian is replaced, and anyone's left open too long has expired: both end
    here, a failure counted as one."""
    now = resolve_now(now)
    if not VerificationMethod.has(method):
        raise VerificationError(
            f"Choose how the caller reached you: {', '.join(m.label for m in VerificationMethod)}."
        )
    lock_guardian(session, guardian_id)  # first: a refusal below writes an audit row for it
    guardian_for(session, actor, guardian_id, AuditAction.VERIFICATION, now)
    if actor.is_clerk and method != VerificationMethod.IN_PERSON:
        raise audit.deny(
            session,
            actor=actor,
            action=AuditAction.VERIFICATION,
            guardian_id=guardian_id,
            message="Clerks verify guardians in person only, with a photo ID and the signed form.",
            now=now,
        )
    district = get_district(session)
    for stale in session.exec(
        select(Verification)
        .where(
            col(Verification.guardian_id) == guardian_id,
            col(Verification.outcome) == VerificationOutcome.OPEN,
        )
        .order_by(col(Verification.id))
    ).all():
        if stale.staff_id == actor.id:
            _end(session, stale, REPLACED, actor, district, now)
        elif _expired(stale, now):
            _end(session, stale, EXPIRED, _owner(session, stale), district, now)
    if open_block(session, guardian_id) is not None:
        raise audit.deny(
            session,
            actor=actor,
            action=AuditAction.VERIFICATION,
            guardian_id=guardian_id,
            message="Verification is blocked for this guardian after repeated failures. "
            "A supervisor must review and clear it before anyone can try again.",
            now=now,
        )
    v = Verification(guardian_id=guardian_id, staff_id=actor.id, method=method, started_at=now)
    session.add(v)
    session.flush()
    return view_of(v, district, actor)


def open_verification(
    session: Session, actor: StaffMember, verification_id: int, now: datetime
) -> Verification:
    """The actor's verification, still open, for a step that changes it: the guardian
    row locked first, then the verification read again. One left open too long ends
    here (committed) and the step is refused."""
    v = mine(session, actor, verification_id, now)
    lock_guardian(session, v.guardian_id)
    session.flush()  # what this transaction changed so far stays, then the rest is re-read
    session.refresh(v)
    if v.outcome != VerificationOutcome.OPEN:
        raise VerificationError(
            f"This verification has already {VerificationOutcome.label_of(v.outcome)}; "
            "start a new one."
        )
    if _expired(v, now):
        ended = _end(session, v, EXPIRED, actor, get_district(session), now)
        raise VerificationEnded(
            f"This verification was open over {OPEN_MINUTES} minutes and has ended "
            f"({ended.outcome.label}); start a new one."
        )
    return v


def finish_verification(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    now: datetime | None = None,
) -> VerificationView:
    """Passed when enough screening items matched, an accepted proof was given and
    nothing failed; failed otherwise."""
    now = resolve_now(now)
    v = open_verification(session, actor, verification_id, now)
    return _end(session, v, FINISHED, actor, get_district(session), now)


def abandon_verification(
    session: Session, *, actor: StaffMember, verification_id: int, now: datetime | None = None
) -> VerificationView:
    """Stop without finishing (Esc): failed if anything failed so far, else abandoned."""
    now = resolve_now(now)
    v = open_verification(session, actor, verification_id, now)
    return _end(session, v, ABANDONED, actor, get_district(session), now)


def end_stale_verifications(session: Session, *, now: datetime | None = None) -> int:
    """The background sweep: end every verification left open over ``OPEN_MINUTES``
    (its staff member's desk closed with the checklist open). Returns how many."""
    now = resolve_now(now)
    stale = session.exec(
        select(Verification.id, Verification.guardian_id)
        .where(
            col(Verification.outcome) == VerificationOutcome.OPEN,
            col(Verification.started_at) <= now - OPEN_LIMIT,
        )
        .order_by(col(Verification.guardian_id), col(Verification.id))
    ).all()
    district = get_district(session) if stale else None
    ended = 0
    for verification_id, guardian_id in stale:
        lock_guardian(session, guardian_id)  # in guardian order: sweeps never deadlock
        v = session.get(Verification, verification_id)
        assert v is not None and district is not None
        session.flush()
        session.refresh(v)
        if v.outcome == VerificationOutcome.OPEN:
            _end(session, v, EXPIRED, _owner(session, v), district, now)
            ended += 1
    return ended


def _expired(v: Verification, now: datetime) -> bool:
    return v.started_at + OPEN_LIMIT <= now


def _owner(session: Session, v: Verification) -> StaffMember:
    """The staff member who ran ``v``: an expired verification is recorded as theirs."""
    row = session.exec(
        select(Staff, School.name)
        .join(School, col(School.id) == col(Staff.school_id), isouter=True)
        .where(col(Staff.id) == v.staff_id)
    ).one()
    staff, school = row
    return StaffMember.of(staff, school)


def _end(
    session: Session,
    v: Verification,
    how: str,
    owner: StaffMember,
    district: DistrictInfo,
    now: datetime,
) -> VerificationView:
    """The one way a verification ends; see the module docstring."""
    failures = view_of(v, district, owner).failures
    if how == FINISHED and view_of(v, district, owner).ready:
        v.outcome, v.valid_until = (
            VerificationOutcome.PASSED,
            now + timedelta(minutes=district.verify_pass_minutes),
        )
    elif failures or how == FINISHED:
        v.outcome = VerificationOutcome.FAILED
    else:
        v.outcome = VerificationOutcome.ABANDONED
    # An expired verification ended when it expired, not when that was noticed: the
    # 24-hour failure window counts it from then.
    v.finished_at = min(now, v.started_at + OPEN_LIMIT) if how == EXPIRED else now
    view = view_of(v, district, owner)
    audit.record(
        session,
        actor=owner,
        action=AuditAction.VERIFICATION,
        guardian_id=v.guardian_id,
        outcome=_AUDIT_OUTCOME[view.outcome],
        verification_id=v.id,
        verification=view.summary,
        detail=_detail(view.outcome, _HOW[how], failures),
        now=now,
    )
    if v.outcome == VerificationOutcome.FAILED:
        _maybe_block(session, owner, v.guardian_id, district, now)
    return view


def _detail(outcome: VerificationOutcome, how: str, failures: tuple[str, ...]) -> str:
    """The audit row's words: "passed", "abandoned", "failed (abandoned): home ZIP
    code did not match", "failed: not enough to pass"."""
    if outcome == VerificationOutcome.PASSED:
        return outcome.label
    if outcome == VerificationOutcome.ABANDONED:
        return f"{outcome.label} ({how})" if how != _HOW[ABANDONED] else outcome.label
    head = f"{outcome.label} ({how})" if how else outcome.label
    why = "; ".join(failures) or "not enough screening answers matched, or no accepted proof"
    return f"{head}: {why}"


def _maybe_block(
    session: Session, actor: StaffMember, guardian_id: int, district: DistrictInfo, now: datetime
) -> None:
    last_cleared = session.exec(
        select(func.max(VerificationBlock.cleared_at)).where(
            col(VerificationBlock.guardian_id) == guardian_id
        )
    ).one()
    since = max(now - FAILURE_WINDOW, last_cleared or now - FAILURE_WINDOW)
    failures = session.exec(
        select(func.count())
        .select_from(Verification)
        .where(
            col(Verification.guardian_id) == guardian_id,
            col(Verification.outcome) == VerificationOutcome.FAILED,
            col(Verification.finished_at) > since,
        )
    ).one()
    if failures >= district.verify_failure_limit and open_block(session, guardian_id) is None:
        session.add(VerificationBlock(guardian_id=guardian_id, blocked_at=now, failures=failures))
        audit.record(
            session,
            actor=actor,
            action=AuditAction.VERIFICATION_BLOCKED,
            guardian_id=guardian_id,
            outcome=AuditOutcome.BLOCKED,
            detail=f"{failures} failed verifications in 24 hours; supervisors alerted",
            now=now,
        )

"""The tamper-evident audit trail.

Every sensitive action, refused ones included, appends one row in the transaction of
the action. Each row's hash covers its own fields and the previous row's hash, so
changing, deleting or reordering a row breaks the chain from that row on, and
``verify_chain`` names it. Appends are serialized (SQLite: the writer's BEGIN
IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock) so the chain never forks.

What the chain alone cannot show is a change followed by recomputing every hash after
it, or rows deleted from the end (or all of them). An ``Anchor`` (the row count, the
last row's id and its hash at one moment), kept outside the database, closes that
gap: ``verify_chain(anchors=...)`` proves the trail still extends every anchor.
Database triggers refuse changes in the first place; ``verify_chain`` reports any that
are missing.
"""

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from helpdesk_tui.data.audit_guard import guard_status, restore_guards
from helpdesk_tui.data.engine import CommitThenRaise
from helpdesk_tui.data.tables import AuditEvent, Guardian
from helpdesk_tui.services.kernel.actors import StaffMember, SystemActor
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.vocabulary import AuditAction, AuditOutcome

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 7_200_301  # any constant; names the advisory lock that orders appends


class ActionDenied(DomainError, CommitThenRaise):
    """A refused sensitive action. Its "denied" audit row is committed, then this is
    raised; the message tells staff what to do instead."""


MAX_REASON = 300


def clean_reason(reason: str, *, required: bool) -> str:
    """A reason as the audit row keeps it: one line, trimmed; refused when required
    and empty or when too long, with what to do instead."""
    text = " ".join(reason.split())
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        # A NUL or a terminal control (pasted from elsewhere): PostgreSQL refuses a NUL,
        # and a control would act on the terminal of whoever reads the trail later.
        raise DomainError("The reason holds a control character (pasted?); type it again.")
    if required and not text:
        raise DomainError("Give a reason; it is kept in the audit trail.")
    if len(text) > MAX_REASON:
        raise DomainError(f"Keep the reason under {MAX_REASON} characters (it is {len(text)}).")
    return text


def _row_hash(prev_hash: str, e: AuditEvent) -> str:
    fields = {
        "at": e.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "staff_id": e.staff_id,
        "staff_username": e.staff_username,
        "guardian_id": e.guardian_id,
        "action": e.action,
        "outcome": e.outcome,
        "verification_id": e.verification_id,
        "verification": e.verification,
        "reason": e.reason,
        "detail": e.detail,
    }
    payload = prev_hash + json.dumps(fields, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    actor: StaffMember | SystemActor,
    action: AuditAction,
    guardian_id: int | None,
    outcome: AuditOutcome = AuditOutcome.DONE,
    verification_id: int | None = None,
    verification: str = "",
    reason: str = "",
    detail: str = "",
    now: datetime | None = None,
) -> AuditEvent:
    """Append one audit row to the current transaction."""
    if session.get_bind().dialect.name == "postgresql" and guardian_id is not None:
        # The row's foreign key needs the guardian row; take it before the append lock
        # (the lock order in kernel/locks.py), so a caller that did not lock the
        # guardian first waits here, not while holding the trail.
        session.exec(
            select(Guardian.id)
            .where(col(Guardian.id) == guardian_id)
            .with_for_update(key_share=True)
        )
    prev = _chain_head(session)
    event = AuditEvent(
        at=now or datetime.now(UTC),
        staff_id=actor.id,
        staff_username=actor.username,
        guardian_id=guardian_id,
        action=action,
        outcome=outcome,
        verification_id=verification_id,
        verification=verification[:200],
        reason=reason[:500],
        detail=detail[:500],
        prev_hash=prev,
        hash="",
    )
    event.hash = _row_hash(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


def _chain_head(session: Session) -> str:
    """The last row's hash, the append lock taken first (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_AUDIT_LOCK})")
    last = session.exec(select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1))
    return last.first() or GENESIS


def deny(
    session: Session,
    *,
    actor: StaffMember | SystemActor,
    action: AuditAction,
    guardian_id: int | None,
    message: str,
    now: datetime | None = None,
) -> ActionDenied:
    """Record a refused attempt and return the error to raise."""
    record(
        session,
        actor=actor,
        action=action,
        guardian_id=guardian_id,
        outcome=AuditOutcome.DENIED,
        detail=message,
        now=now,
    )
    return ActionDenied(message)


# -- anchors and verification ---------------------------------------------------------
_HASH = re.compile(r"[0-9a-f]{64}")


class BadAnchor(ValueError):
    """A line that is not an anchor (the message says what is wrong with it)."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where the trail stood at one moment: ``rows`` rows, the last one ``last_id``
    with hash ``head_hash`` (0 and GENESIS for an empty trail). ``database`` says
    which database it was taken on, for the person reading it."""

    rows: int
    last_id: int
    head_hash: str
    at: datetime
    database: str = ""

    def to_json(self) -> str:
        """One line a person can read and a later check can parse."""
        return json.dumps(
            {
                "rows": self.rows,
                "last_id": self.last_id,
                "head_hash": self.head_hash,
                "at": self.at.astimezone(UTC).isoformat(timespec="seconds"),
                "database": self.database,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, line: str) -> "Anchor":
        try:
            data: Any = json.loads(line)
        except ValueError as exc:
            raise BadAnchor(f"not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise BadAnchor("not a JSON object")
        missing = [k for k in ("rows", "last_id", "head_hash", "at") if k not in data]
        if missing:
            raise BadAnchor(f"it lacks {', '.join(missing)}")
        rows, last_id, head_hash = data["rows"], data["last_id"], data["head_hash"]
        if not (isinstance(rows, int) and isinstance(last_id, int) and rows >= 0 and last_id >= 0):
            raise BadAnchor("rows and last_id must be whole numbers, 0 or more")
        if not (isinstance(head_hash, str) and _HASH.fullmatch(head_hash)):
            raise BadAnchor("head_hash must be 64 hexadecimal digits")
        if (rows == 0) != (last_id == 0) or (rows == 0 and head_hash != GENESIS):
            raise BadAnchor("an empty trail's anchor has last_id 0 and the genesis hash")
        try:
            at = datetime.fromisoformat(str(data["at"]))
        except ValueError:
            raise BadAnchor("at must be a date and time (ISO 8601)") from None
        if at.tzinfo is None:
            raise BadAnchor("at must say its time zone")
        return cls(rows, last_id, head_hash, at, str(data.get("database", "")))


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What verifying found: ``problem`` is empty and no guard is missing when the
    trail is intact. ``first_broken_id`` names the row where the chain breaks;
    ``failed_anchor`` the index (in the anchors given) of the anchor the trail no
    longer extends, with ``anchors_matched`` the number it does."""

    rows_checked: int
    first_broken_id: int | None
    problem: str
    head_hash: str = GENESIS
    last_id: int = 0
    anchors_matched: int = 0
    failed_anchor: int | None = None
    missing_guards: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problem and not self.missing_guards


def _events(session: Session, after: int = 0, batch: int = 5000) -> Iterator[AuditEvent]:
    last_id = after
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.id) > last_id)
            .order_by(col(AuditEvent.id))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id or 0
        session.expunge_all()


def _anchor_problem(anchor: Anchor, event: AuditEvent) -> str:
    """Why row number ``anchor.rows`` of the trail (``event``) is not the anchored
    one, or "" when it is."""
    if event.id != anchor.last_id:
        return (
            f"row {anchor.rows:,} of the trail was row id {anchor.last_id} when anchored "
            f"and is row id {event.id} now: rows before it were deleted, inserted or "
            "renumbered and the hashes recomputed"
        )
    if event.hash != anchor.head_hash:
        return (
            f"row {event.id} no longer has the hash it had when anchored: the trail up "
            "to it was changed and its hashes recomputed"
        )
    return ""


def verify_chain(session: Session, *, anchors: Sequence[Anchor] = ()) -> ChainReport:
    """Walk the whole trail in id order; the first row whose stored hashes disagree with
    the recomputed chain is where tampering (an edit, a deletion, a reorder) starts.
    With ``anchors``, the trail must also pass through each one: at row number
    ``rows``, the row ``last_id`` with hash ``head_hash``; and it must not be shorter."""
    order = sorted(range(len(anchors)), key=lambda i: anchors[i].rows)
    pending = [i for i in order if anchors[i].rows > 0]  # an empty trail's always holds
    matched = len(order) - len(pending)
    missing = guard_status(session.connection()).missing
    prev, checked, last_id = GENESIS, 0, 0

    def report(broken: int | None, problem: str, failed: int | None = None) -> ChainReport:
        return ChainReport(checked, broken, problem, prev, last_id, matched, failed, tuple(missing))

    for event in _events(session):
        if event.prev_hash != prev:
            return report(
                event.id,
                "its previous-row hash does not match the row before it "
                "(a row was deleted, inserted or reordered here)",
            )
        if _row_hash(prev, event) != event.hash:
            return report(event.id, "its contents were changed after it was written")
        prev, last_id = event.hash, event.id or 0
        checked += 1
        while pending and anchors[pending[0]].rows == checked:
            problem = _anchor_problem(anchors[pending[0]], event)
            if problem:
                return report(None, problem, pending[0])
            matched += 1
            pending.pop(0)
    if pending:
        anchor = anchors[pending[0]]
        gone = "every row was deleted" if checked == 0 else "rows were deleted from its end"
        return report(
            None,
            f"the trail has {checked:,} rows but had {anchor.rows:,} when anchored (its "
            f"last row then was id {anchor.last_id}): {gone}",
            pending[0],
        )
    return report(None, "")


class AuditTrailBroken(DomainError):
    """The trail does not verify, so no anchor of it is taken."""


def take_anchor(session: Session, *, database: str = "", now: datetime | None = None) -> Anchor:
    """The trail's head now, after checking the whole chain: an anchor of a trail
    already tampered with would vouch for the tampering."""
    report = verify_chain(session)
    if report.problem:
        raise AuditTrailBroken(
            f"The audit trail is broken at row {report.first_broken_id}: {report.problem}; "
            "no anchor was taken. Run `helpdesk audit verify --anchor FILE` with the "
            "anchors you keep to see how far it is intact."
        )
    return Anchor(report.rows_checked, report.last_id, report.head_hash, resolve_now(now), database)


def extend_anchor(
    session: Session, previous: Anchor, *, database: str = "", now: datetime | None = None
) -> Anchor:
    """The trail's head now, checking only what was added since ``previous`` (an
    anchor of this trail): the row it names must still be there, with its hash and as
    many rows up to it, and the rows after it must chain on from it. What a daily
    anchor costs then grows with the day's rows, not the whole trail; the full walk
    is `helpdesk audit verify --anchor`'s."""
    if previous.rows == 0:
        return take_anchor(session, database=database, now=now)
    row = session.get(AuditEvent, previous.last_id)
    upto = session.exec(
        select(func.count()).select_from(AuditEvent).where(col(AuditEvent.id) <= previous.last_id)
    ).one()
    when = f"anchored {previous.at:%Y-%m-%d %H:%M} UTC"
    problem = ""
    if row is None:
        problem = f"row {previous.last_id}, the latest when {when}, is gone"
    elif row.hash != previous.head_hash:
        problem = f"row {previous.last_id} no longer has the hash it had when {when}"
    elif upto != previous.rows:
        problem = (
            f"{previous.rows:,} rows led up to row {previous.last_id} when {when}; {upto:,} do now"
        )
    prev, rows, last_id = previous.head_hash, previous.rows, previous.last_id
    for event in [] if problem else _events(session, after=previous.last_id):
        if event.prev_hash != prev or _row_hash(prev, event) != event.hash:
            problem = f"row {event.id} does not chain on from the row before it"
            break
        prev, rows, last_id = event.hash, rows + 1, event.id or 0
    if problem:
        raise AuditTrailBroken(
            f"The audit trail is broken: {problem}; no anchor was taken. Run `helpdesk "
            "audit verify --anchor FILE` with the anchors you keep to see how far it is intact."
        )
    return Anchor(rows, last_id, prev, resolve_now(now), database)


# -- the guards ------------------------------------------------------------------------
GUARD_REPAIR = SystemActor("audit-restore-guards")


def restore_append_only_guards(session: Session, *, now: datetime | None = None) -> tuple[str, ...]:
    """Put back any missing append-only guard (rows are never touched) and leave an
    audit row naming what was missing. Returns what was missing; nothing is written
    when every guard was in place."""
    before = restore_guards(session.connection())
    if before.missing:
        record(
            session,
            actor=GUARD_REPAIR,
            action=AuditAction.AUDIT_GUARDS_RESTORED,
            guardian_id=None,
            detail="were missing: " + ", ".join(before.missing),
            now=now,
        )
    return before.missing

"""A batch run of activation keys, from the dry run to its progress: what a run would
do (nothing written but its audit row), starting one (every family's fate decided and
kept, one audit row for the run), and how far a run has got.

Supervisors only. A batch gives keys without verifying a caller (they go only to what
is on file) and replaces outstanding keys across a school or the district: the
district's decision, like the usage report it starts from. A clerk who needs her
school's letters asks a supervisor to run it for her school (``--school CODE``), then
prints the PDF.
"""

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import case, func, insert, select
from sqlmodel import Session

from helpdesk_tui.data.normalize import clean_text
from helpdesk_tui.data.private_files import private_folder
from helpdesk_tui.data.tables import Guardian, KeyBatch, KeyBatchItem, School, Staff, core_table
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.errors import DomainError, NotFound
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.kernel.text import count_of
from helpdesk_tui.services.key_batches.families import (
    WHOLE_DISTRICT,
    BatchChoice,
    Families,
    find_families,
)
from helpdesk_tui.vocabulary import (
    AuditAction,
    BatchItemState,
    BatchSkip,
    KeyBatchState,
    UsageCondition,
)

MAX_PATH = 900  # the letters' file, as key_batch.letters_to keeps it (with its name)
_items = core_table(KeyBatchItem)
_batches = core_table(KeyBatch)
_staff = core_table(Staff)
_guardians = core_table(Guardian)
_schools = core_table(School)


@dataclass(frozen=True, slots=True)
class SkippedFamily:
    guardian_id: int
    guardian: str  # from the SIS: shown as plain text
    reason: BatchSkip


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """What a run would do now."""

    school: str
    school_id: int | None
    status: UsageCondition
    days: int
    email: bool
    letters: bool
    families: int  # on the list
    to_issue: int
    by_email: int
    by_letter: int
    households: int  # letter-sets in the PDF
    skipped: tuple[SkippedFamily, ...]  # by name

    def skipped_by_reason(self) -> dict[BatchSkip, int]:
        counts: dict[BatchSkip, int] = {}
        for family in self.skipped:
            counts[family.reason] = counts.get(family.reason, 0) + 1
        return counts


@dataclass(frozen=True, slots=True)
class BatchProgress:
    """How far a run has got."""

    batch_id: int
    school: str
    status: UsageCondition
    days: int
    email: bool
    letters: bool
    state: KeyBatchState
    started_at: datetime
    started_by: str
    total: int
    issued: int
    skipped: int
    pending: int
    emailed: int  # these two are counted once nobody is pending (0 until then)
    lettered: int
    parts_folder: Path | None
    letters_to: Path | None
    finished_at: datetime | None
    # Who got no key and why: filled in once the run is finished.
    skipped_families: tuple[SkippedFamily, ...] = ()

    @property
    def label(self) -> str:
        return f"batch #{self.batch_id}"


def _what(status: UsageCondition, days: int) -> str:
    if status == UsageCondition.KEY_OUTSTANDING:
        return f"key outstanding over {days} days"
    return "with rights, no account"


def _plan(choice: BatchChoice, families: Families) -> BatchPlan:
    members = families.members
    issue = [m for m in members if m.skip is None]
    skipped = sorted(
        (SkippedFamily(m.guardian_id, m.name, m.skip) for m in members if m.skip is not None),
        key=lambda s: (s.guardian.casefold(), s.guardian_id),
    )
    households = {m.household_id or -m.guardian_id for m in issue if m.by_letter}
    return BatchPlan(
        school=families.school,
        school_id=families.school_id,
        status=choice.status,
        days=choice.days,
        email=choice.email,
        letters=choice.letters,
        families=len(members),
        to_issue=len(issue),
        by_email=sum(m.by_email for m in issue),
        by_letter=sum(m.by_letter for m in issue),
        households=len(households),
        skipped=tuple(skipped),
    )


def plan_summary(plan: BatchPlan) -> str:
    how = " and ".join(w for w, on in (("email", plan.email), ("letter", plan.letters)) if on)
    return (
        f"{plan.school}, {_what(plan.status, plan.days)}: {count_of(plan.families, 'family', 'families')}, "
        f"{plan.to_issue:,} to be given a key by {how}, {len(plan.skipped):,} skipped"
    )


def plan_key_batch(
    session: Session, *, actor: StaffMember, choice: BatchChoice, now: datetime | None = None
) -> BatchPlan:
    """The dry run: who would get a key and how, who would not and why. Nothing is
    written but its audit row."""
    now = resolve_now(now)
    require_supervisor(session, actor=actor, action=AuditAction.KEY_BATCH_DRY_RUN, now=now)
    plan = _plan(choice, find_families(session, actor=actor, choice=choice, now=now))
    audit.record(
        session,
        actor=actor,
        action=AuditAction.KEY_BATCH_DRY_RUN,
        guardian_id=None,
        detail=plan_summary(plan),
        now=now,
    )
    return plan


def start_key_batch(
    session: Session,
    *,
    actor: StaffMember,
    choice: BatchChoice,
    letters_folder: Path | None = None,
    letters_to: Path | None = None,
    now: datetime | None = None,
) -> BatchProgress:
    """Start a run: every family on the list kept with its fate (to be given a key, or
    skipped and why) and its place in the letters, and the run's audit row. The keys
    themselves come group by group (continue_key_batch). Letters: each is written to a
    folder of the run's own under ``letters_folder`` before its key is saved, and the
    merged PDF goes to ``letters_to`` (a file, or a folder to put it in; by default
    ``letters_folder``)."""
    now = resolve_now(now)
    action = AuditAction.KEY_BATCH_RUN
    require_supervisor(session, actor=actor, action=action, now=now)
    target = None
    if choice.letters:
        if letters_folder is None:
            raise DomainError("Say where the letters are written.")
        private_folder(letters_folder)  # the run's own folder goes in it
        target = _check_destination(letters_to or letters_folder)
    families = find_families(session, actor=actor, choice=choice, now=now)
    plan = _plan(choice, families)
    if plan.to_issue == 0:
        raise DomainError(
            f"Nobody on this list can be given a key now ({plan_summary(plan)}); nothing "
            "was started. The dry run says why each family is skipped."
        )
    batch = KeyBatch(
        started_at=now,
        started_by_staff_id=actor.id,
        school_id=families.school_id,
        list_name=choice.status,
        days=choice.days,
        by_email=choice.email,
        by_letter=choice.letters,
    )
    session.add(batch)
    session.flush()  # its id names the run's files
    batch_id = batch.id or 0
    if target is not None and letters_folder is not None:
        stamp = now.astimezone(get_district(session).zone).strftime("%Y%m%d")
        batch.parts_folder = str(letters_folder / f"batch-{batch_id}-letters")
        batch.letters_to = str(
            target / f"key-letters-batch-{batch_id}-{stamp}.pdf" if target.is_dir() else target
        )
    rows = [
        {
            "batch_id": batch_id,
            "guardian_id": m.guardian_id,
            "household_id": m.household_id,
            "position": m.position,
            "routing": m.routing,
            "state": BatchItemState.PENDING if m.skip is None else BatchItemState.SKIPPED,
            "reason": m.skip,
            "by_email": m.by_email,
            "by_letter": m.by_letter,
        }
        for m in families.members
    ]
    for start in range(0, len(rows), 1000):
        session.connection().execute(insert(_items), rows[start : start + 1000])
    audit.record(
        session,
        actor=actor,
        action=action,
        guardian_id=None,
        detail=f"batch #{batch_id}: {plan_summary(plan)}",
        now=now,
    )
    return progress_of(session, batch_id)


def _check_destination(path: Path) -> Path:
    """Where the merged PDF may go: an existing folder, or a new file in one. Checked
    before any key is issued (a key whose letter cannot be written is lost)."""
    shown = clean_text(str(path))[:200]
    if len(str(path)) > MAX_PATH:
        raise DomainError(
            f"That file name is too long ({len(str(path)):,} characters): give a shorter one."
        )
    try:
        if path.is_dir():
            folder = path
        elif path.exists():
            raise DomainError(f"{shown} exists already: give a new file name, or a folder.")
        else:
            folder = path.parent
        if not folder.is_dir():
            raise DomainError(
                f"There is no folder {clean_text(str(folder))[:200]}: create it, or give another."
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            raise DomainError(
                f"You may not write in {clean_text(str(folder))[:200]}: give a folder of your own."
            )
    except OSError as exc:
        raise DomainError(
            f"Cannot use {shown} ({exc.strerror}): give another file or folder."
        ) from exc
    return path


def progress_of(session: Session, batch_id: int, *, with_skipped: bool = False) -> BatchProgress:
    """The run's progress (the caller has checked who may read it), with who was
    skipped and why if asked."""
    row = (
        session.connection()
        .execute(
            select(_batches, _staff.c.full_name, _schools.c.name)
            .join(_staff, _staff.c.id == _batches.c.started_by_staff_id)
            .outerjoin(_schools, _schools.c.id == _batches.c.school_id)
            .where(_batches.c.id == batch_id)
        )
        .first()
    )
    if row is None:
        raise NotFound(f"There is no batch #{batch_id}.")
    # By state from the index alone: this runs after every group of a 10,000-family run.
    by_state = {
        state: n
        for state, n in session.connection().execute(
            select(_items.c.state, func.count())
            .where(_items.c.batch_id == batch_id)
            .group_by(_items.c.state)
        )
    }
    n_issued, n_skipped = (
        by_state.get(BatchItemState.ISSUED, 0),
        by_state.get(BatchItemState.SKIPPED, 0),
    )
    pending = by_state.get(BatchItemState.PENDING, 0)
    total = n_issued + n_skipped + pending
    emailed = lettered = 0
    if not pending:
        issued = _items.c.state == BatchItemState.ISSUED
        emailed, lettered = (
            int(n or 0)
            for n in session.connection()
            .execute(
                select(
                    func.sum(case((_items.c.by_email, 1), else_=0)),
                    func.sum(case((_items.c.by_letter, 1), else_=0)),
                ).where(_items.c.batch_id == batch_id, issued)
            )
            .one()
        )
    zone = get_district(session).zone
    return BatchProgress(
        batch_id=batch_id,
        school=row.name or WHOLE_DISTRICT,
        status=UsageCondition(row.list_name),
        days=row.days,
        email=row.by_email,
        letters=row.by_letter,
        state=KeyBatchState(row.state),
        started_at=_aware(row.started_at).astimezone(zone),
        started_by=row.full_name,
        total=total,
        issued=n_issued,
        skipped=n_skipped,
        pending=pending,
        emailed=emailed,
        lettered=lettered,
        parts_folder=Path(row.parts_folder) if row.parts_folder else None,
        letters_to=Path(row.letters_to) if row.letters_to else None,
        finished_at=_aware(row.finished_at).astimezone(zone) if row.finished_at else None,
        skipped_families=_skipped(session, batch_id) if with_skipped else (),
    )


def _skipped(session: Session, batch_id: int) -> tuple[SkippedFamily, ...]:
    rows = session.connection().execute(
        select(
            _items.c.guardian_id, _guardians.c.first_name, _guardians.c.last_name, _items.c.reason
        )
        .join(_guardians, _guardians.c.id == _items.c.guardian_id)
        .where(_items.c.batch_id == batch_id, _items.c.state == BatchItemState.SKIPPED)
        .order_by(_guardians.c.last_name, _guardians.c.first_name, _items.c.guardian_id)
    )
    return tuple(
        SkippedFamily(gid, f"{first} {last}", BatchSkip(reason))
        for gid, first, last, reason in rows
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def key_batch_progress(
    session: Session, *, actor: StaffMember, batch_id: int, now: datetime | None = None
) -> BatchProgress:
    """How far a run has got (to resume it, or to see it finished)."""
    require_supervisor(session, actor=actor, action=AuditAction.KEY_BATCH_RUN, now=now)
    return progress_of(session, batch_id)


def unfinished_key_batches(
    session: Session, *, actor: StaffMember, now: datetime | None = None
) -> list[BatchProgress]:
    """Runs that were stopped before the end (a closed window, a killed process),
    oldest first: each can be resumed."""
    require_supervisor(session, actor=actor, action=AuditAction.KEY_BATCH_RUN, now=now)
    ids = session.connection().execute(
        select(_batches.c.id)
        .where(_batches.c.state == KeyBatchState.RUNNING)
        .order_by(_batches.c.id)
    )
    return [progress_of(session, batch_id) for batch_id in ids.scalars()]

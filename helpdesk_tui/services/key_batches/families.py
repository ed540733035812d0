"""Who a batch run is for: the families on one of the portal usage report's lists
(``usage_entries``: with rights and no account, or a key outstanding longer than N
days) for a school or the district; which of them get no key and why; and the order of
their letters (households by their student's school, grade and name, a household's
guardians together, one letter-set per household).

Read in bulk: a district's 10,000 families cost a few queries, not a few per family.
Each family is checked again, one by one, when its key is issued
(recovery.issue_batch_keys), since things change between a dry run and the run.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, func, or_, select
from sqlmodel import Session

from helpdesk_tui.data.normalize import clean_text
from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    GuardianStudent,
    HouseholdMember,
    KeyBatch,
    KeyBatchItem,
    School,
    Student,
    core_table,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.district import grade_label
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.recovery import batch_refusals, no_address
from helpdesk_tui.services.reports import MAX_DAYS, usage_entries
from helpdesk_tui.vocabulary import (
    BatchItemState,
    BatchSkip,
    KeyBatchState,
    KeyStatus,
    UsageCondition,
)

LISTS = (UsageCondition.NO_ACCOUNT, UsageCondition.KEY_OUTSTANDING)
WHOLE_DISTRICT = "the whole district"
_IN = 500  # ids per IN (...) list

_g = core_table(Guardian)
_gs = core_table(GuardianStudent)
_st = core_table(Student)
_sc = core_table(School)
_hm = core_table(HouseholdMember)
_key = core_table(ActivationKey)
_item = core_table(KeyBatchItem)
_batch = core_table(KeyBatch)


@dataclass(frozen=True, slots=True)
class BatchChoice:
    """What a run is asked for: a school (its id, or the code staff type) or the whole
    district, one of the two lists, and how the keys go out."""

    status: UsageCondition
    email: bool
    letters: bool
    school_id: int | None = None
    school_code: str | None = None
    days: int = 30


@dataclass(frozen=True, slots=True)
class Family:
    guardian_id: int
    name: str
    household_id: int | None
    position: int
    routing: str
    skip: BatchSkip | None
    by_email: bool
    by_letter: bool


@dataclass(frozen=True, slots=True)
class Families:
    school_id: int | None
    school: str
    members: tuple[Family, ...]


def choose_school(session: Session, choice: BatchChoice) -> tuple[int | None, str]:
    """The school's id and name (None and "the whole district" for the district); a
    code or id that names none is refused in words."""
    if choice.status not in LISTS:
        raise DomainError(
            "A batch run is for the families with no account, or with a key outstanding."
        )
    if not 1 <= choice.days <= MAX_DAYS:
        raise DomainError(f"Give the number of days as 1 to {MAX_DAYS}.")
    if not (choice.email or choice.letters):
        raise DomainError("Choose how the keys go out: by email, as printed letters, or both.")
    if choice.school_code is not None and choice.school_id is not None:
        raise DomainError("Name the school by its code or its id, not both.")
    where = None
    if choice.school_code is not None:
        code = clean_text(choice.school_code).strip()[:40]
        where = _sc.c.code == code
        codes = ", ".join(
            session.connection().execute(select(_sc.c.code).order_by(_sc.c.code)).scalars()
        )
        unknown = f"No school has the code {code}. The schools' codes: {codes or 'none yet'}."
    elif choice.school_id is not None:
        where = _sc.c.id == choice.school_id
        unknown = "That school is no longer in the district; count again."
    if where is None:
        return None, WHOLE_DISTRICT
    row = session.connection().execute(select(_sc.c.id, _sc.c.name).where(where)).first()
    if row is None:
        raise DomainError(unknown)
    return row.id, row.name


def find_families(
    session: Session,
    *,
    actor: StaffMember,
    choice: BatchChoice,
    now: datetime,
) -> Families:
    """Everyone on the list, each with their place in the letters and, if they get
    no key, the reason. The caller has checked that the actor may (usage_entries
    checks again)."""
    school_id, school = choose_school(session, choice)
    listed: dict[int, str] = {}
    for entry in usage_entries(
        session,
        actor=actor,
        days=choice.days,
        school_id=school_id,
        whole_district=school_id is None,
        only=choice.status,
        now=now,
    ):
        listed.setdefault(entry.guardian_id, entry.guardian)
    ids = list(listed)
    facts = _Facts(session, ids, choice, school_id)
    ordered = _letter_order(ids, listed, facts, with_school=school_id is None)
    members = []
    for position, (gid, routing) in enumerate(ordered, 1):
        skip, by_email, by_letter = facts.decide(gid)
        members.append(
            Family(
                gid,
                listed[gid],
                facts.household.get(gid),
                position,
                routing,
                skip,
                by_email,
                by_letter,
            )
        )
    return Families(school_id, school, tuple(members))


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _IN):
        yield list(ids[start : start + _IN])


class _Facts:
    """What decides each listed family's fate, read a few hundred at a time."""

    def __init__(
        self,
        session: Session,
        ids: Sequence[int],
        choice: BatchChoice,
        school_id: int | None,
    ) -> None:
        self.choice = choice
        self.refused: dict[int, BatchSkip] = {}
        self.other_batch: set[int] = set()
        self.batch_key: set[int] = set()
        self.email: set[int] = set()
        self.postal: set[int] = set()
        self.household: dict[int, int] = {}
        self.student: dict[int, tuple[str, int, str, str]] = {}
        conn = session.connection()
        run = conn.execute
        for chunk in _chunks(ids):
            # The rules the run checks again for each group (recovery.issue_batch_keys).
            self.refused |= batch_refusals(session, chunk)
            for gid, email, alt, street in run(
                select(_g.c.id, _g.c.email, _g.c.alt_email, _g.c.address_line).where(
                    _g.c.id.in_(chunk)
                )
            ):
                if (email or "").strip() or (alt or "").strip():
                    self.email.add(gid)
                if (street or "").strip():
                    self.postal.add(gid)
            self._batches(conn, chunk)
            for gid, household in run(
                select(_hm.c.guardian_id, func.min(_hm.c.household_id))
                .where(_hm.c.guardian_id.in_(chunk))
                .group_by(_hm.c.guardian_id)
            ):
                self.household[gid] = household
            self._students(conn, chunk, school_id)

    def _batches(self, conn: Connection, chunk: list[int]) -> None:
        """Who waits in (or got a key from, and has not used it) another run."""
        execute = conn.execute
        unfinished = and_(
            _batch.c.state == KeyBatchState.RUNNING,
            _item.c.state.in_((BatchItemState.PENDING, BatchItemState.ISSUED)),
        )
        self.other_batch.update(
            execute(
                select(_item.c.guardian_id)
                .join(_batch, _batch.c.id == _item.c.batch_id)
                .where(_item.c.guardian_id.in_(chunk), unfinished)
            ).scalars()
        )
        # An unused key a finished run sent: the no-account list leaves it be (its letter
        # may be in a backpack); the outstanding list is how to send a new one.
        self.batch_key.update(
            execute(
                select(_item.c.guardian_id)
                .join(_key, _key.c.id == _item.c.key_id)
                .where(_item.c.guardian_id.in_(chunk), _key.c.status == KeyStatus.ACTIVE)
            ).scalars()
        )

    def _students(self, conn: Connection, chunk: list[int], school_id: int | None) -> None:
        """Each guardian's first student by school, grade and name, among those they
        have portal rights to (at the chosen school)."""
        execute = conn.execute
        query = (
            select(_gs.c.guardian_id, _sc.c.name, _st.c.grade, _st.c.last_name, _st.c.first_name)
            .join(_st, _st.c.id == _gs.c.student_id)
            .join(_sc, _sc.c.id == _st.c.school_id)
            .where(
                _gs.c.guardian_id.in_(chunk),
                _gs.c.portal_access,
                ~_gs.c.restricted,
                _st.c.active,
                or_(_st.c.enrolled_this_year, _st.c.enrolled_next_year),
            )
        )
        if school_id is not None:
            query = query.where(_st.c.school_id == school_id)
        for gid, school, grade, last, first in execute(query):
            key = (school if school_id is None else "", grade, last, first)
            if gid not in self.student or key < self.student[gid]:
                self.student[gid] = key

    def decide(self, gid: int) -> tuple[BatchSkip | None, bool, bool]:
        """(why no key, or None; by email; by letter)."""
        choice = self.choice
        by_email = choice.email and gid in self.email
        by_letter = choice.letters and gid in self.postal
        if gid in self.refused:
            return self.refused[gid], False, False
        if gid in self.other_batch:
            return BatchSkip.OTHER_BATCH, False, False
        if choice.status == UsageCondition.NO_ACCOUNT and gid in self.batch_key:
            return BatchSkip.BATCH_KEY, False, False
        if not (by_email or by_letter):
            return no_address(email=choice.email, letter=choice.letters), False, False
        return None, by_email, by_letter


def _letter_order(
    ids: Iterable[int], names: dict[int, str], facts: _Facts, *, with_school: bool
) -> list[tuple[int, str]]:
    """(guardian id, routing line) in the merged PDF's order: households by their
    first student (school, grade, name), then the household's guardians by name."""
    households: dict[tuple[str, int], list[int]] = defaultdict(list)
    for gid in ids:
        household = facts.household.get(gid)
        households[("h", household) if household is not None else ("g", gid)].append(gid)
    last = ("~", 99, "", "")  # a family with no student left in view goes last
    keyed = []
    for group, members in households.items():
        first = min((facts.student.get(g, last) for g in members), default=last)
        keyed.append((first, group, sorted(members, key=lambda g: (names[g].casefold(), g))))
    keyed.sort()
    ordered: list[tuple[int, str]] = []
    for (school, grade, last_name, first_name), _group, members in keyed:
        if grade == 99:
            routing = ""
        else:
            where = f"{school} · " if with_school else ""
            routing = f"{where}Grade {grade_label(grade)} · {last_name}, {first_name}"
        ordered.extend((gid, clean_text(routing)[:200]) for gid in members)
    return ordered

"""Writes a generated demo district into an empty database, or over a demo one.

A demo district is marked as one (``district_settings.is_demo``) in its first
transaction and complete (``demo_built_at``) only in its last, after every batch and
the index rebuild; a seed killed part-way (even by kill -9) leaves a demo that is
marked incomplete, which ``helpdesk demo`` rebuilds and ``seed-demo`` names. Only a
demo district or an empty database is ever wiped: a real district's is refused.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, literal, update
from sqlmodel import Session, SQLModel, col, select

from helpdesk_tui.data.audit_guard import create_guards, drop_guards
from helpdesk_tui.data.bulk_load import bulk_session
from helpdesk_tui.data.demo.generator import DistrictGenerator
from helpdesk_tui.data.demo.names import CITIES, ELEMENTARY_NAMES, HIGH_NAMES, MIDDLE_NAMES
from helpdesk_tui.data.demo.rows import (
    COLUMNS,
    DEMO_PASSWORD,
    GRADES,
    KEY_VALID_DAYS,
    SCHOOL_COUNTS,
    TABLE_ORDER,
    SampleKeys,
)
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.passwords import hash_password
from helpdesk_tui.data.tables import DistrictSettings, Guardian, School, Staff

DEMO_STAFF = (
    ("demo-agent", "Alex Rivera", "agent"),
    ("demo-clerk", "Carmen Ibáñez", "clerk"),
    ("demo-supervisor", "Pat O'Connell", "supervisor"),
)


log = logging.getLogger(__name__)


class DistrictNotEmpty(Exception):
    """The database already holds a district; seeding would mix two."""


class NotADemo(DistrictNotEmpty):
    """The database holds a real district (or the start of one): never wiped."""


class DemoIncomplete(DistrictNotEmpty):
    """A demo district whose generation was interrupted."""


@dataclass(frozen=True, slots=True)
class DistrictState:
    """What a database holds, as far as seeding a demo goes."""

    name: str  # the district's name; "" before its settings exist
    guardians: int
    is_demo: bool
    built_at: datetime | None
    holds_rows: bool  # anything at all: settings, staff, audit rows, guardians...

    @property
    def interrupted_demo(self) -> bool:
        return self.is_demo and self.built_at is None

    @property
    def real(self) -> bool:
        """Not empty and not a demo: a district (or one being set up) to keep."""
        return self.holds_rows and not self.is_demo

    def describe(self) -> str:
        name = self.name or "no district settings yet"
        return f"{name}, {self.guardians:,} guardians"


def district_state(session: Session) -> DistrictState:
    marks = session.exec(
        select(DistrictSettings.name, DistrictSettings.is_demo, DistrictSettings.demo_built_at)
    ).all()
    guardians = session.exec(select(func.count()).select_from(Guardian)).one()
    conn = session.connection()
    holds_rows = any(
        conn.execute(select(literal(1)).select_from(table).limit(1)).first() is not None
        for table in SQLModel.metadata.sorted_tables
    )
    is_demo = bool(marks) and all(is_demo for _, is_demo, _ in marks)
    built = [built_at for _, _, built_at in marks if built_at is not None]
    return DistrictState(
        name=marks[0][0] if marks else "",
        guardians=guardians,
        is_demo=is_demo,
        built_at=min(built) if is_demo and len(built) == len(marks) else None,
        holds_rows=holds_rows,
    )


def read_district_state(database: Database) -> DistrictState:
    with database.read() as session:
        return district_state(session)


def check_seedable(database: Database, *, replace: bool) -> None:
    """Raise what seeding would refuse (NotADemo, DemoIncomplete, DistrictNotEmpty)
    before anything starts; seeding checks again in its own transaction."""
    _refuse_unless_seedable(read_district_state(database), replace=replace)


def district_guardian_count(database: Database) -> int:
    with database.read() as session:
        return session.exec(select(func.count()).select_from(Guardian)).one()


def _refuse_unless_seedable(state: DistrictState, *, replace: bool) -> None:
    if state.real:
        raise NotADemo(
            f"This database holds a district that is not a demo ({state.describe()}). "
            "seed-demo only fills an empty database or replaces a demo district, so "
            "nothing was changed. To try the demo run `helpdesk demo` (it has a database "
            "of its own), or point --database-url at an empty database."
        )
    if replace or not state.holds_rows:
        return
    if state.interrupted_demo:
        raise DemoIncomplete(
            "The demo district in this database is incomplete: generating it was "
            "interrupted. Run `helpdesk db seed-demo --replace` to generate it again."
        )
    raise DistrictNotEmpty(
        f"The database already holds a demo district ({state.guardians:,} guardians). "
        "Use --replace to wipe it and seed again, or point --database-url elsewhere."
    )


def school_year_start(now: datetime) -> int:
    return now.year if now.month >= 8 else now.year - 1


def demo_generator(
    *, seed: int, guardians: int, now: datetime, school_ids: dict[str, list[int]]
) -> DistrictGenerator:
    """The generator seed-demo and export-demo share: same arguments, same district."""
    return DistrictGenerator(
        seed=seed,
        guardians=guardians,
        now=now,
        school_ids=school_ids,
        school_year_start=school_year_start(now),
    )


def seed_demo_district(
    database: Database,
    *,
    guardians: int,
    seed: int,
    now: datetime | None = None,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
    mark_built: bool = True,
) -> SampleKeys:
    """Fill an empty database with a demo district of ``guardians`` guardians.

    All or nothing: if the load fails part-way the district tables are emptied again;
    if the process is killed, the district stays marked incomplete. ``replace`` wipes a
    demo district first; a database holding anything but a demo is refused (NotADemo),
    as is an interrupted demo without ``replace`` (DemoIncomplete). ``mark_built``
    False leaves marking it complete to the caller (``mark_demo_built``), for callers
    that add more (tickets) after. Returns a few clear-text demo keys worth trying in
    the lookup box.
    """
    if guardians < 1:
        raise ValueError("Ask for at least one guardian.")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    with database.write() as session:  # checked and wiped in one transaction
        state = district_state(session)
        _refuse_unless_seedable(state, replace=replace)
        if state.holds_rows:
            log.info("demo: wiping the demo district (%s)", state.describe())
            _wipe(session)
    log.info("demo: generating %d guardians (seed %d)", guardians, seed)
    try:
        school_ids = _seed_district_and_staff(database, now)
        generator = demo_generator(seed=seed, guardians=guardians, now=now, school_ids=school_ids)
        written = 0
        with bulk_session(database.write_engine, TABLE_ORDER) as writer:
            for batch in generator.batches():
                for table in TABLE_ORDER:
                    writer.write(table, COLUMNS[table], batch.rows[table])
                writer.commit()
                written += batch.guardians
                log.debug("demo: batch written (%d of %d guardians)", written, guardians)
                if progress:
                    progress(batch.guardians)
    except BaseException:
        wipe_district(database.write_engine)
        raise
    if mark_built:
        mark_demo_built(database, now=now)
    return generator.samples


def mark_demo_built(database: Database, *, now: datetime | None = None) -> None:
    """The last transaction of a demo seed: the district is complete from here on."""
    with database.write() as session:
        session.exec(
            update(DistrictSettings)
            .where(col(DistrictSettings.is_demo).is_(True))
            .values(demo_built_at=now or datetime.now(UTC))
        )
    log.info("demo: district complete")


def _seed_district_and_staff(database: Database, now: datetime) -> dict[str, list[int]]:
    with database.write() as session:
        session.add(
            DistrictSettings(
                name=DEMO_DISTRICT_NAME,
                portal_url="https://parentportal.riverbend88.example.org",
                helpdesk_email="portalhelp@riverbend88.example.org",
                helpdesk_phone="(630) 555-0188",
                time_zone="America/Chicago",
                country="US",
                subdivision="IL",
                school_year_start=school_year_start(now),
                key_valid_days=KEY_VALID_DAYS,
                is_demo=True,  # complete (demo_built_at) only once every row is written
            )
        )
        school_ids: dict[str, list[int]] = {}
        for school in demo_schools():
            session.add(school)
            session.flush()
            school_ids.setdefault(school.level, []).append(school.id or 0)
        password_hash = hash_password(DEMO_PASSWORD)
        for username, full_name, role in DEMO_STAFF:
            session.add(
                Staff(
                    username=username,
                    full_name=full_name,
                    role=role,
                    school_id=school_ids["elementary"][0] if role == "clerk" else None,
                    password_hash=password_hash,
                    created_at=now,
                )
            )
    return school_ids


DEMO_DISTRICT_NAME = "Riverbend Community Unit School District 88"


def demo_schools() -> list[School]:
    """The demo district's 22 schools, in the order they get their ids."""
    labels = {"elementary": ELEMENTARY_NAMES, "middle": MIDDLE_NAMES, "high": HIGH_NAMES}
    suffix = {"elementary": "Elementary School", "middle": "Middle School", "high": "High School"}
    schools, code = [], 100
    for level, count in SCHOOL_COUNTS.items():
        low, high = GRADES[level]
        for i in range(count):
            code += 1
            schools.append(
                School(
                    code=str(code),
                    name=f"{labels[level][i]} {suffix[level]}",
                    level=level,
                    low_grade=low,
                    high_grade=high,
                    city=CITIES[i % len(CITIES)][0],
                    phone=f"(630) 555-{code:04d}",
                )
            )
    return schools


def wipe_district(engine: Engine) -> None:
    """Empty every table but the migration bookkeeping, children first, whatever they
    hold (tests, and a failed seed cleaning up after itself): `seed-demo` checks that
    it is a demo first."""
    with Session(engine) as session:
        _wipe(session)
        session.commit()


def _wipe(session: Session) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    # Replacing a whole demo district replaces its audit trail too: the append-only
    # triggers are lifted for this one transaction and put back before it commits.
    drop_guards(session.connection())
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        session.connection().exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    else:
        for table in tables:
            session.exec(delete(table))
    create_guards(session.connection())

"""Writes a generated demo district into an empty database."""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func
from sqlmodel import Session, SQLModel, select

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


class DistrictNotEmpty(Exception):
    """The database already holds a district; seeding would mix two."""


def district_guardian_count(database: Database) -> int:
    with database.read() as session:
        return session.exec(select(func.count()).select_from(Guardian)).one()


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
) -> SampleKeys:
    """Fill an empty database with a demo district of ``guardians`` guardians.

    All or nothing: if the load fails part-way the district tables are emptied again.
    Returns a few clear-text demo keys worth trying in the lookup box.
    """
    if guardians < 1:
        raise ValueError("Ask for at least one guardian.")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    existing = district_guardian_count(database)
    if existing and not replace:
        raise DistrictNotEmpty(
            f"The database already holds a district ({existing:,} guardians). "
            "Use --replace to wipe it and seed again, or point --database-url elsewhere."
        )
    wipe_district(database.write_engine)
    try:
        school_ids = _seed_district_and_staff(database, now)
        generator = demo_generator(seed=seed, guardians=guardians, now=now, school_ids=school_ids)
        with bulk_session(database.write_engine, TABLE_ORDER) as writer:
            for batch in generator.batches():
                for table in TABLE_ORDER:
                    writer.write(table, COLUMNS[table], batch.rows[table])
                writer.commit()
                if progress:
                    progress(batch.guardians)
    except BaseException:
        wipe_district(database.write_engine)
        raise
    return generator.samples


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
    """Empty every table but the migration bookkeeping, children first."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with Session(engine) as session:
        # Replacing a whole district replaces its audit trail too: the append-only
        # triggers are lifted for this one transaction and put back before it commits.
        drop_guards(session.connection())
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            session.connection().exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                session.exec(delete(table))
        create_guards(session.connection())
        session.commit()

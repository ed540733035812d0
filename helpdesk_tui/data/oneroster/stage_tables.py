"""The temporary tables an export is staged into, their indexes and their statistics.

Apart from the reading (staging.py) because the SQL that settles and merges the staged
rows (checks.py, merge.py) works on these tables by name: this is what it reads.
"""

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
)

_meta = MetaData()


def _temp(name: str, *columns: Column[Any]) -> Table:
    return Table(name, _meta, *columns, prefixes=["TEMPORARY"])


def _s(name: str, length: int = 255) -> Column[str]:
    return Column(name, String(length))


STAGE_USER = _temp(
    "stage_user",
    _s("sid"),
    Column("line", Integer),
    _s("status", 12),
    _s("role", 30),
    _s("kind", 10),
    _s("school_sid"),
    _s("given", 80),
    _s("family", 80),
    _s("email", 254),
    _s("email_problem", 400),
    _s("alt_email", 254),
    _s("alt_email_problem", 400),
    _s("sms", 40),
    _s("phone", 40),
    _s("work_phone", 40),
    _s("address", 200),
    _s("city", 80),
    _s("state", 8),
    _s("postal", 12),
    _s("language", 8),
    _s("number", 20),
    Column("grade", Integer),
    _s("grade_problem", 200),
    _s("relationship", 40),
    Column("portal_default", Boolean),
    Column("this_year", Boolean),
    Column("next_year", Boolean),
    Column("birth_date", Date),
)
STAGE_LINK = _temp("stage_link", _s("user_sid"), _s("agent_sid"), Column("line", Integer))
STAGE_FLAG = _temp(
    "stage_flag",
    _s("guardian_sid"),
    _s("student_sid"),
    _s("flag", 12),
    Column("line", Integer),
)
STAGE_ROLE = _temp(
    "stage_role",
    _s("user_sid"),
    _s("role", 30),
    _s("role_type", 12),
    _s("org_sid"),
    Column("line", Integer),
)
STAGE_MEMBER = _temp("stage_member", _s("hkey"), _s("sid"))
STAGE_BIRTH = _temp("stage_birth", _s("sid"), Column("birth_date", Date), Column("line", Integer))
STAGE_TABLES = (STAGE_USER, STAGE_LINK, STAGE_FLAG, STAGE_ROLE, STAGE_MEMBER, STAGE_BIRTH)
# Created once the files are read: loading is faster without them.
STAGE_INDEXES = (
    "CREATE INDEX ix_stage_user_sid ON stage_user (sid)",
    "CREATE INDEX ix_stage_link_user ON stage_link (user_sid)",
    "CREATE INDEX ix_stage_role_user ON stage_role (user_sid)",
    "CREATE INDEX ix_stage_flag_pair ON stage_flag (guardian_sid, student_sid)",
    "CREATE INDEX ix_stage_birth_sid ON stage_birth (sid)",
    "CREATE INDEX ix_stage_member_key ON stage_member (hkey)",
    "CREATE INDEX ix_stage_member_sid ON stage_member (sid)",
    "CREATE INDEX ix_stage_user_number ON stage_user (number)",
)


def analyze(conn: Connection, *tables: str) -> None:
    """PostgreSQL never gathers statistics on temporary tables by itself; without them
    it plans joins over a million staged rows blind."""
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.exec_driver_sql(f"ANALYZE {table}")

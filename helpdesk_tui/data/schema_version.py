"""Is the database's schema the one this version expects? Answered without importing
Alembic, which would cost a tenth of a second on every start-up.

HEAD must name the newest migration; a test checks it against Alembic's own view.
"""

from pathlib import Path

from sqlalchemy import Engine, inspect, text

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HEAD = "0009"


def is_up_to_date(engine: Engine) -> bool:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions == [HEAD]

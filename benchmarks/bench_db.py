"""An empty database of each kind for a benchmark: a fresh SQLite file under .data/, or a
PostgreSQL database dropped and created again on the test server."""

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DATA = Path(__file__).with_name(".data")
PG_ADMIN = os.environ.get(
    "HELPDESK_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def empty_database_url(backend: str, name: str) -> str:
    if backend == "sqlite":
        DATA.mkdir(exist_ok=True)
        for old in DATA.glob(f"{name}.sqlite3*"):
            old.unlink()
        return f"sqlite:///{DATA / f'{name}.sqlite3'}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)

"""Alembic environment: the package's own metadata, against the connection or URL given."""

import os

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import helpdesk_tui.data.tables  # noqa: F401  (registers every table on the metadata)
from helpdesk_tui.data.engine import build_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("HELPDESK_DATABASE_URL")
    if not url:
        raise SystemExit(
            "Set HELPDESK_DATABASE_URL (or use `helpdesk db upgrade` / `helpdesk db check`)."
        )
    engine = build_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")
run_migrations()

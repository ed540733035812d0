"""Fast loading of many rows: executemany on SQLite, COPY on PostgreSQL.

Used by the demo generator (and by importers): row tuples go straight to the driver,
with secondary indexes dropped during the load and rebuilt once at the end, which
is several times faster than maintaining them row by row.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeAlias

from sqlalchemy import Connection, Date, DateTime, Engine, Table, TypeDecorator, text
from sqlmodel import SQLModel

_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"

RowValues: TypeAlias = tuple[object, ...]  # one row, in the order of the columns given
Converter: TypeAlias = Callable[[Any], Any]


def _sqlite_converters(table: Table, columns: Sequence[str]) -> list[Converter | None]:
    """Per column, how to turn a Python value into what SQLAlchemy would have stored."""
    converters: list[Converter | None] = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, TypeDecorator):
            column_type = column_type.impl_instance
        if isinstance(column_type, DateTime):
            converters.append(
                lambda v: v.strftime(_SQLITE_DATETIME) if isinstance(v, datetime) else v
            )
        elif isinstance(column_type, Date):
            converters.append(lambda v: v.isoformat() if isinstance(v, date) else v)
        else:
            converters.append(None)
    return converters


class BulkWriter:
    """Writes batches of row tuples to tables on one dedicated connection."""

    def __init__(self, connection: Connection, extra_tables: Sequence[Table] = ()) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name
        self._converters: dict[str, list[Converter | None]] = {}
        self._extra = {t.name: t for t in extra_tables}

    def table(self, name: str) -> Table:
        extra = self._extra.get(name)
        return extra if extra is not None else SQLModel.metadata.tables[name]

    def write(self, name: str, columns: Sequence[str], rows: Sequence[RowValues]) -> None:
        if not rows:
            return
        if self.dialect == "postgresql":
            self._copy(name, columns, rows)
        else:
            self._executemany(name, columns, rows)

    def _executemany(self, name: str, columns: Sequence[str], rows: Sequence[RowValues]) -> None:
        converters = self._converters.get(name)
        if converters is None:
            converters = self._converters[name] = _sqlite_converters(self.table(name), columns)
        active = [(i, c) for i, c in enumerate(converters) if c is not None]
        if active:
            converted = []
            for row in rows:
                values = list(row)
                for i, convert in active:
                    values[i] = convert(values[i])
                converted.append(tuple(values))
            rows = converted
        placeholders = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({placeholders})"
        self.connection.exec_driver_sql(sql, list(rows))

    def _copy(self, name: str, columns: Sequence[str], rows: Sequence[RowValues]) -> None:
        raw = _driver_connection(self.connection)
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def commit(self) -> None:
        self.connection.commit()


@contextmanager
def bulk_session(engine: Engine, tables: Sequence[str]) -> Iterator[BulkWriter]:
    """A writer on one connection tuned for loading; the tables' secondary indexes are
    rebuilt (and statistics refreshed) when the block ends, even if it fails."""
    with engine.connect() as connection:
        dialect = connection.dialect.name
        raw = _driver_connection(connection)
        if dialect == "sqlite":
            # Safe to relax for a load (the caller wipes a failed one). PRAGMAs go to the
            # driver directly: SQLite refuses to change them inside a transaction.
            raw.execute("PRAGMA synchronous=OFF")
            raw.execute("PRAGMA cache_size=-1000000")
            raw.execute("PRAGMA temp_store=MEMORY")
        else:
            connection.exec_driver_sql("SET TIME ZONE 'UTC'")
            connection.commit()
        indexes = [ix for name in tables for ix in SQLModel.metadata.tables[name].indexes]
        with connection.begin():
            for index in indexes:
                index.drop(connection, checkfirst=True)
        try:
            yield BulkWriter(connection)
        finally:
            if connection.in_transaction():
                connection.rollback()
            with connection.begin():
                for index in indexes:
                    index.create(connection, checkfirst=True)
            if dialect == "sqlite":
                raw.execute("ANALYZE")
                raw.execute("PRAGMA synchronous=FULL")
                raw.execute("PRAGMA cache_size=-2000")
            else:
                with connection.begin():
                    for name in tables:
                        _reset_sequence(connection, name)
                connection.commit()
                # VACUUM sets the visibility map, without which index-only scans still
                # visit the heap; it cannot run in a transaction block, hence autocommit.
                auto = connection.execution_options(isolation_level="AUTOCOMMIT")
                for name in tables:
                    auto.exec_driver_sql(f"VACUUM (ANALYZE) {name}")


def _driver_connection(connection: Connection) -> Any:
    """The driver's own connection (sqlite3 or psycopg, untyped to SQLAlchemy), for what
    SQLAlchemy cannot do: PRAGMAs outside a transaction, COPY."""
    raw = connection.connection.driver_connection
    if raw is None:  # only once the connection was invalidated
        raise RuntimeError("the database connection was closed")
    return raw


def _reset_sequence(connection: Connection, table: str) -> None:
    connection.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )
    )

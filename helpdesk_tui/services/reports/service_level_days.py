"""Counting per business day in the database, without reading a row per ticket.

An instant belongs to the first business day that closes at or after it: an arrival on
Saturday, or on Friday after closing, counts on Monday (its clocks start then); a due
time always falls within some day's hours. ``Days`` holds the range's closing instants;
its buckets are the business days in order, [start, first close], then (close, next
close], and a last one, (last close, end), for what comes after the range's last
business day closes (it counts in the range's totals, on no day).

``per_day`` asks the database for aggregates per bucket over one indexed column:
PostgreSQL puts each row in its bucket with ``width_bucket`` over the closing instants
(a binary search per row) and groups by it; SQLite reads one range of the column's
index per bucket (a UNION ALL of the same statement, compiled once), so each bucket's
rows are read in index order and nothing is sorted.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY, TIMESTAMP

from helpdesk_tui.data.tables import Ticket, core_table

_t = core_table(Ticket)
LIVE = _t.c.merged_into_id.is_(None)  # the partial indexes' condition, word for word
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Days:
    """The buckets of a range: ``start`` (included) and ``end`` (excluded) are the
    range's instants, ``closes`` the closing instants of its business days."""

    start: datetime
    end: datetime
    closes: tuple[datetime, ...]

    @property
    def count(self) -> int:
        """Buckets, the one after the last close included."""
        return len(self.closes) + 1

    def whole(self) -> "Days":
        """The same range as one bucket (an agent's own figures: no days)."""
        return Days(self.start, self.end, ())

    def bounds(self) -> list[tuple[datetime, datetime]]:
        """Each bucket as (after, up to and including), to the microsecond."""
        edges = [self.start - _MICROSECOND, *self.closes, self.end - _MICROSECOND]
        return list(zip(edges, edges[1:], strict=False))


def per_day(
    conn: Connection,
    column: ColumnElement[datetime],
    days: Days,
    aggregates: Sequence[ColumnElement[Any]],
    *,
    where: Sequence[ColumnElement[bool]] = (),
    group_by: Sequence[ColumnElement[Any]] = (),
) -> list[Any]:
    """Rows of (bucket, *group_by, *aggregates) over the live tickets whose ``column``
    falls in the range, per bucket (and ``group_by``). A bucket may come without rows,
    or (SQLite, nothing grouped) as a row of 0 and empty values. On SQLite ``group_by``
    must follow the index read (its leading columns, named with IN in ``where``), so
    that grouping sorts nothing."""
    if conn.dialect.name == "postgresql":
        edges = [days.start, *(c + _MICROSECOND for c in days.closes)]  # [a, b) is (a', b]
        thresholds = bindparam("day_edges", edges, type_=ARRAY(TIMESTAMP(timezone=True)))
        bucket = (func.width_bucket(column, thresholds) - 1).label("bucket")
        statement = (
            select(bucket, *group_by, *aggregates)
            .where(LIVE, column >= days.start, column < days.end, *where)
            .group_by(bucket, *group_by)
        )
        return list(conn.execute(statement))
    return _arms(conn, column, days, aggregates, where, group_by)


def _arms(
    conn: Connection,
    column: ColumnElement[datetime],
    days: Days,
    aggregates: Sequence[ColumnElement[Any]],
    where: Sequence[ColumnElement[bool]],
    group_by: Sequence[ColumnElement[Any]],
) -> list[Any]:
    """SQLite: the statement for one bucket, compiled once, repeated per bucket. (Built
    through SQLAlchemy per bucket, a year's 250 buckets cost more than reading them.)"""
    arm = select(bindparam("arm_bucket", 0, type_=_t.c.id.type), *group_by, *aggregates).where(
        LIVE,
        column > bindparam("arm_after", days.start, type_=column.type),
        column <= bindparam("arm_until", days.end, type_=column.type),
        *where,
    )
    if group_by:
        arm = arm.group_by(*group_by)
    compiled = arm.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    names = compiled.positiontup or []
    fixed = {}
    for name in names:
        # An IN list's values are named after it: "channel_1_2" is the second of "channel_1".
        bound = compiled.binds[name if name in compiled.binds else name.rsplit("_", 1)[0]]
        process = bound.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        fixed[name] = process if process is not None else (lambda value: value)
    constant = {n: fixed[n](compiled.params[n]) for n in names if not n.startswith("arm_")}
    parameters: list[Any] = []
    for b, (after, until) in enumerate(days.bounds()):
        arm_values = {"arm_bucket": b, "arm_after": after, "arm_until": until}
        parameters += [fixed[n](arm_values[n]) if n in arm_values else constant[n] for n in names]
    sql = " UNION ALL ".join([compiled.string] * days.count)
    return list(conn.exec_driver_sql(sql, tuple(parameters)).cursor.fetchall())


def per_day_and_assignee(
    conn: Connection,
    column: ColumnElement[datetime],
    days: Days,
    aggregates: Sequence[ColumnElement[Any]],
    staff: Sequence[int],
    *,
    team: bool = True,
) -> list[Any]:
    """Rows of (bucket, assignee, *aggregates) from an index that starts with the
    assignee then ``column``: each staff member's range is read (per bucket, on
    SQLite), and (``team``) the unassigned tickets' too; only ``staff`` when not
    ``team``."""
    assignee = _t.c.assignee_id
    rows = []
    if staff:
        named = [assignee.in_(sorted(staff))]
        rows += per_day(conn, column, days, aggregates, where=named, group_by=[assignee])
    if team:
        nobody = per_day(conn, column, days, aggregates, where=[assignee.is_(None)])
        rows += [(b, None, *values) for b, *values in nobody]
    return rows


def sum_by(rows: Sequence[Any], key: int, width: int, *, skip: int) -> dict[Any, list[int]]:
    """Per value of column ``key``, the sums of the ``width`` columns after ``skip``."""
    sums: dict[Any, list[int]] = {}
    for row in rows:
        into = sums.setdefault(row[key], [0] * width)
        for k, value in enumerate(row[skip : skip + width]):
            into[k] += value or 0
    return sums

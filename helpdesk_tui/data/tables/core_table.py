"""The Core ``Table`` behind a table model, typed.

SQLModel's metaclass gives every ``table=True`` class a ``__table__`` but does not
declare it, so reading ``Model.__table__`` does not type-check. Code that works on
Core tables (the lookup, the queue, bulk statements) asks here instead of silencing
mypy at each use.
"""

from sqlalchemy import Table, inspect
from sqlmodel import SQLModel


def core_table(model: type[SQLModel]) -> Table:
    """``model.__table__``: the table its mapper was built on."""
    table = inspect(model).local_table
    if not isinstance(table, Table):  # a table model is always mapped to a Table
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table

"""Database triggers that make audit rows append-only.

SQLite: BEFORE UPDATE / DELETE triggers that abort. PostgreSQL: a trigger function
that raises, for UPDATE, DELETE and TRUNCATE. Only wiping a whole demo district (and
tests that simulate an attacker with direct file or superuser access) lifts them.

Someone with that access can also drop them, disable them or swap them for triggers
that let changes through; ``guard_status`` compares what the database holds with
what is created here, so `helpdesk audit verify` and `helpdesk db check` notice, and
``restore_guards`` puts them back in one transaction.
"""

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text

APPEND_ONLY = "audit rows are append-only"

_SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]
_PG_CREATE = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'insufficient_privilege'; "
    "END $$",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]
_PG_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]


def create_guards(conn: Connection) -> None:
    for statement in _PG_CREATE if conn.dialect.name == "postgresql" else _SQLITE_CREATE:
        conn.exec_driver_sql(statement)


def drop_guards(conn: Connection) -> None:
    for statement in _PG_DROP if conn.dialect.name == "postgresql" else _SQLITE_DROP:
        conn.exec_driver_sql(statement)


# What the catalogs hold for each guard when it is as created above: SQLite keeps the
# CREATE statement (without IF NOT EXISTS); PostgreSQL's pg_get_triggerdef spells the
# events in its own order, and the function's body is kept as written.
_SQLITE_EXPECTED = {
    "audit_event_no_update": _SQLITE_CREATE[0].replace(" IF NOT EXISTS", ""),
    "audit_event_no_delete": _SQLITE_CREATE[1].replace(" IF NOT EXISTS", ""),
}
_PG_FUNCTION = "audit_event_append_only"
_PG_BODY = _PG_CREATE[0].split("$$")[1]
_PG_EXPECTED = {
    "audit_event_no_change": "CREATE TRIGGER audit_event_no_change BEFORE DELETE OR UPDATE "
    f"ON audit_event FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
    "audit_event_no_truncate": "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE "
    f"ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()",
}


@dataclass(frozen=True, slots=True)
class GuardStatus:
    """The append-only guards this database should have, and those it lacks: each
    missing one named, with "(disabled)" or "(changed)" when it is there but no
    longer refuses."""

    expected: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing


def _same(found: str, expected: str) -> bool:
    def squeeze(sql: str) -> str:
        sql = re.sub(r"\b\w+\.(audit_event|audit_event_append_only)\b", r"\1", sql)
        return " ".join(sql.split())

    return squeeze(found) == squeeze(expected)


def guard_status(conn: Connection) -> GuardStatus:
    """Which append-only guards are in place, read from the database's catalog."""
    if conn.dialect.name == "postgresql":
        return _pg_status(conn)
    found: dict[str, str | None] = dict(
        conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'audit_event'"
            )
        ).all()
    )
    missing = []
    for name, expected in _SQLITE_EXPECTED.items():
        if name not in found:
            missing.append(name)
        elif not _same(found[name] or "", expected):
            missing.append(f"{name} (changed)")
    return GuardStatus(tuple(_SQLITE_EXPECTED), tuple(missing))


def _pg_status(conn: Connection) -> GuardStatus:
    rows = conn.execute(
        text(
            "SELECT t.tgname, t.tgenabled, pg_get_triggerdef(t.oid), p.proname, p.prosrc "
            "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = to_regclass('audit_event') AND NOT t.tgisinternal"
        )
    ).all()
    found = {row[0]: row for row in rows}
    missing = []
    for name, expected in _PG_EXPECTED.items():
        row = found.get(name)
        if row is None:
            missing.append(name)
        elif row[1] not in ("O", "A"):  # D: disabled; R: fires only on replicas
            missing.append(f"{name} (disabled)")
        elif not _same(row[2], expected) or row[3] != _PG_FUNCTION:
            missing.append(f"{name} (changed)")
        elif " ".join(row[4].split()) != " ".join(_PG_BODY.split()):
            missing.append(f"{name} (its function no longer refuses)")
    return GuardStatus(tuple(_PG_EXPECTED), tuple(missing))


def restore_guards(conn: Connection) -> GuardStatus:
    """Put every guard back as created here, in the caller's transaction (both
    databases change triggers transactionally: there is no moment without them, and
    a failure leaves things as they were). Rows are never touched. Returns the status
    found before."""
    before = guard_status(conn)
    if not before.ok:
        drop_guards(conn)
        create_guards(conn)
    return before


def missing_guards_message(missing: tuple[str, ...]) -> str:
    """What staff read when guards are missing: what it means and what to run."""
    return (
        f"The audit trail's append-only guards are missing: {', '.join(missing)}. "
        "Anyone with access to the database can change or delete audit rows without an "
        "error until they are back. Run `helpdesk audit restore-guards` to put them back, "
        "then `helpdesk audit verify --anchor FILE` with the anchors you keep, to check "
        "nothing was changed meanwhile."
    )

"""The portal usage report, for supervisors: per school, how many guardians with portal
rights have no account, a key outstanding longer than N days, a disabled account, or an
account never used, with the guardians behind each number, and both as CSV.

A guardian "has portal rights" at a school through an unrestricted relationship with
portal access to an active student there, enrolled this year or next. A guardian with
students at two schools counts at each; the district line counts each guardian once.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TextIO, cast

from sqlalchemy import TextClause, bindparam, text
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from helpdesk_tui.data.normalize import clean_text
from helpdesk_tui.data.private_files import open_private, private_folder
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, UsageCondition

MAX_DAYS = 3650


@dataclass(frozen=True, slots=True)
class SchoolUsage:
    school_id: int | None  # None: the whole district, each guardian once
    school: str
    with_rights: int
    no_account: int
    key_outstanding: int
    disabled: int
    never_used: int


@dataclass(frozen=True, slots=True)
class UsageEntry:
    school: str
    guardian_id: int
    guardian: str
    condition: UsageCondition
    since: datetime | None  # key issued, account disabled or created
    detail: str


_RIGHTS = """
SELECT DISTINCT s.school_id, gs.guardian_id
FROM guardian_student gs
JOIN student s ON s.id = gs.student_id
JOIN guardian g ON g.id = gs.guardian_id
WHERE gs.portal_access AND NOT gs.restricted AND s.active AND g.active
  AND (s.enrolled_this_year OR s.enrolled_next_year)
"""
_OLD_KEY = (
    "EXISTS (SELECT 1 FROM activation_key k WHERE k.guardian_id = r.guardian_id "
    "AND k.status = 'active' AND k.issued_at < :cutoff)"
)
_COUNTS = f"""
COUNT(*),
SUM(CASE WHEN a.id IS NULL THEN 1 ELSE 0 END),
SUM(CASE WHEN {_OLD_KEY} THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status = 'disabled' THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status = 'active' AND a.last_login_at IS NULL THEN 1 ELSE 0 END)
"""


def _with_cutoff(sql: str) -> TextClause:
    """The cutoff bound as the timestamp columns store it (SQLite compares text)."""
    return text(sql).bindparams(bindparam("cutoff", type_=UTCDateTime()))


def _check(session: Session, actor: StaffMember, days: int) -> None:
    require_supervisor(session, actor=actor, action=AuditAction.PORTAL_REPORT)
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(f"Give the number of days as 1 to {MAX_DAYS}.")


def portal_usage(
    session: Session, *, actor: StaffMember, days: int = 30, now: datetime | None = None
) -> list[SchoolUsage]:
    """One line per school (by name), then the district's line."""
    _check(session, actor, days)
    cutoff = resolve_now(now) - timedelta(days=days)
    rows = session.connection().execute(
        _with_cutoff(
            f"SELECT sc.id, sc.name, {_COUNTS} FROM ({_RIGHTS}) r "
            "JOIN school sc ON sc.id = r.school_id "
            "LEFT JOIN portal_account a ON a.guardian_id = r.guardian_id "
            "GROUP BY sc.id, sc.name ORDER BY sc.name"
        ),
        {"cutoff": cutoff},
    )
    schools = [SchoolUsage(*row) for row in rows]
    total = (
        session.connection()
        .execute(
            _with_cutoff(
                f"SELECT {_COUNTS} FROM (SELECT DISTINCT guardian_id FROM ({_RIGHTS}) x) r "
                "LEFT JOIN portal_account a ON a.guardian_id = r.guardian_id"
            ),
            {"cutoff": cutoff},
        )
        .one()
    )
    counts = [n or 0 for n in total]
    return [*schools, SchoolUsage(None, "Whole district (each guardian once)", *counts)]


def usage_entries(
    session: Session,
    *,
    actor: StaffMember,
    days: int = 30,
    school_id: int | None = None,
    whole_district: bool = False,
    only: UsageCondition | None = None,
    now: datetime | None = None,
    limit: int | None = None,
) -> Iterator[UsageEntry]:
    """The guardians behind the numbers, school by school and list by list (``only`` one
    list); with ``whole_district`` each guardian once, as the district's line counts them."""
    _check(session, actor, days)
    cutoff = resolve_now(now) - timedelta(days=days)
    zone = get_district(session).zone
    if whole_district:
        source = f"(SELECT DISTINCT guardian_id FROM ({_RIGHTS}) x) r"
        school_name, order = "''", ""
    else:
        source = f"({_RIGHTS}) r JOIN school sc ON sc.id = r.school_id"
        school_name, order = "sc.name", "sc.name, "
    where = "WHERE r.school_id = :school" if school_id is not None else ""
    result = session.connection().execute(
        text(
            f"SELECT {school_name}, g.id, g.first_name || ' ' || g.last_name, a.status, "
            "a.username, a.disabled_at, a.disabled_reason, a.created_at, a.last_login_at, "
            "(SELECT MIN(k.issued_at) FROM activation_key k WHERE k.guardian_id = g.id "
            "AND k.status = 'active') "
            f"FROM {source} JOIN guardian g ON g.id = r.guardian_id "
            "LEFT JOIN portal_account a ON a.guardian_id = g.id "
            f"{where} ORDER BY {order}g.last_name, g.first_name, g.id"
        ),
        {"school": school_id},
    )
    made = 0
    for school, gid, name, status, username, disabled_at, reason, created, last, key in result:
        key = _aware(key)
        found: list[tuple[UsageCondition, datetime | None, str]] = []
        if status is None:
            found.append(
                (
                    UsageCondition.NO_ACCOUNT,
                    key,
                    f"key outstanding since {_day(key, zone)}" if key else "no key",
                )
            )
        if key is not None and key < cutoff:
            found.append(
                (UsageCondition.KEY_OUTSTANDING, key, f"issued {_day(key, zone)}, not yet used")
            )
        if status == AccountStatus.DISABLED:
            found.append(
                (
                    UsageCondition.DISABLED,
                    _aware(disabled_at),
                    f"{username}: {reason or 'no reason'}",
                )
            )
        if status == AccountStatus.ACTIVE and last is None:
            created = _aware(created)
            found.append(
                (UsageCondition.NEVER_USED, created, f"{username}, created {_day(created, zone)}")
            )
        for condition, since, detail in found:
            if only and condition != only:
                continue
            yield UsageEntry(school, gid, name, condition, since, detail)
            made += 1
            if limit and made >= limit:
                return


def _aware(moment: object) -> datetime | None:
    """Raw SQL gives SQLite's stored text; the ORM's columns are UTC."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(moment: datetime | None, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d") if moment else "?"


def export_usage_csv(
    session: Session,
    *,
    actor: StaffMember,
    folder: Path,
    days: int = 30,
    now: datetime | None = None,
) -> tuple[Path, Path]:
    """The per-school summary and the guardian lists as two CSV files (readable only by
    this user, in a folder only this user can enter: they hold names), written as the
    rows stream from the database. Each file starts with a UTF-8 byte-order mark, so
    Excel shows accents; a cell a spreadsheet would run as a formula starts with '."""
    now = resolve_now(now)
    private_folder(folder)
    stamp = now.astimezone(get_district(session).zone).strftime("%Y%m%d-%H%M%S")
    summary = folder / f"portal-usage-{stamp}-schools.csv"
    details = folder / f"portal-usage-{stamp}-guardians.csv"
    with _private(summary) as handle:
        out = _SafeWriter(handle)
        out.writerow(
            [
                "school",
                "with portal rights",
                "no account",
                f"key outstanding > {days} days",
                "disabled",
                "never used",
            ]
        )
        for row in portal_usage(session, actor=actor, days=days, now=now):
            out.writerow(
                [
                    row.school,
                    row.with_rights,
                    row.no_account,
                    row.key_outstanding,
                    row.disabled,
                    row.never_used,
                ]
            )
    with _private(details) as handle:
        out = _SafeWriter(handle)
        out.writerow(["school", "guardian id", "guardian", "list", "since", "detail"])
        for entry in usage_entries(session, actor=actor, days=days, now=now):
            out.writerow(
                [
                    entry.school,
                    entry.guardian_id,
                    entry.guardian,
                    entry.condition.label,
                    entry.since.isoformat(timespec="minutes") if entry.since else "",
                    entry.detail,
                ]
            )
    return summary, details


def _private(path: Path) -> TextIO:
    return cast(TextIO, open_private(path, "w", encoding="utf-8-sig", newline=""))


# What makes Excel, LibreOffice or Google Sheets run a cell as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A text cell as a spreadsheet should show it: control characters out (a line
    break or tab is a space), and a leading ' when it would otherwise start a formula
    ("=HYPERLINK(...)", "+1", "@SUM", also after spaces). Numbers stay numbers."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if text[:1] in _FORMULA_START or text.lstrip()[:1] in _FORMULA_START:
        return "'" + text
    return text


class _SafeWriter:
    """csv.writer whose every text cell goes through ``spreadsheet_cell``."""

    def __init__(self, handle: TextIO) -> None:
        self._out = csv.writer(handle)

    def writerow(self, row: list[object]) -> None:
        self._out.writerow([spreadsheet_cell(cell) for cell in row])

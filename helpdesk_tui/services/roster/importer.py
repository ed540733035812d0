"""Importing the district's roster from a OneRoster CSV export (1.1 or 1.2).

All or nothing: the export is read into temporary tables and checked in full first;
one problem anywhere and nothing is applied, and the report lists each bad row (file,
line, reason). Otherwise it is applied in one transaction with its audit row; a dry run
does the same work and rolls it back, so its counts are exactly what a real run does.
Re-importing the same export changes nothing.

Runs without a staff sign-in (from cron, say): it is audited as "roster-import".
"""

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, text
from sqlmodel import Session

from helpdesk_tui.data.demo.seed import school_year_start
from helpdesk_tui.data.engine import Database, as_writer
from helpdesk_tui.data.oneroster.checks import settle
from helpdesk_tui.data.oneroster.files import (
    ExportFiles,
    ExportUnreadable,
    Manifest,
    read_manifest,
)
from helpdesk_tui.data.oneroster.merge import Merger
from helpdesk_tui.data.oneroster.staging import NoProgress, Progress, Staged, Stager
from helpdesk_tui.data.search_index import rebuilt_lookup_indexes, reindex_guardians
from helpdesk_tui.data.tables import DistrictSettings
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import ROSTER_IMPORT
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.text import count_of
from helpdesk_tui.vocabulary import AuditAction


class ImportRefused(DomainError):
    """The export as a whole cannot be imported; nothing changed."""


@dataclass(frozen=True)
class NewDistrict:
    """What a OneRoster export does not carry but a district's letters need: asked for
    on the first import into an empty database."""

    portal_url: str
    helpdesk_email: str
    helpdesk_phone: str
    time_zone: str = "America/Chicago"
    country: str = "US"
    subdivision: str = "IL"


@dataclass
class ImportReport:
    path: str
    version: str
    modes: dict[str, str]
    dry_run: bool
    applied: bool = False
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    samples: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    reindexed_guardians: int = 0
    seconds: float = 0.0

    @property
    def changes(self) -> int:
        return sum(n for per in self.counts.values() for n in per.values())

    def summary(self) -> str:
        """One line for the audit trail."""
        parts = [
            f"{entity}s {', '.join(f'{what} {n:,}' for what, n in per.items())}"
            for entity, per in self.counts.items()
            if per
        ]
        kind = ", ".join(f"{stem} {mode}" for stem, mode in sorted(self.modes.items()))
        body = "; ".join(parts) if parts else "no changes"
        return f"OneRoster {self.version} ({kind}): {body}"


def import_oneroster(
    database: Database,
    path: Path,
    *,
    dry_run: bool = False,
    encoding: str | None = None,
    new_district: NewDistrict | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    now = resolve_now(now)
    started = time.monotonic()
    progress = progress or NoProgress()
    try:
        files = ExportFiles.open(path)
    except ExportUnreadable as exc:
        raise ImportRefused(str(exc)) from None
    try:
        manifest = read_manifest(files)
        report = ImportReport(str(path), manifest.version, dict(manifest.modes), dry_run)
        with database.engine.connect() as conn:
            try:
                _run(conn, files, manifest, report, encoding, new_district, now, progress)
            finally:
                # The import's temporary tables live on this connection: never hand it
                # back to the pool with them.
                conn.invalidate()
    except ExportUnreadable as exc:
        raise ImportRefused(str(exc)) from None
    finally:
        files.close()
    report.notes[:0] = files.encoding_notes
    report.seconds = time.monotonic() - started
    return report


def _run(
    conn: Connection,
    files: ExportFiles,
    manifest: Manifest,
    report: ImportReport,
    encoding: str | None,
    new_district: NewDistrict | None,
    now: datetime,
    progress: Progress,
) -> None:
    with conn.begin():
        has_district = conn.execute(text("SELECT COUNT(*) FROM district_settings")).scalar_one()
        known_schools = {
            row[0]
            for row in conn.execute(
                text("SELECT sourced_id FROM school WHERE sourced_id IS NOT NULL")
            )
        }
    if not has_district and new_district is None:
        raise ImportRefused(
            "This database has no district yet. For the first import give the portal's "
            "address and the helpdesk's email and phone (--portal-url, --helpdesk-email, "
            "--helpdesk-phone): a OneRoster export does not carry them, and every letter "
            "and email to guardians does."
        )
    stager = Stager(
        conn, files, manifest, known_schools=known_schools, encoding=encoding, progress=progress
    )
    staged = stager.read_all()
    delta = manifest.modes.get("users") == "delta"
    settle(conn, staged, delta_users=delta)
    report.rows_read = dict(staged.rows_read)
    report.problem_count = staged.problem_count
    report.problems = [str(p) for p in staged.problems]
    if staged.skipped_students:
        report.notes.append(
            f"{count_of(staged.skipped_students, 'student')} outside grades K-12 (pre-K, "
            f"ungraded) {'was' if staged.skipped_students == 1 else 'were'} left out: the "
            "portal serves K-12."
        )
    if staged.ignored_roles:
        roles = ", ".join(f"{n:,} {role}" for role, n in sorted(staged.ignored_roles.items()))
        report.notes.append(f"Not portal users, so left out: {roles}.")
    if staged.problem_count:
        return
    as_writer(conn)
    with conn.begin() as transaction:
        # Nobody searches a lookup index that is still empty: PostgreSQL loads it faster
        # without its indexes, built once at the end (1M users: 509 s -> 445 s). SQLite,
        # with its small page cache, is faster keeping them (210 s against 285 s).
        first_lookup_load = (
            conn.dialect.name == "postgresql"
            and conn.execute(text("SELECT 1 FROM search_term LIMIT 1")).first() is None
        )
        if not has_district and new_district is not None:
            _create_district(conn, staged, new_district, now)
        merger = Merger(conn, staged, now=now, progress=progress)
        merged = merger.run(demographics=staged.mode("demographics") != "absent")
        touched = conn.execute(text("SELECT COUNT(*) FROM touched_guardian")).scalar_one()
        progress.phase("Updating the lookup index", touched)
        with rebuilt_lookup_indexes(conn, when=first_lookup_load):
            report.reindexed_guardians = reindex_guardians(
                conn, "touched_guardian", progress=progress.advance
            )
        report.counts = {k: dict(v) for k, v in merged.counts.items()}
        report.samples = dict(merged.samples)
        with Session(bind=conn) as session:
            audit.record(
                session,
                actor=ROSTER_IMPORT,
                action=AuditAction.ROSTER_IMPORTED,
                guardian_id=None,
                detail=report.summary()[:500],
                now=now,
            )
            session.flush()
        if report.dry_run:
            transaction.rollback()
        else:
            report.applied = True


def _create_district(
    conn: Connection, staged: Staged, new_district: NewDistrict, now: datetime
) -> None:
    org = staged.district()
    name = org.name if org else "School district"
    with Session(bind=conn) as session:
        session.add(
            DistrictSettings(
                name=name[:200],
                portal_url=new_district.portal_url,
                helpdesk_email=new_district.helpdesk_email,
                helpdesk_phone=new_district.helpdesk_phone,
                time_zone=new_district.time_zone,
                country=new_district.country,
                subdivision=new_district.subdivision,
                school_year_start=school_year_start(now),
            )
        )
        session.flush()

"""The export, streamed into temporary tables on the import's own connection.

Rows are checked one by one (parse.py) and written in batches, so memory stays flat
whatever the export's size; what needs several rows (unknown students, duplicate ids,
roles from roles.csv, birth dates from demographics.csv) is then settled in SQL (checks.py).
Nothing here touches the roster: a failed check leaves the database as it was. The
tables themselves are in stage_tables.py.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Connection, Table

from helpdesk_tui.data.bulk_load import BulkWriter, RowValues
from helpdesk_tui.data.oneroster import parse
from helpdesk_tui.data.oneroster.files import ExportFiles, ExportUnreadable, Manifest
from helpdesk_tui.data.oneroster.stage_tables import (
    STAGE_BIRTH,
    STAGE_FLAG,
    STAGE_INDEXES,
    STAGE_LINK,
    STAGE_MEMBER,
    STAGE_ROLE,
    STAGE_TABLES,
    STAGE_USER,
    analyze,
)

BATCH = 5000
MAX_LISTED_PROBLEMS = 200


@dataclass
class Org:
    sid: str
    kind: str  # district, school or another OneRoster org type
    name: str
    identifier: str | None
    status: str
    line: int
    city: str = ""
    phone: str = ""
    low_grade: int | None = None
    high_grade: int | None = None


@dataclass
class Staged:
    """What reading the export found, before anything is applied."""

    manifest: Manifest
    orgs: dict[str, Org] = field(default_factory=dict)
    problems: list[parse.Problem] = field(default_factory=list)
    problem_count: int = 0
    rows_read: dict[str, int] = field(default_factory=dict)
    ignored_roles: dict[str, int] = field(default_factory=dict)
    skipped_students: int = 0

    def problem(self, file: str, line: int, reason: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(parse.Problem(file, line, reason))

    def mode(self, stem: str) -> str:
        return self.manifest.modes.get(stem, "absent")

    def district(self) -> Org | None:
        """The export's (active) district org, if it names one."""
        return next(
            (o for o in self.orgs.values() if o.kind == "district" and o.status == "active"), None
        )


class Progress(Protocol):
    """How a long import tells the person running it where it is."""

    def phase(self, label: str, total: int | None) -> None: ...

    def advance(self, amount: int) -> None: ...


class NoProgress:
    def phase(self, label: str, total: int | None) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


class Stager:
    """Reads the export's files into the stage tables on ``connection``."""

    def __init__(
        self,
        connection: Connection,
        files: ExportFiles,
        manifest: Manifest,
        *,
        known_schools: set[str],
        encoding: str | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.conn = connection
        self.files = files
        self.encoding = encoding
        self.progress: Progress = progress or NoProgress()
        self.known_schools = known_schools
        self.staged = Staged(manifest)
        self.writer = BulkWriter(connection, STAGE_TABLES)
        self.pending: dict[str, list[RowValues]] = {t.name: [] for t in STAGE_TABLES}

    # -- plumbing ------------------------------------------------------------------
    def create_tables(self) -> None:
        with self.conn.begin():
            for table in STAGE_TABLES:
                table.drop(self.conn, checkfirst=True)
                table.create(self.conn)

    def _add(self, table: Table, row: RowValues) -> None:
        rows = self.pending[table.name]
        rows.append(row)
        if len(rows) >= BATCH:
            self._flush(table.name)

    def _flush(self, name: str | None = None) -> None:
        names = [name] if name else list(self.pending)
        with self.conn.begin():
            for n in names:
                columns = [c.name for c in self.writer.table(n).columns]
                self.writer.write(n, columns, self.pending[n])
                self.pending[n] = []

    def _rows(self, name: str) -> Iterator[tuple[int, dict[str, str]]]:
        """The file's rows, after its header was checked; progress in rows read."""
        encoding = self.files.encoding_of(name, self.encoding)
        header = self.files.header(name, encoding)
        missing = parse.missing_columns(name, self.staged.manifest.version, header)
        if missing:
            self.staged.problem(
                name, 1, f"missing required column(s): {', '.join(missing)}; nothing was read"
            )
            return
        expected = self.files.estimated_rows(name)
        self.progress.phase(f"Reading {name}", expected)
        count = shown = 0
        for line, row in self.files.rows(name, encoding):
            count += 1
            yield line, row
            if count % 2000 == 0 and count <= expected:
                self.progress.advance(count - shown)
                shown = count
        self.progress.advance(expected - shown)  # the bar ends full, however good the guess
        self.staged.rows_read[name] = count

    # -- the files -----------------------------------------------------------------
    def read_all(self) -> Staged:
        if self.staged.mode("users") == "absent":
            raise ExportUnreadable(
                "The manifest lists no users.csv (file.users is absent): there are no "
                "students or guardians to import."
            )
        self.create_tables()
        if self.staged.mode("orgs") != "absent":
            self._read_orgs()
        version = self.staged.manifest.version
        self._read_users(version)
        if self.staged.mode("roles") != "absent":
            self._read_roles()
        if self.staged.mode("demographics") != "absent":
            self._read_demographics()
        self._flush()
        with self.conn.begin():
            for statement in STAGE_INDEXES:
                self.conn.exec_driver_sql(statement)
            analyze(self.conn, *(t.name for t in STAGE_TABLES))
        return self.staged

    def _read_orgs(self) -> None:
        for line, row in self._rows("orgs.csv"):
            try:
                parse.check_modified(row)
                sid = parse.cell(row, "sourcedId", required=True) or ""
                low = _grade_bound(row.get("metadata.lowGrade"), "metadata.lowGrade")
                high = _grade_bound(row.get("metadata.highGrade"), "metadata.highGrade")
                org = Org(
                    sid=sid,
                    kind=(parse.cell(row, "type", required=True) or "").lower(),
                    name=parse.cell(row, "name", required=True) or "",
                    identifier=(row.get("identifier") or "").strip()[:16] or None,
                    status=parse.status_of(row),
                    line=line,
                    city=parse.cell(row, "metadata.city") or "",
                    phone=parse.cell(row, "metadata.phone") or "",
                    low_grade=low,
                    high_grade=high,
                )
            except parse.RowProblem as exc:
                self.staged.problem("orgs.csv", line, str(exc))
                continue
            if sid in self.staged.orgs:
                self.staged.problem("orgs.csv", line, f"sourcedId {sid} appears twice")
            self.staged.orgs[sid] = org

    def _known_org(self, sid: str) -> bool:
        return sid in self.staged.orgs or sid in self.known_schools

    def _is_school(self, sid: str) -> bool:
        org = self.staged.orgs.get(sid)
        return org.kind == "school" if org else sid in self.known_schools

    def _read_users(self, version: str) -> None:
        for line, row in self._rows("users.csv"):
            try:
                self._user(line, row, version)
            except parse.RowProblem as exc:
                self.staged.problem("users.csv", line, str(exc))
                # Kept as a placeholder so rows naming it are not also reported as
                # naming someone unknown: one problem, reported once.
                sid = (row.get("sourcedId") or "").strip()[:255]
                if sid:
                    blank = (None,) * (len(STAGE_USER.columns) - 3)
                    self._add(STAGE_USER, (sid, line, "invalid", *blank))

    def _user(self, line: int, row: dict[str, str], version: str) -> None:
        parse.check_modified(row)
        sid = parse.cell(row, "sourcedId", required=True) or ""
        status = parse.status_of(row)
        role = (row.get("role") or "").strip().lower() or None
        if version == "1.1" and role is None:
            raise parse.RowProblem("role is blank; it is required")
        if role and role not in parse.STUDENT_ROLES + parse.GUARDIAN_ROLES:
            self.staged.ignored_roles[role] = self.staged.ignored_roles.get(role, 0) + 1
            return
        orgs = parse.id_list(row, "orgSourcedIds") + parse.id_list(row, "primaryOrgSourcedId")
        unknown = [o for o in orgs if not self._known_org(o)]
        if unknown:
            raise parse.RowProblem(f"unknown org {unknown[0]} (not in orgs.csv)")
        schools = [o for o in orgs if self._is_school(o)]
        given = parse.cell(row, "givenName", required=status == "active")
        family = parse.cell(row, "familyName", required=status == "active")
        agents = parse.id_list(row, "agentSourcedIds")
        email, email_problem = parse.checked_email(parse.cell(row, "email"), "email")
        alt, alt_problem = parse.checked_email(
            parse.cell(row, "metadata.altEmail"), "metadata.altEmail"
        )
        grade, grade_problem = parse.grade_of((row.get("grades") or "").strip())
        portal = (row.get("metadata.portalAccess") or "").strip()
        portal_default = {"": None, "all": True, "none": False}.get(portal.lower(), False)
        # Every list read before anything is staged: a bad one makes the row a problem.
        listed = portal.lower() not in ("", "all", "none")
        portal_ids = parse.id_list(row, "metadata.portalAccess") if listed else ()
        restricted_ids = parse.id_list(row, "metadata.restrictedStudents")
        flags = [(s, "portal") for s in portal_ids] + [(s, "restricted") for s in restricted_ids]
        if role in parse.GUARDIAN_ROLES or (role is None and not row.get("grades")):
            keys = parse.household_key(row, agents, sid)
        else:
            keys = parse.id_list(row, "metadata.household")
        self._add(
            STAGE_USER,
            (
                sid,
                line,
                status,
                role,
                None,
                schools[0] if schools else None,
                given,
                family,
                email,
                email_problem,
                alt,
                alt_problem,
                parse.cell(row, "sms"),
                parse.cell(row, "phone"),
                parse.cell(row, "metadata.workPhone"),
                parse.cell(row, "metadata.address"),
                parse.cell(row, "metadata.city"),
                parse.cell(row, "metadata.state"),
                parse.cell(row, "metadata.postalCode"),
                parse.language(row.get("metadata.preferredLanguage")),
                parse.cell(row, "identifier"),
                grade,
                grade_problem or None,
                parse.cell(row, "metadata.relationship"),
                portal_default,
                parse.flag(row, "metadata.enrolledThisYear"),
                parse.flag(row, "metadata.enrolledNextYear"),
                None,
            ),
        )
        for agent in agents:
            self._add(STAGE_LINK, (sid, agent, line))
        for student, kind in flags:
            self._add(STAGE_FLAG, (sid, student, kind, line))
        for key in keys:
            self._add(STAGE_MEMBER, (key[:255], sid))

    def _read_roles(self) -> None:
        for line, row in self._rows("roles.csv"):
            try:
                parse.check_modified(row)
                if parse.status_of(row) != "active":
                    continue
                user = parse.cell(row, "userSourcedId", required=True) or ""
                org = parse.cell(row, "orgSourcedId", required=True) or ""
                role = (row.get("role") or "").strip().lower()
                if not self._known_org(org):
                    raise parse.RowProblem(f"unknown org {org} (not in orgs.csv)")
                role_type = (row.get("roleType") or "primary").strip().lower()
            except parse.RowProblem as exc:
                self.staged.problem("roles.csv", line, str(exc))
                continue
            school = org if role == "student" and self._is_school(org) else None
            self._add(STAGE_ROLE, (user, role[:30], role_type[:12], school, line))

    def _read_demographics(self) -> None:
        for line, row in self._rows("demographics.csv"):
            value = (row.get("birthDate") or "").strip()
            if not value:
                continue
            try:
                sid = parse.cell(row, "sourcedId", required=True) or ""
                born = parse.birth_date(value)
            except parse.RowProblem as exc:
                self.staged.problem("demographics.csv", line, str(exc))
                continue
            self._add(STAGE_BIRTH, (sid, born, line))


def _grade_bound(value: str | None, column: str) -> int | None:
    if not value or not value.strip():
        return None
    grade, _ = parse.grade_of(value)
    if grade is None:
        raise parse.RowProblem(f"{column} {value.strip()!r} is not a grade from KG to 12")
    return grade

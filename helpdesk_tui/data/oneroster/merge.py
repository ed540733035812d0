"""Applying the staged export to the roster, set by set, inside the caller's transaction.

Matching is by the SIS's sourcedId. Bulk files replace the roster: a person missing from
one becomes inactive, never deleted (tickets, keys and audit rows stay linked). Delta
files apply ``active`` and ``tobedeleted`` rows only. What the helpdesk owns is left
alone: portal accounts and keys, a language staff set, tickets, and a restriction a
supervisor cleared (``restricted`` changes only when the SIS's own flag changes).

Each step runs one condition twice, once to name a few examples and once to act, so a
dry run (rolled back by the caller) reports exactly what a real run would do.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from helpdesk_tui.data.oneroster.staging import NoProgress, Progress, Staged, analyze

SAMPLES = 8


@dataclass
class MergeReport:
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    samples: dict[tuple[str, str], list[str]] = field(default_factory=dict)


ACTIVE_STUDENT = "u.kind = 'student' AND u.status = 'active'"
ACTIVE_GUARDIAN = "u.kind = 'guardian' AND u.status = 'active'"
# Staged values next to what the roster holds, as the columns will read after the merge.
_STUDENT_VALUES = {
    "student_number": "u.number",
    "first_name": "u.given",
    "last_name": "u.family",
    "grade": "u.grade",
    "school_id": "(SELECT sc.id FROM school sc WHERE sc.sourced_id = u.school_sid)",
    "enrolled_this_year": "COALESCE(u.this_year, TRUE)",
    "enrolled_next_year": "COALESCE(u.next_year, u.grade < 12)",
    "active": "TRUE",
}
_GUARDIAN_VALUES = {
    "first_name": "u.given",
    "last_name": "u.family",
    "email": "u.email",
    "alt_email": "u.alt_email",
    "mobile_phone": "u.sms",
    "home_phone": "u.phone",
    "work_phone": "u.work_phone",
    "address_line": "u.address",
    "city": "u.city",
    "state": "u.state",
    "postal_code": "u.postal",
    # A language staff set at the guardian's request outlives the SIS's.
    "preferred_language": "CASE WHEN guardian.language_set_by_staff "
    "THEN guardian.preferred_language ELSE COALESCE(u.language, 'en') END",
    "active": "TRUE",
}


class Merger:
    def __init__(
        self,
        conn: Connection,
        staged: Staged,
        *,
        now: datetime,
        progress: Progress | None = None,
    ) -> None:
        self.conn = conn
        self.staged = staged
        self.now = now
        self.delta = staged.mode("users") == "delta"
        self.report = MergeReport()
        self.progress: Progress = progress or NoProgress()

    def sql(self, statement: str, **params: Any) -> Any:
        return self.conn.execute(text(statement), params)

    def _step(self, entity: str, what: str, sample_sql: str, act_sql: str, **params: Any) -> int:
        names = [str(r[0]) for r in self.sql(sample_sql + f" LIMIT {SAMPLES}", **params)]
        if not names:
            return 0
        done = self.sql(act_sql, **params).rowcount
        if done:
            self.report.counts[entity][what] += done
            self.report.samples[(entity, what)] = names
        return done

    STEPS = 6

    def run(self, *, demographics: bool) -> MergeReport:
        self.progress.phase("Applying to the roster", self.STEPS)
        self.sql("CREATE TEMPORARY TABLE touched_guardian (id INTEGER PRIMARY KEY)")
        self.progress.advance(1)
        self._schools()
        self.progress.advance(1)
        self._people("student", _STUDENT_VALUES, ACTIVE_STUDENT, demographics=demographics)
        self.progress.advance(1)
        self._people("guardian", _GUARDIAN_VALUES, ACTIVE_GUARDIAN, demographics=False)
        self.progress.advance(1)
        self._links()
        self.progress.advance(1)
        self._households()
        self._student_logins()
        self._school_grades()
        self.progress.advance(1)
        return self.report

    # -- schools ---------------------------------------------------------------------
    def _schools(self) -> None:
        for org in self.staged.orgs.values():
            if org.kind != "school" or org.status != "active":
                continue
            values = {
                "sid": org.sid,
                "code": org.identifier or org.sid[:16],
                "name": org.name,
                "city": org.city,
                "phone": org.phone,
            }
            row = self.sql(
                "SELECT id, code, name, city, phone FROM school WHERE sourced_id = :sid",
                sid=org.sid,
            ).first()
            if row is None:  # its grade span is set once its students are in
                self.sql(
                    "INSERT INTO school (sourced_id, code, name, level, low_grade, high_grade, "
                    "city, phone) VALUES (:sid, :code, :name, 'high', 0, 12, :city, :phone)",
                    **values,
                )
                self._count("school", "added", org.name)
            elif (row.code, row.name, row.city, row.phone) != (
                values["code"],
                org.name,
                org.city,
                org.phone,
            ):
                self.sql(
                    "UPDATE school SET code = :code, name = :name, city = :city, phone = :phone "
                    "WHERE sourced_id = :sid",
                    **values,
                )
                self._count("school", "changed", org.name)
        district = self.staged.district()
        if district is not None:
            changed = self.sql(
                "UPDATE district_settings SET name = :name WHERE id = 1 AND name <> :name",
                name=district.name[:200],
            ).rowcount
            if changed:
                self._count("school", "changed", f"district name: {district.name}")

    def _count(self, entity: str, what: str, name: str) -> None:
        self.report.counts[entity][what] += 1
        names = self.report.samples.setdefault((entity, what), [])
        if len(names) < SAMPLES:
            names.append(name)

    def _school_grades(self) -> None:
        """A school's grade span: as the export gives it, else the span of its students."""
        spans = {
            sid: (low, high)
            for sid, low, high in self.sql(
                "SELECT sc.sourced_id, MIN(s.grade), MAX(s.grade) FROM school sc "
                "JOIN student s ON s.school_id = sc.id AND s.active "
                "WHERE sc.sourced_id IS NOT NULL GROUP BY sc.sourced_id"
            )
        }
        for org in self.staged.orgs.values():
            if org.kind != "school" or org.status != "active":
                continue
            low, high = spans.get(org.sid, (0, 12))
            low = org.low_grade if org.low_grade is not None else low
            high = org.high_grade if org.high_grade is not None else high
            high = max(low, high)
            self.sql(
                "UPDATE school SET low_grade = :low, high_grade = :high, level = :level "
                "WHERE sourced_id = :sid AND (low_grade <> :low OR high_grade <> :high "
                "OR level <> :level)",
                sid=org.sid,
                low=low,
                high=high,
                level=_level(high),
            )

    # -- students and guardians --------------------------------------------------------
    def _people(
        self, table: str, values: dict[str, str], active: str, *, demographics: bool
    ) -> None:
        values = dict(values)
        if demographics:
            values["birth_date"] = "u.birth_date"
        differs = " OR ".join(
            f"{table}.{column} IS DISTINCT FROM ({expression})"
            for column, expression in values.items()
        )
        source = f"FROM stage_user u WHERE {active} AND u.sid = {table}.sourced_id"
        name = "u.given || ' ' || u.family || ' (' || u.sid || ')'"
        touched = (
            f"INSERT INTO touched_guardian (id) SELECT gs.guardian_id FROM guardian_student gs "
            f"JOIN student ON student.id = gs.student_id WHERE EXISTS (SELECT 1 {source} "
            f"AND ({differs})) ON CONFLICT DO NOTHING"
            if table == "student"
            else f"INSERT INTO touched_guardian (id) SELECT guardian.id FROM guardian "
            f"WHERE EXISTS (SELECT 1 {source} AND ({differs})) ON CONFLICT DO NOTHING"
        )
        self.sql(touched)
        assignments = ", ".join(f"{column} = {expression}" for column, expression in values.items())
        self._step(
            table,
            "changed",
            f"SELECT {name} FROM {table} JOIN stage_user u ON u.sid = {table}.sourced_id "
            f"WHERE {active} AND ({differs})",
            f"UPDATE {table} SET {assignments} "
            f"FROM stage_user u WHERE {active} AND u.sid = {table}.sourced_id AND ({differs})",
        )
        inserted = dict(values)
        if table == "guardian":
            inserted["preferred_language"] = "COALESCE(u.language, 'en')"
        columns = ", ".join(["sourced_id", *inserted])
        missing = f"{active} AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.sourced_id = u.sid)"
        before = self.sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").scalar_one()
        self._step(
            table,
            "added",
            f"SELECT {name} FROM stage_user u WHERE {missing} ORDER BY u.line",
            f"INSERT INTO {table} ({columns}) SELECT u.sid, {', '.join(inserted.values())} "
            f"FROM stage_user u WHERE {missing} ORDER BY u.line",
        )
        if table == "guardian":  # new guardians need their lookup words
            self.sql(
                "INSERT INTO touched_guardian (id) SELECT id FROM guardian WHERE id > :before "
                "ON CONFLICT DO NOTHING",
                before=before,
            )
        gone = (
            f"{table}.sourced_id IN (SELECT u.sid FROM stage_user u WHERE u.kind = '{table}' "
            f"AND u.status = 'tobedeleted')"
            if self.delta
            else f"{table}.sourced_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stage_user u "
            f"WHERE u.sid = {table}.sourced_id AND {active})"
        )
        self._step(
            table,
            "deactivated",
            f"SELECT first_name || ' ' || last_name || ' (' || sourced_id || ')' FROM {table} "
            f"WHERE {table}.active AND {gone}",
            f"UPDATE {table} SET active = FALSE WHERE {table}.active AND {gone}",
        )

    # -- relationships -----------------------------------------------------------------
    def _links(self) -> None:
        self.sql(_WANT_LINK)
        self.sql("CREATE INDEX ix_want_link_pair ON want_link (guardian_id, student_id)")
        self.sql("CREATE INDEX ix_want_link_gsid ON want_link (gsid)")
        analyze(self.conn, "want_link")
        pair = (
            "w.guardian_id = guardian_student.guardian_id "
            "AND w.student_id = guardian_student.student_id"
        )
        differs = (
            "(guardian_student.relation IS DISTINCT FROM w.relation "
            "OR guardian_student.is_guardian IS DISTINCT FROM w.is_guardian "
            "OR guardian_student.portal_access IS DISTINCT FROM w.portal "
            "OR guardian_student.sis_restricted IS DISTINCT FROM w.restricted)"
        )
        label = "w.gsid || ' - ' || w.ssid"
        self._step(
            "relationship",
            "changed",
            f"SELECT {label} FROM guardian_student JOIN want_link w ON {pair} "
            f"WHERE w.in_file AND {differs}",
            "UPDATE guardian_student SET relation = w.relation, is_guardian = w.is_guardian, "
            "portal_access = w.portal, restricted = CASE WHEN guardian_student.sis_restricted "
            "IS DISTINCT FROM w.restricted THEN w.restricted ELSE guardian_student.restricted "
            f"END, sis_restricted = w.restricted FROM want_link w WHERE {pair} AND w.in_file "
            f"AND {differs}",
        )
        new = (
            "NOT EXISTS (SELECT 1 FROM guardian_student gs WHERE gs.guardian_id = w.guardian_id "
            "AND gs.student_id = w.student_id)"
        )
        self.sql(
            f"INSERT INTO touched_guardian (id) SELECT DISTINCT w.guardian_id FROM want_link w "
            f"WHERE {new} ON CONFLICT DO NOTHING"
        )
        self._step(
            "relationship",
            "added",
            f"SELECT {label} FROM want_link w WHERE {new}",
            "INSERT INTO guardian_student (guardian_id, student_id, relation, is_guardian, "
            "portal_access, restricted, sis_restricted) SELECT w.guardian_id, w.student_id, "
            "COALESCE(w.relation, 'parent'), COALESCE(w.is_guardian, TRUE), "
            "COALESCE(w.portal, TRUE), COALESCE(w.restricted, FALSE), "
            f"COALESCE(w.restricted, FALSE) FROM want_link w WHERE {new}",
        )
        # Links of guardians in the file (bulk: and of students in it) that it no longer
        # asserts: the relationship ended in the SIS.
        unwanted = (
            "guardian_student gs JOIN guardian g ON g.id = gs.guardian_id "
            "JOIN stage_user gu ON gu.sid = g.sourced_id AND gu.kind = 'guardian' "
            "AND gu.status = 'active' JOIN student s ON s.id = gs.student_id "
            + (
                ""
                if self.delta
                else "JOIN stage_user su ON su.sid = s.sourced_id AND su.kind = 'student' "
                "AND su.status = 'active' "
            )
            + "WHERE NOT EXISTS (SELECT 1 FROM want_link w WHERE "
            "w.guardian_id = gs.guardian_id AND w.student_id = gs.student_id)"
        )
        self.sql(
            f"INSERT INTO touched_guardian (id) SELECT DISTINCT gs.guardian_id FROM {unwanted} "
            "ON CONFLICT DO NOTHING"
        )
        self._step(
            "relationship",
            "removed",
            "SELECT g.first_name || ' ' || g.last_name || ' - ' || s.first_name || ' ' || "
            f"s.last_name FROM {unwanted}",
            f"DELETE FROM guardian_student WHERE id IN (SELECT gs.id FROM {unwanted})",
        )

    # -- households --------------------------------------------------------------------
    def _households(self) -> None:
        self.sql(_WANT_MEMBER)
        self.sql("CREATE INDEX ix_want_member_key ON want_member (hkey)")
        analyze(self.conn, "want_member")
        first = (
            "(SELECT hkey, MIN(guardian_id) AS gid FROM want_member "
            "WHERE guardian_id IS NOT NULL GROUP BY hkey) m JOIN guardian g ON g.id = m.gid"
        )
        fresh = "NOT EXISTS (SELECT 1 FROM household h WHERE h.sourced_key = m.hkey)"
        self._step(
            "household",
            "added",
            f"SELECT g.last_name || ' household' FROM {first} WHERE {fresh}",
            "INSERT INTO household (sourced_key, name, address_line, city, phone) "
            "SELECT m.hkey, g.last_name || ' household', g.address_line, g.city, "
            f"COALESCE(g.home_phone, g.mobile_phone) FROM {first} WHERE {fresh}",
        )
        for person in ("guardian", "student"):
            missing = (
                f"w.{person}_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM household_member hm "
                f"WHERE hm.household_id = h.id AND hm.{person}_id = w.{person}_id)"
            )
            self._step(
                "household",
                "members added",
                f"SELECT h.name FROM want_member w JOIN household h ON h.sourced_key = w.hkey "
                f"WHERE {missing}",
                f"INSERT INTO household_member (household_id, {person}_id) "
                f"SELECT DISTINCT h.id, w.{person}_id FROM want_member w "
                f"JOIN household h ON h.sourced_key = w.hkey WHERE {missing}",
            )
        stale = (
            "h.sourced_key IS NOT NULL AND (hm.guardian_id IN (SELECT g.id FROM guardian g "
            f"JOIN stage_user u ON u.sid = g.sourced_id WHERE {ACTIVE_GUARDIAN}) OR "
            "hm.student_id IN (SELECT s.id FROM student s JOIN stage_user u ON "
            f"u.sid = s.sourced_id WHERE {ACTIVE_STUDENT})) AND NOT EXISTS (SELECT 1 FROM "
            "want_member w WHERE w.hkey = h.sourced_key AND (w.guardian_id = hm.guardian_id "
            "OR w.student_id = hm.student_id))"
        )
        self._step(
            "household",
            "members removed",
            "SELECT h.name FROM household_member hm JOIN household h ON h.id = hm.household_id "
            f"WHERE {stale}",
            "DELETE FROM household_member WHERE id IN (SELECT hm.id FROM household_member hm "
            f"JOIN household h ON h.id = hm.household_id WHERE {stale})",
        )

    # -- student logins ------------------------------------------------------------------
    def _student_logins(self) -> None:
        """Grades 6-12 get their own login at enrollment (numeric username, no key)."""
        due = (
            "s.active AND s.enrolled_this_year AND s.grade >= 6 AND s.sourced_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM portal_account a WHERE a.student_id = s.id) "
            "AND NOT EXISTS (SELECT 1 FROM portal_account a WHERE "
            "a.username_key = LOWER(s.student_number))"
        )
        self._step(
            "student login",
            "added",
            f"SELECT s.student_number FROM student s WHERE {due}",
            "INSERT INTO portal_account (kind, student_id, username, username_key, status, "
            "failed_login_count, created_at, security_email_verified) SELECT 'student', s.id, "
            "s.student_number, LOWER(s.student_number), 'active', 0, :now, FALSE "
            f"FROM student s WHERE {due}",
            now=self.now,
        )


def _level(high_grade: int) -> str:
    return "elementary" if high_grade <= 5 else "middle" if high_grade <= 8 else "high"


# Every guardian-student pair the export asserts, from either side, with the flags the
# guardian's row gives (a delta may assert a pair for a guardian it does not carry).
_WANT_LINK = """
CREATE TEMPORARY TABLE want_link AS
SELECT p.gsid, p.ssid, g.id AS guardian_id, s.id AS student_id,
  gu.sid IS NOT NULL AS in_file,
  COALESCE(gu.relationship, gu.role) AS relation,
  CASE WHEN gu.sid IS NULL THEN NULL ELSE gu.role IN ('parent', 'guardian') END AS is_guardian,
  CASE WHEN gu.sid IS NULL THEN NULL
       WHEN EXISTS (SELECT 1 FROM stage_flag f WHERE f.guardian_sid = p.gsid
                    AND f.student_sid = p.ssid AND f.flag = 'portal') THEN TRUE
       ELSE COALESCE(gu.portal_default, gu.role IN ('parent', 'guardian')) END AS portal,
  CASE WHEN gu.sid IS NULL THEN NULL
       ELSE EXISTS (SELECT 1 FROM stage_flag f WHERE f.guardian_sid = p.gsid
                    AND f.student_sid = p.ssid AND f.flag = 'restricted') END AS restricted
FROM (
  SELECT l.user_sid AS gsid, l.agent_sid AS ssid FROM stage_link l
    JOIN stage_user u ON u.sid = l.user_sid AND u.kind = 'guardian' AND u.status = 'active'
  UNION
  SELECT l.agent_sid, l.user_sid FROM stage_link l
    JOIN stage_user u ON u.sid = l.user_sid AND u.kind = 'student' AND u.status = 'active'
) p
JOIN guardian g ON g.sourced_id = p.gsid AND g.active
JOIN student s ON s.sourced_id = p.ssid AND s.active
LEFT JOIN stage_user gu ON gu.sid = p.gsid AND gu.kind = 'guardian' AND gu.status = 'active'
"""
# Who lives in which household: guardians as the export says (or one per address or
# family); students as the export says, else in every household of their guardians.
_WANT_MEMBER = """
CREATE TEMPORARY TABLE want_member AS
SELECT m.hkey, g.id AS guardian_id, NULL AS student_id FROM stage_member m
  JOIN stage_user u ON u.sid = m.sid AND u.kind = 'guardian' AND u.status = 'active'
  JOIN guardian g ON g.sourced_id = m.sid
UNION
SELECT m.hkey, NULL, s.id FROM stage_member m
  JOIN stage_user u ON u.sid = m.sid AND u.kind = 'student' AND u.status = 'active'
  JOIN student s ON s.sourced_id = m.sid
UNION
SELECT m.hkey, NULL, w.student_id FROM want_link w
  JOIN stage_member m ON m.sid = w.gsid
  JOIN stage_user gu ON gu.sid = w.gsid AND gu.kind = 'guardian' AND gu.status = 'active'
  WHERE NOT EXISTS (SELECT 1 FROM stage_member sm WHERE sm.sid = w.ssid)
"""

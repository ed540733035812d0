"""What the staged export needs more than one row to settle, done in SQL: roles from
roles.csv, each person's kind, birth dates from demographics.csv; then every problem that
spans rows (duplicate ids and student numbers, unknown agents, roles for unknown users)."""

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, CursorResult

from helpdesk_tui.data.oneroster.staging import MAX_LISTED_PROBLEMS, Staged

FILE_ORDER = ("manifest.csv", "orgs.csv", "users.csv", "roles.csv", "demographics.csv")


def settle(conn: Connection, staged: Staged, *, delta_users: bool) -> None:
    """Fill in roles, kinds, schools and birth dates across files, then record every
    problem that needs more than one row to see."""
    with conn.begin():
        if staged.mode("roles") != "absent":
            conn.exec_driver_sql(_ROLE_FROM_ROLES)
        conn.exec_driver_sql(_KIND)
        if staged.mode("demographics") != "absent":
            conn.exec_driver_sql(_BIRTH)
        staged.skipped_students = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM stage_user WHERE kind = 'skipped'"
        ).scalar_one()
        for role, n in conn.exec_driver_sql(
            "SELECT role, COUNT(*) FROM stage_user WHERE kind = 'ignored' GROUP BY role"
        ):
            staged.ignored_roles[role] = staged.ignored_roles.get(role, 0) + n
        for file, line, reason in _cross_problems(conn, delta_users=delta_users):
            staged.problem(file, line, reason)
    staged.problems.sort(
        key=lambda p: (FILE_ORDER.index(p.file) if p.file in FILE_ORDER else 9, p.line)
    )


_ROLE_FROM_ROLES = """
UPDATE stage_user SET
  role = COALESCE(role, (
    SELECT r.role FROM stage_role r WHERE r.user_sid = stage_user.sid
    ORDER BY CASE r.role WHEN 'student' THEN 0 WHEN 'parent' THEN 1 WHEN 'guardian' THEN 2
             ELSE 3 END, CASE r.role_type WHEN 'primary' THEN 0 ELSE 1 END
    LIMIT 1)),
  school_sid = COALESCE((
    SELECT r.org_sid FROM stage_role r
    WHERE r.user_sid = stage_user.sid AND r.role = 'student' AND r.org_sid IS NOT NULL
    ORDER BY CASE r.role_type WHEN 'primary' THEN 0 ELSE 1 END LIMIT 1), school_sid)
"""
_KIND = """
UPDATE stage_user SET kind = CASE
  WHEN status = 'invalid' THEN 'invalid'
  WHEN role = 'student' AND grade_problem = 'skip' THEN 'skipped'
  WHEN role = 'student' THEN 'student'
  WHEN role IN ('parent', 'guardian', 'relative') THEN 'guardian'
  WHEN role IS NOT NULL THEN 'ignored'
  ELSE 'other' END
"""
_BIRTH = """
UPDATE stage_user SET birth_date = (
  SELECT MAX(b.birth_date) FROM stage_birth b WHERE b.sid = stage_user.sid)
WHERE kind = 'student'
"""


def _cross_problems(conn: Connection, *, delta_users: bool) -> Iterator[tuple[str, int, str]]:
    def rows(sql: str) -> CursorResult[*tuple[Any, ...]]:
        return conn.exec_driver_sql(sql + f" LIMIT {MAX_LISTED_PROBLEMS}")

    for sid, line in rows(
        "SELECT u.sid, u.line FROM stage_user u WHERE EXISTS (SELECT 1 FROM stage_user v "
        "WHERE v.sid = u.sid AND v.line < u.line) ORDER BY u.line"
    ):
        yield "users.csv", line, f"sourcedId {sid} appears more than once"
    for sid, line in rows("SELECT sid, line FROM stage_user WHERE kind = 'other' ORDER BY line"):
        yield "users.csv", line, f"{sid} has no role (no row for it in roles.csv)"
    for line, reason in rows(
        "SELECT line, grade_problem FROM stage_user WHERE kind = 'student' AND status = 'active' "
        "AND grade_problem IS NOT NULL ORDER BY line"
    ):
        yield "users.csv", line, reason
    for sid, line in rows(
        "SELECT sid, line FROM stage_user WHERE kind = 'student' AND status = 'active' "
        "AND number IS NULL ORDER BY line"
    ):
        yield "users.csv", line, f"student {sid} has no identifier (the student number)"
    for sid, line in rows(
        "SELECT sid, line FROM stage_user WHERE kind = 'student' AND status = 'active' "
        "AND school_sid IS NULL ORDER BY line"
    ):
        yield "users.csv", line, f"student {sid} is not at any school in orgs.csv"
    for line, reason in rows(
        "SELECT line, COALESCE(email_problem, alt_email_problem) FROM stage_user "
        "WHERE kind = 'guardian' AND status = 'active' "
        "AND (email_problem IS NOT NULL OR alt_email_problem IS NOT NULL) ORDER BY line"
    ):
        yield "users.csv", line, reason
    for number, line in rows(
        "SELECT u.number, u.line FROM stage_user u WHERE u.kind = 'student' AND u.status = "
        "'active' AND EXISTS (SELECT 1 FROM stage_user v WHERE v.kind = 'student' AND "
        "v.status = 'active' AND v.number = u.number AND v.line < u.line) ORDER BY u.line"
    ):
        yield "users.csv", line, f"student number {number} is given to two students"
    for number, line in rows(
        "SELECT u.number, u.line FROM stage_user u JOIN student s ON s.student_number = u.number "
        "WHERE u.kind = 'student' AND u.status = 'active' "
        "AND (s.sourced_id IS NULL OR s.sourced_id <> u.sid) "
        "AND NOT EXISTS (SELECT 1 FROM stage_user o WHERE o.sid = s.sourced_id "
        "AND o.kind = 'student' AND o.status = 'active') ORDER BY u.line"
    ):
        yield (
            "users.csv",
            line,
            f"student number {number} already belongs to another student in this database",
        )
    in_db = (
        " OR EXISTS (SELECT 1 FROM student s WHERE s.sourced_id = l.agent_sid)"
        " OR EXISTS (SELECT 1 FROM guardian g WHERE g.sourced_id = l.agent_sid)"
        if delta_users
        else ""
    )
    for kind, sid, agent, line in rows(
        "SELECT u.kind, l.user_sid, l.agent_sid, l.line FROM stage_link l "
        "JOIN stage_user u ON u.sid = l.user_sid "
        "WHERE u.kind IN ('guardian', 'student') AND NOT (EXISTS "
        "(SELECT 1 FROM stage_user a WHERE a.sid = l.agent_sid)" + in_db + ") ORDER BY l.line"
    ):
        wanted = "student" if kind == "guardian" else "parent or guardian"
        yield (
            "users.csv",
            line,
            f"{kind} {sid} lists {agent} in agentSourcedIds, but there is no such {wanted}",
        )
    in_db = " OR EXISTS (SELECT 1 FROM student s WHERE s.sourced_id = f.student_sid)"
    for flag, sid, student, line in rows(
        "SELECT f.flag, f.guardian_sid, f.student_sid, f.line FROM stage_flag f "
        "JOIN stage_user u ON u.sid = f.guardian_sid "
        "WHERE u.kind = 'guardian' AND u.status = 'active' AND NOT (EXISTS "
        "(SELECT 1 FROM stage_user a WHERE a.sid = f.student_sid)"
        + (in_db if delta_users else "")
        + ") ORDER BY f.line, f.flag"
    ):
        column = "metadata.portalAccess" if flag == "portal" else "metadata.restrictedStudents"
        yield (
            "users.csv",
            line,
            f"guardian {sid} lists {student} in {column}, but there is no such student",
        )
    if not delta_users:
        for sid, line in rows(
            "SELECT r.user_sid, r.line FROM stage_role r WHERE NOT EXISTS "
            "(SELECT 1 FROM stage_user u WHERE u.sid = r.user_sid) ORDER BY r.line"
        ):
            yield "roles.csv", line, f"a role for {sid}, who is not in users.csv"

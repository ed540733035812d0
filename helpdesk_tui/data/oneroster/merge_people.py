"""The merge's people steps: students and guardians changed, added and deactivated by
sourcedId, and the logins of students old enough for their own.

Guardians whose lookup words may have changed are noted in ``touched_guardian`` for
the importer to re-index.
"""

from helpdesk_tui.data.oneroster.merge_context import MergeContext

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


def merge_students(ctx: MergeContext, *, demographics: bool) -> None:
    _merge_people(ctx, "student", _STUDENT_VALUES, ACTIVE_STUDENT, demographics=demographics)


def merge_guardians(ctx: MergeContext) -> None:
    _merge_people(ctx, "guardian", _GUARDIAN_VALUES, ACTIVE_GUARDIAN, demographics=False)


def _merge_people(
    ctx: MergeContext, table: str, values: dict[str, str], active: str, *, demographics: bool
) -> None:
    values = dict(values)
    if demographics:
        values["birth_date"] = "u.birth_date"
    differs = " OR ".join(
        f"{table}.{column} IS DISTINCT FROM ({expression})" for column, expression in values.items()
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
    ctx.sql(touched)
    assignments = ", ".join(f"{column} = {expression}" for column, expression in values.items())
    ctx.step(
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
    before = ctx.sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").scalar_one()
    ctx.step(
        table,
        "added",
        f"SELECT {name} FROM stage_user u WHERE {missing} ORDER BY u.line",
        f"INSERT INTO {table} ({columns}) SELECT u.sid, {', '.join(inserted.values())} "
        f"FROM stage_user u WHERE {missing} ORDER BY u.line",
    )
    if table == "guardian":  # new guardians need their lookup words
        ctx.sql(
            "INSERT INTO touched_guardian (id) SELECT id FROM guardian WHERE id > :before "
            "ON CONFLICT DO NOTHING",
            before=before,
        )
    gone = (
        f"{table}.sourced_id IN (SELECT u.sid FROM stage_user u WHERE u.kind = '{table}' "
        f"AND u.status = 'tobedeleted')"
        if ctx.delta
        else f"{table}.sourced_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stage_user u "
        f"WHERE u.sid = {table}.sourced_id AND {active})"
    )
    ctx.step(
        table,
        "deactivated",
        f"SELECT first_name || ' ' || last_name || ' (' || sourced_id || ')' FROM {table} "
        f"WHERE {table}.active AND {gone}",
        f"UPDATE {table} SET active = FALSE WHERE {table}.active AND {gone}",
    )


def merge_student_logins(ctx: MergeContext) -> None:
    """Grades 6-12 get their own login at enrollment (numeric username, no key)."""
    due = (
        "s.active AND s.enrolled_this_year AND s.grade >= 6 AND s.sourced_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM portal_account a WHERE a.student_id = s.id) "
        "AND NOT EXISTS (SELECT 1 FROM portal_account a WHERE "
        "a.username_key = LOWER(s.student_number))"
    )
    ctx.step(
        "student login",
        "added",
        f"SELECT s.student_number FROM student s WHERE {due}",
        "INSERT INTO portal_account (kind, student_id, username, username_key, status, "
        "failed_login_count, created_at, security_email_verified) SELECT 'student', s.id, "
        "s.student_number, LOWER(s.student_number), 'active', 0, :now, FALSE "
        f"FROM student s WHERE {due}",
        now=ctx.now,
    )

"""The merge's relationship steps: which guardian is linked to which student (with the
SIS's portal and restriction flags), and who lives in which household.

Guardians whose links change are noted in ``touched_guardian`` for re-indexing.
"""

from helpdesk_tui.data.oneroster.merge_context import MergeContext
from helpdesk_tui.data.oneroster.merge_people import ACTIVE_GUARDIAN, ACTIVE_STUDENT
from helpdesk_tui.data.oneroster.stage_tables import analyze


def merge_links(ctx: MergeContext) -> None:
    ctx.sql(_WANT_LINK)
    ctx.sql("CREATE INDEX ix_want_link_pair ON want_link (guardian_id, student_id)")
    ctx.sql("CREATE INDEX ix_want_link_gsid ON want_link (gsid)")
    analyze(ctx.conn, "want_link")
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
    ctx.step(
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
    ctx.sql(
        f"INSERT INTO touched_guardian (id) SELECT DISTINCT w.guardian_id FROM want_link w "
        f"WHERE {new} ON CONFLICT DO NOTHING"
    )
    ctx.step(
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
            if ctx.delta
            else "JOIN stage_user su ON su.sid = s.sourced_id AND su.kind = 'student' "
            "AND su.status = 'active' "
        )
        + "WHERE NOT EXISTS (SELECT 1 FROM want_link w WHERE "
        "w.guardian_id = gs.guardian_id AND w.student_id = gs.student_id)"
    )
    ctx.sql(
        f"INSERT INTO touched_guardian (id) SELECT DISTINCT gs.guardian_id FROM {unwanted} "
        "ON CONFLICT DO NOTHING"
    )
    ctx.step(
        "relationship",
        "removed",
        "SELECT g.first_name || ' ' || g.last_name || ' - ' || s.first_name || ' ' || "
        f"s.last_name FROM {unwanted}",
        f"DELETE FROM guardian_student WHERE id IN (SELECT gs.id FROM {unwanted})",
    )


def merge_households(ctx: MergeContext) -> None:
    ctx.sql(_WANT_MEMBER)
    ctx.sql("CREATE INDEX ix_want_member_key ON want_member (hkey)")
    analyze(ctx.conn, "want_member")
    first = (
        "(SELECT hkey, MIN(guardian_id) AS gid FROM want_member "
        "WHERE guardian_id IS NOT NULL GROUP BY hkey) m JOIN guardian g ON g.id = m.gid"
    )
    fresh = "NOT EXISTS (SELECT 1 FROM household h WHERE h.sourced_key = m.hkey)"
    ctx.step(
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
        ctx.step(
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
    ctx.step(
        "household",
        "members removed",
        "SELECT h.name FROM household_member hm JOIN household h ON h.id = hm.household_id "
        f"WHERE {stale}",
        "DELETE FROM household_member WHERE id IN (SELECT hm.id FROM household_member hm "
        f"JOIN household h ON h.id = hm.household_id WHERE {stale})",
    )


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

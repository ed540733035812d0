"""The merge's school steps: schools as the export's orgs give them (and the district's
name), then each school's grade span once its students are in."""

from helpdesk_tui.data.oneroster.merge_context import MergeContext


def merge_schools(ctx: MergeContext) -> None:
    for org in ctx.staged.orgs.values():
        if org.kind != "school" or org.status != "active":
            continue
        values = {
            "sid": org.sid,
            "code": org.identifier or org.sid[:16],
            "name": org.name,
            "city": org.city,
            "phone": org.phone,
        }
        row = ctx.sql(
            "SELECT id, code, name, city, phone FROM school WHERE sourced_id = :sid",
            sid=org.sid,
        ).first()
        if row is None:  # its grade span is set once its students are in
            ctx.sql(
                "INSERT INTO school (sourced_id, code, name, level, low_grade, high_grade, "
                "city, phone) VALUES (:sid, :code, :name, 'high', 0, 12, :city, :phone)",
                **values,
            )
            ctx.count("school", "added", org.name)
        elif (row.code, row.name, row.city, row.phone) != (
            values["code"],
            org.name,
            org.city,
            org.phone,
        ):
            ctx.sql(
                "UPDATE school SET code = :code, name = :name, city = :city, phone = :phone "
                "WHERE sourced_id = :sid",
                **values,
            )
            ctx.count("school", "changed", org.name)
    district = ctx.staged.district()
    if district is not None:
        changed = ctx.sql(
            "UPDATE district_settings SET name = :name WHERE id = 1 AND name <> :name",
            name=district.name[:200],
        ).rowcount
        if changed:
            ctx.count("school", "changed", f"district name: {district.name}")


def merge_school_grades(ctx: MergeContext) -> None:
    """A school's grade span: as the export gives it, else the span of its students."""
    spans = {
        sid: (low, high)
        for sid, low, high in ctx.sql(
            "SELECT sc.sourced_id, MIN(s.grade), MAX(s.grade) FROM school sc "
            "JOIN student s ON s.school_id = sc.id AND s.active "
            "WHERE sc.sourced_id IS NOT NULL GROUP BY sc.sourced_id"
        )
    }
    for org in ctx.staged.orgs.values():
        if org.kind != "school" or org.status != "active":
            continue
        low, high = spans.get(org.sid, (0, 12))
        low = org.low_grade if org.low_grade is not None else low
        high = org.high_grade if org.high_grade is not None else high
        high = max(low, high)
        ctx.sql(
            "UPDATE school SET low_grade = :low, high_grade = :high, level = :level "
            "WHERE sourced_id = :sid AND (low_grade <> :low OR high_grade <> :high "
            "OR level <> :level)",
            sid=org.sid,
            low=low,
            high=high,
            level=_level(high),
        )


def _level(high_grade: int) -> str:
    return "elementary" if high_grade <= 5 else "middle" if high_grade <= 8 else "high"

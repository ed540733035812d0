"""Whether any portal action may be taken for a guardian (rights, enrolment, custody)."""

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import GuardianStudent, Student


def portal_refusal(session: Session, guardian_id: int) -> str | None:
    """Why no portal action may be taken for this guardian, or None."""
    rows = session.exec(
        select(GuardianStudent, Student)
        .join(Student, col(Student.id) == col(GuardianStudent.student_id))
        .where(col(GuardianStudent.guardian_id) == guardian_id)
    ).all()
    if any(link.restricted for link, _ in rows):
        return (
            "A relationship of this guardian is RESTRICTED (custody or court order). "
            "No portal action until a supervisor reviews and clears it."
        )
    if not any(
        link.portal_access and s.active and (s.enrolled_this_year or s.enrolled_next_year)
        for link, s in rows
    ):
        return (
            "This guardian has no portal rights to a student enrolled this year or next, "
            "so a key would open nothing. Check the relationship with the school office."
        )
    return None

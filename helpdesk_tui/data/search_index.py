"""Builds the rows of the lookup index (``search_term``) for guardians."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from helpdesk_tui.data.normalize import fold, name_pairs, name_words, phone_words
from helpdesk_tui.data.tables import Guardian, GuardianStudent, PortalAccount, SearchTerm, Student

MAX_TERM_LENGTH = 120


@dataclass(frozen=True, slots=True)
class GuardianText:
    """What the lookup box can find a guardian by."""

    first_name: str
    last_name: str
    emails: Sequence[str | None] = ()
    phones: Sequence[str | None] = ()
    username: str | None = None
    students: Sequence[tuple[str, str, str]] = ()  # (first, last, student number)


def guardian_terms(text: GuardianText) -> dict[str, str]:
    """term -> kind, the first kind winning when a word is both (a shared last name)."""
    terms: dict[str, str] = {}

    def add(words: Iterable[str], kind: str) -> None:
        for word in words:
            if word:
                terms.setdefault(word[:MAX_TERM_LENGTH], kind)

    add(name_words(f"{text.first_name} {text.last_name}"), "name")
    add(name_pairs(f"{text.first_name} {text.last_name}"), "name")
    add((fold(e.strip()) for e in text.emails if e), "email")
    for phone in text.phones:
        if phone:
            add(phone_words(phone), "phone")
    if text.username:
        add([fold(text.username)], "username")
    for first, last, number in text.students:
        add(name_words(f"{first} {last}"), "student")
        add(name_pairs(f"{first} {last}"), "student")
        add([fold(number)], "number")
    return terms


def load_guardian_text(session: Session, guardian_id: int) -> GuardianText | None:
    guardian = session.get(Guardian, guardian_id)
    if guardian is None:
        return None
    students = session.exec(
        select(col(Student.first_name), col(Student.last_name), col(Student.student_number))
        .join(GuardianStudent, col(GuardianStudent.student_id) == col(Student.id))
        .where(col(GuardianStudent.guardian_id) == guardian_id)
    ).all()
    username = session.exec(
        select(col(PortalAccount.username)).where(col(PortalAccount.guardian_id) == guardian_id)
    ).first()
    return GuardianText(
        first_name=guardian.first_name,
        last_name=guardian.last_name,
        emails=(guardian.email, guardian.alt_email),
        phones=(guardian.mobile_phone, guardian.home_phone, guardian.work_phone),
        username=username,
        students=[(first, last, number) for first, last, number in students],
    )


def reindex_guardian(session: Session, guardian_id: int) -> None:
    """Rewrite one guardian's lookup rows inside the caller's transaction."""
    session.exec(delete(SearchTerm).where(col(SearchTerm.guardian_id) == guardian_id))
    text = load_guardian_text(session, guardian_id)
    if text is None:
        return
    rows = [
        {"term": term, "guardian_id": guardian_id, "kind": kind}
        for term, kind in guardian_terms(text).items()
    ]
    if rows:
        session.exec(insert(SearchTerm), params=rows)

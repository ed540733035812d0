"""Builds the rows of the lookup index (``search_term``) for guardians."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, text
from sqlmodel import Session, col, select

from helpdesk_tui.data.bulk_load import BulkWriter
from helpdesk_tui.data.normalize import fold, name_pairs, name_words, phone_words
from helpdesk_tui.data.tables import (
    Guardian,
    GuardianStudent,
    PortalAccount,
    SearchTerm,
    Student,
    core_table,
)

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


def reindex_guardians(
    connection: Connection,
    id_table: str,
    *,
    batch: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rewrite the lookup rows of every guardian whose id is in the table ``id_table``
    (one ``id`` column), a batch at a time, in the caller's transaction. Returns how many."""
    writer = BulkWriter(connection)
    done, last = 0, 0
    while True:
        ids = [
            row[0]
            for row in connection.execute(
                text(f"SELECT id FROM {id_table} WHERE id > :last ORDER BY id LIMIT :n"),
                {"last": last, "n": batch},
            )
        ]
        if not ids:
            return done
        span = {"a": last, "b": ids[-1]}
        inside = f"IN (SELECT id FROM {id_table} WHERE id > :a AND id <= :b)"
        connection.execute(text(f"DELETE FROM search_term WHERE guardian_id {inside}"), span)
        students: dict[int, list[tuple[str, str, str]]] = {}
        for gid, first, last_name, number in connection.execute(
            text(
                "SELECT gs.guardian_id, s.first_name, s.last_name, s.student_number "
                "FROM guardian_student gs JOIN student s ON s.id = gs.student_id "
                f"WHERE gs.guardian_id {inside}"
            ),
            span,
        ):
            students.setdefault(gid, []).append((first, last_name, number))
        usernames: dict[int, str] = dict(
            connection.execute(
                text(
                    f"SELECT guardian_id, username FROM portal_account WHERE guardian_id {inside}"
                ),
                span,
            ).all()
        )
        rows: list[tuple[str, int, str]] = []
        for g in connection.execute(
            text(
                "SELECT id, first_name, last_name, email, alt_email, mobile_phone, home_phone, "
                f"work_phone FROM guardian WHERE id {inside}"
            ),
            span,
        ):
            guardian_text = GuardianText(
                first_name=g.first_name,
                last_name=g.last_name,
                emails=(g.email, g.alt_email),
                phones=(g.mobile_phone, g.home_phone, g.work_phone),
                username=usernames.get(g.id),
                students=students.get(g.id, ()),
            )
            rows.extend((term, g.id, kind) for term, kind in guardian_terms(guardian_text).items())
        writer.write("search_term", ("term", "guardian_id", "kind"), rows)
        done += len(ids)
        last = ids[-1]
        if progress:
            progress(len(ids))


@contextmanager
def rebuilt_lookup_indexes(connection: Connection, *, when: bool) -> Iterator[None]:
    """With ``when``, drop the lookup table's indexes for the block and build them again
    at its end, in the caller's transaction. Only for a table nobody is searching yet:
    on PostgreSQL dropping an index locks the table until commit."""
    indexes = list(core_table(SearchTerm).indexes) if when else []
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)
    if when and connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE search_term")

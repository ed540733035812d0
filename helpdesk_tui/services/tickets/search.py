"""Finding tickets: by number ("HD-1042", "1042"), or by words of the subject, of any
message (from the guardian, replies, internal notes) and of the requester (the
guardian's name, email or phone; an unknown caller's name, email or phone). And the
tickets of one guardian, for their record.

Words are matched without accents or case ("munoz" finds "Muñoz", "CONTRASEÑA" finds
"contraseña"), each word somewhere in the ticket. Stored text is not folded, so each
letter of a word becomes the set of letters that fold to it: a regular expression on
PostgreSQL; on SQLite a case-insensitive LIKE, and a GLOB of letter classes only for
text with a letter outside ASCII (GLOB compares a class letter by letter). What was
typed is never read as a pattern ("50%" and "a_b" are literal). The requester's words
come from the lookup index, already folded.

Tickets come newest first, a page at a time. Words that match nothing read every
ticket the actor may see, and every message, once; PostgreSQL first looks through the
newest tickets one by one, which is enough for a common word.
benchmarks/ticket_queue.py measures both. A clerk finds only the tickets of families
with a student at their school, as in their queue.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    LargeBinary,
    and_,
    case,
    cast,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session

from helpdesk_tui.data.normalize import clean_text, fold, prefix_upper_bound
from helpdesk_tui.data.tables import SearchTerm, Staff, Ticket, TicketMessage, core_table
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.errors import InvalidSearch
from helpdesk_tui.services.kernel.permissions import require_visible_guardian
from helpdesk_tui.services.sla import load_calendar
from helpdesk_tui.services.tickets.queue import QueueFilter, QueueRow, _hydrate, _narrowing
from helpdesk_tui.services.tickets.records import ticket_label
from helpdesk_tui.vocabulary import UNFINISHED, AuditAction, TicketStatus

MAX_SEARCH_LENGTH = 100
MAX_SEARCH_WORDS = 6
FAMILY_TICKETS = 8
NEWEST_FIRST = 5_000  # tickets PostgreSQL searches one by one before searching them all

_t = core_table(Ticket)
_messages = core_table(TicketMessage)
_terms = core_table(SearchTerm)
# "HD-1042", "hd 1042", "#1042", "1042": a ticket's number.
_NUMBER = re.compile(r"(?:hd)?[\s#-]*(\d{1,9})", re.IGNORECASE)
_PHONE_LIKE = re.compile(r"[\d\s().+\-]+")
_REQUESTER_KINDS = ("name", "email", "phone")
_GLOB_SPECIAL = "*?["
_SEARCHED_COLUMNS = ("id", "subject", "guardian_id", "caller_name", "caller_email", "caller_phone")


@dataclass(frozen=True, slots=True)
class SearchPage:
    """Tickets found for ``text`` (as it was typed: the screen drops a stale answer)."""

    text: str
    rows: tuple[QueueRow, ...]
    more: bool  # more tickets match than are listed: type more words to narrow
    by_number: bool  # the text is a ticket's number, and that ticket is the one row
    now: datetime


@dataclass(frozen=True, slots=True)
class FamilyTicket:
    id: int
    number: int
    subject: str
    status: TicketStatus
    assignee: str
    created_at: datetime
    seconds_left: float | None  # business time to the running clock's due time
    finished_at: datetime | None  # when it was closed, or resolved

    @property
    def label(self) -> str:
        return ticket_label(self.number)


@dataclass(frozen=True, slots=True)
class FamilyTickets:
    """A guardian's tickets: every unfinished one first (newest first), then the most
    recently finished, ``limit`` rows in all; the counts say how many there are."""

    guardian_id: int
    rows: tuple[FamilyTicket, ...]
    open_count: int
    finished_count: int


# -- reading what was typed ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Query:
    number: int | None = None
    words: tuple[str, ...] = ()
    phone: str | None = None  # the digits, when the whole text reads as a phone number


def _parse(text: str) -> _Query:
    if len(text) > MAX_SEARCH_LENGTH:
        raise InvalidSearch(
            f"That is {len(text):,} characters; ticket search takes at most "
            f"{MAX_SEARCH_LENGTH}. Type a ticket number, a few words of the subject or "
            "message, or the requester's name."
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Cn", "Co") for ch in text):
        raise InvalidSearch(
            "The search contains a control or unknown character (often from a paste). "
            "Clear the box and type the search again."
        )
    cleaned = clean_text(text).strip()
    number = _NUMBER.fullmatch(cleaned)
    words = tuple(dict.fromkeys(w for w in fold(cleaned).split() if w))
    if len(words) > MAX_SEARCH_WORDS:
        raise InvalidSearch(
            f"Use at most {MAX_SEARCH_WORDS} words; a number or two words are usually enough."
        )
    digits = re.sub(r"\D", "", cleaned)
    phone = digits if _PHONE_LIKE.fullmatch(cleaned) and len(digits) >= 7 else None
    return _Query(int(number.group(1)) if number else None, words, phone)


# -- matching a word without accents or case -------------------------------------------
@lru_cache(maxsize=1)
def _letters() -> dict[str, str]:
    """Folded letter -> every letter that folds to it (Latin, with the Vietnamese
    letters): "n" -> "NnÑñŃń…"."""
    classes: dict[str, set[str]] = {}
    for low, high in ((0x20, 0x7E), (0xA0, 0x24F), (0x1E00, 0x1EFF)):
        for point in range(low, high + 1):
            folded = fold(chr(point))
            if len(folded) == 1:
                classes.setdefault(folded, {folded}).add(chr(point))
    return {k: "".join(sorted(v)) for k, v in classes.items()}


def _variants(ch: str) -> str:
    """``ch`` and the letters that fold to it; outside the Latin letters, its cases."""
    found = _letters().get(ch)
    if found is None:
        found = "".join(sorted(c for c in {ch, ch.upper(), ch.lower()} if len(c) == 1))
    return found


@lru_cache(maxsize=1024)
def _pattern(word: str, dialect: str) -> str:
    """A pattern that finds ``word`` (folded) anywhere in unfolded text."""
    parts = []
    for ch in word:
        variants = _variants(ch)
        if dialect == "sqlite":  # GLOB: * ? [ are special; a class is [...]
            if len(variants) > 1:
                parts.append(f"[{variants}]")
            else:
                parts.append(f"[{ch}]" if ch in _GLOB_SPECIAL else ch)
        elif len(variants) > 1:  # a PostgreSQL regular expression
            parts.append(f"[{variants}]")
        else:
            parts.append(ch if ch.isalnum() else "\\" + ch)
    joined = "".join(parts)
    return f"*{joined}*" if dialect == "sqlite" else joined


def _matches(column: ColumnElement[str], word: str, dialect: str) -> ColumnElement[bool]:
    if dialect != "sqlite":
        return column.op("~")(_pattern(word, dialect))
    # SQLite compares a class letter by letter: first the plain word, case-insensitive
    # (LIKE, in C), then the classes only on text with a letter outside ASCII.
    literal = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    outside_ascii = func.length(column) != func.length(cast(column, LargeBinary))
    return or_(
        column.like(f"%{literal}%", escape="\\"),
        and_(outside_ascii, column.op("GLOB")(_pattern(word, dialect))),
    )


def _digits_of(column: ColumnElement[str]) -> ColumnElement[str]:
    for ch in " -().+":
        column = func.replace(column, ch, "")
    return column


def _word_found(
    word: str, query: _Query, dialect: str, *, per_ticket: bool = False, tickets: Any = _t
) -> ColumnElement[bool]:
    """``word`` somewhere in the ticket: its subject, a message, the requester.
    ``per_ticket``: look at each ticket's own messages as the scan reaches it (cheap
    when the scan stops early), rather than at every message at once. ``tickets``: the
    ticket table, or a selection of its rows with the same columns."""
    t = tickets.c
    requester = select(_terms.c.guardian_id).where(
        _terms.c.term >= word,
        _terms.c.term < prefix_upper_bound(word),
        _terms.c.kind.in_(_REQUESTER_KINDS),
    )
    said = _matches(_messages.c.body, word, dialect)
    in_messages: ColumnElement[bool]
    if per_ticket:  # a scalar subquery: PostgreSQL cannot turn it into one hashed scan
        first = select(_messages.c.id).where(_messages.c.ticket_id == t.id, said).limit(1)
        in_messages = first.scalar_subquery().is_not(None)
    elif dialect == "sqlite":
        in_messages = t.id.in_(select(_messages.c.ticket_id).where(said))
    else:
        in_messages = exists().where(_messages.c.ticket_id == t.id, said)
    caller = [_matches(t.caller_name, word, dialect), _matches(t.caller_email, word, dialect)]
    if query.phone:
        caller.append(_matches(_digits_of(t.caller_phone), query.phone, dialect))
    else:
        caller.append(_matches(t.caller_phone, word, dialect))
    return or_(
        _matches(t.subject, word, dialect),
        t.guardian_id.in_(requester),
        *caller,
        in_messages,
    )


# -- the services ----------------------------------------------------------------------
def search_tickets(
    session: Session,
    *,
    actor: StaffMember,
    text: str,
    limit: int = 50,
    now: datetime | None = None,
) -> SearchPage:
    """Tickets of every status, newest first: the one numbered ``text`` if it names one
    the actor may open, else those with every word of ``text`` in the subject, a
    message or the requester. InvalidSearch says how to fix an unusable search (too
    long, a control character, too many words)."""
    now = resolve_now(now)
    query = _parse(text)
    if not query.words:
        return SearchPage(text, (), False, False, now)
    conn = session.connection()
    scope = _narrowing(QueueFilter(), actor)
    if query.number is not None:
        found = conn.execute(
            select(_t.c.id).where(_t.c.number == query.number, *scope)
        ).scalar_one_or_none()
        if found is not None:
            return SearchPage(text, _rows(session, conn, [found], now), False, True, now)
    ids = _matching(conn, query, scope, limit + 1)
    return SearchPage(text, _rows(session, conn, ids[:limit], now), len(ids) > limit, False, now)


def _matching(
    conn: Connection, query: _Query, scope: list[ColumnElement[bool]], wanted: int
) -> list[int]:
    """The newest ``wanted`` tickets with every word. ``scope`` (a clerk's families)
    holds a small part of the district's tickets: they are picked out first and each
    one's own messages read. District-wide, PostgreSQL reads every message in one
    hashed scan whatever the page needs; so the newest tickets are searched first,
    ticket by ticket, and all of them only when the newest hold too few."""
    words = (query.phone,) if query.phone else query.words
    dialect = conn.dialect.name

    def newest(*where: ColumnElement[bool], per_ticket: bool, tickets: Any = _t) -> list[int]:
        found = (
            _word_found(w, query, dialect, per_ticket=per_ticket, tickets=tickets) for w in words
        )
        statement = select(tickets.c.id).where(*where, *found)
        return [r[0] for r in conn.execute(statement.order_by(tickets.c.id.desc()).limit(wanted))]

    if scope:  # picked out first: a planner would look at every ticket's words first
        columns = [_t.c[name] for name in _SEARCHED_COLUMNS]
        mine = select(*columns).where(*scope).cte("mine").prefix_with("MATERIALIZED")
        return newest(per_ticket=True, tickets=mine)
    if dialect == "postgresql":
        last = conn.execute(select(func.max(_t.c.id))).scalar() or 0
        ids = newest(_t.c.id > last - NEWEST_FIRST, per_ticket=True)
        if len(ids) >= wanted or last <= NEWEST_FIRST:
            return ids
    return newest(per_ticket=False)


def _rows(
    session: Session, conn: Connection, ids: list[int], now: datetime
) -> tuple[QueueRow, ...]:
    if not ids:
        return ()
    calendar = load_calendar(session, now=now)
    return tuple(
        replace(r, seconds_left=calendar.business_seconds(now, r.due_at)) if r.due_at else r
        for r in _hydrate(conn, ids)
    )


def tickets_of_guardian(
    session: Session,
    *,
    actor: StaffMember,
    guardian_id: int,
    limit: int = FAMILY_TICKETS,
    now: datetime | None = None,
) -> FamilyTickets:
    """The guardian's tickets for their record: unfinished ones first (newest first),
    then the most recently closed or resolved, at most ``limit`` rows; refused (with a
    "denied" audit row) when the actor may not see the guardian."""
    now = resolve_now(now)
    require_visible_guardian(
        session, actor=actor, guardian_id=guardian_id, action=AuditAction.GUARDIAN_VIEWED, now=now
    )
    conn = session.connection()
    mine = _t.c.guardian_id == guardian_id
    unfinished = _t.c.status.in_(UNFINISHED)
    open_count, finished_count = conn.execute(
        select(
            func.coalesce(func.sum(case((unfinished, 1), else_=0)), 0),
            func.coalesce(func.sum(case((unfinished, 0), else_=1)), 0),
        ).where(mine)
    ).one()
    finished_at = func.coalesce(_t.c.closed_at, _t.c.resolved_at, _t.c.updated_at)
    open_ids = [
        r[0]
        for r in conn.execute(
            select(_t.c.id).where(mine, unfinished).order_by(_t.c.id.desc()).limit(limit)
        )
    ]
    closed_ids = [
        r[0]
        for r in conn.execute(
            select(_t.c.id)
            .where(mine, ~unfinished)
            .order_by(finished_at.desc(), _t.c.id.desc())
            .limit(max(limit - len(open_ids), 0))
        )
    ]
    rows = _family_rows(session, conn, open_ids + closed_ids, now)
    return FamilyTickets(guardian_id, rows, int(open_count), int(finished_count))


def _family_rows(
    session: Session, conn: Connection, ids: list[int], now: datetime
) -> tuple[FamilyTicket, ...]:
    if not ids:
        return ()
    calendar = load_calendar(session, now=now)
    staff = aliased(core_table(Staff))
    by_id = {
        r.id: FamilyTicket(
            id=r.id,
            number=r.number,
            subject=r.subject,
            status=TicketStatus(r.status),
            assignee=r.assignee or "",
            created_at=r.created_at,
            seconds_left=calendar.business_seconds(now, r.due_at) if r.due_at else None,
            finished_at=r.closed_at or r.resolved_at,
        )
        for r in conn.execute(
            select(
                _t.c.id,
                _t.c.number,
                _t.c.subject,
                _t.c.status,
                _t.c.created_at,
                _t.c.due_at,
                _t.c.closed_at,
                _t.c.resolved_at,
                staff.c.full_name.label("assignee"),
            )
            .select_from(_t.outerjoin(staff, staff.c.id == _t.c.assignee_id))
            .where(_t.c.id.in_(ids))
        )
    }
    return tuple(by_id[i] for i in ids)

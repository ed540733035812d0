"""Ticket search from the queue, and a guardian's tickets on their record (issue 12), on
both databases: by number, by a word of the subject or of any message, by the
requester's name without its accents; a clerk finds only their school's families'
tickets; what is typed is never a pattern; a pasted blob is refused with words."""

import uuid

import pytest
from sqlalchemy import exists
from sqlmodel import col, select

from helpdesk_tui.data.normalize import fold
from helpdesk_tui.data.tables import AuditEvent, Guardian, Ticket
from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import InvalidSearch
from helpdesk_tui.services.tickets import search as search_module
from tests.recovery import pick_guardian, staff
from tests.unit.test_ticket_scope import _other_school_guardian


def _word() -> str:
    """A word no other ticket of the shared district holds."""
    return f"zq{uuid.uuid4().hex[:8]}"


def _ticket(db, actor, guardian_id=None, subject="Portal question", body="Hello.", **more):
    with db.write() as s:
        return t.create_ticket(
            s,
            actor=actor,
            channel="email",
            category="other",
            subject=subject,
            body=body,
            guardian_id=guardian_id,
            **more,
        )


def _guardian_without_tickets(db):
    with db.read() as s:
        return s.exec(
            select(Guardian)
            .where(~exists().where(col(Ticket.guardian_id) == col(Guardian.id)))
            .order_by(col(Guardian.id).desc())
        ).first()


def _search(db, actor, text, **more):
    with db.read() as s:
        return t.search_tickets(s, actor=actor, text=text, **more)


def _ids(page):
    return [r.id for r in page.rows]


@pytest.fixture(params=["newest first", "all at once"])
def scan(request, monkeypatch):
    """PostgreSQL searches the newest tickets one by one, then (when they hold too few
    matches) all of them at once: both ways must find the same tickets."""
    if request.param == "all at once":
        monkeypatch.setattr(search_module, "NEWEST_FIRST", 0)


def test_a_ticket_number_finds_that_ticket_however_it_is_typed(action_db):
    agent = staff(action_db, "demo-agent")
    ticket = _ticket(action_db, agent, pick_guardian(action_db).id)
    for typed in (
        f"HD-{ticket.number}",
        f"hd {ticket.number}",
        str(ticket.number),
        f" #{ticket.number} ",
    ):
        page = _search(action_db, agent, typed)
        assert page.by_number and _ids(page) == [ticket.id], typed
        assert page.rows[0].status == "new"


def test_a_word_of_the_subject_finds_tickets_of_every_status_newest_first(action_db):
    agent = staff(action_db, "demo-agent")
    word = _word()
    older = _ticket(action_db, agent, pick_guardian(action_db).id, subject=f"Key {word} lost")
    newer = _ticket(action_db, agent, pick_guardian(action_db).id, subject=f"{word.upper()} again")
    with action_db.write() as s:
        t.resolve(s, actor=agent, ticket_id=older.id, note="Sent a new key.")
    page = _search(action_db, agent, word)
    assert _ids(page) == [newer.id, older.id] and not page.by_number and not page.more
    assert [r.status for r in page.rows] == ["new", "resolved"]
    assert _ids(_search(action_db, agent, f"{word} again")) == [newer.id]  # every word
    assert _ids(_search(action_db, agent, f"{word} nowhere")) == []


def test_the_requester_is_found_by_name_without_accents(action_db, scan):
    agent = staff(action_db, "demo-agent")
    with action_db.read() as s:
        accented = next(
            g
            for g in s.exec(select(Guardian).order_by(col(Guardian.id).desc())).all()
            if fold(g.last_name) != g.last_name.lower() and " " not in g.last_name
        )
    ticket = _ticket(action_db, agent, accented.id, subject=f"Call {_word()}")
    plain_name = f"{fold(accented.first_name).split()[0]} {fold(accented.last_name)}"
    assert ticket.id in _ids(_search(action_db, agent, plain_name, limit=200))
    assert ticket.id in _ids(_search(action_db, agent, accented.last_name.upper(), limit=200))
    # An unknown caller: the name, email and phone they gave.
    word = _word()
    caller = _ticket(
        action_db,
        agent,
        caller_name=f"Zoë Ångström-{word}",
        caller_email=f"zoe.{word}@example.org",
        caller_phone="(630) 555-0199",
    )
    assert _ids(_search(action_db, agent, f"zoe angstrom-{word}")) == [caller.id]
    assert _ids(_search(action_db, agent, f"zoe.{word}@example")) == [caller.id]
    assert caller.id in _ids(_search(action_db, agent, "630-555-0199"))


def test_words_of_any_message_are_found_including_notes(action_db, scan):
    agent = staff(action_db, "demo-agent")
    word = _word()
    ticket = _ticket(action_db, agent, pick_guardian(action_db).id, body=f"Hola, {word} aquí.")
    with action_db.write() as s:
        t.add_note(s, actor=agent, ticket_id=ticket.id, body=f"La contraseña {word}-nota quedó.")
    assert _ids(_search(action_db, agent, f"AQUI {word}")) == [ticket.id]  # from the guardian
    assert _ids(_search(action_db, agent, f"contrasena {word}-nota")) == [ticket.id]  # a note
    assert _ids(_search(action_db, agent, f"CONTRASEÑA QUEDO {word}")) == [ticket.id]


def test_a_clerk_finds_only_tickets_of_their_schools_families(action_db, scan):
    agent, clerk = staff(action_db, "demo-agent"), staff(action_db, "demo-clerk")
    word = _word()
    theirs = _ticket(
        action_db, agent, pick_guardian(action_db, school_id=clerk.school_id).id, subject=word
    )
    elsewhere = _ticket(action_db, agent, _other_school_guardian(action_db, clerk).id, subject=word)
    nobodys = _ticket(action_db, agent, caller_name="Unknown caller", subject=word)
    assert _ids(_search(action_db, agent, word)) == [nobodys.id, elsewhere.id, theirs.id]
    assert _ids(_search(action_db, clerk, word)) == [theirs.id]
    assert _ids(_search(action_db, clerk, f"HD-{elsewhere.number}")) == []
    assert _ids(_search(action_db, clerk, f"HD-{theirs.number}")) == [theirs.id]


def test_what_is_typed_is_never_a_pattern(action_db, scan):
    agent = staff(action_db, "demo-agent")
    word = _word()
    underscore = _ticket(action_db, agent, pick_guardian(action_db).id, subject=f"ref a_b{word}")
    _ticket(action_db, agent, pick_guardian(action_db).id, subject=f"ref axb{word}")
    percent = _ticket(action_db, agent, pick_guardian(action_db).id, subject=f"{word} 50% off")
    assert _ids(_search(action_db, agent, f"a_b{word}")) == [underscore.id]
    assert _ids(_search(action_db, agent, f"{word} 50%")) == [percent.id]
    assert _ids(_search(action_db, agent, f"{word}%")) == []
    for pattern in ("%", "_", "*", "?", "[a-z]", "\\", ".*"):
        page = _search(action_db, agent, f"{word}{pattern}")
        assert page.rows == (), pattern


def test_a_pasted_blob_or_control_characters_are_refused_with_words(action_db):
    agent = staff(action_db, "demo-agent")
    with pytest.raises(InvalidSearch, match="10,240 characters; ticket search takes at most"):
        _search(action_db, agent, "x" * 10_240)
    with pytest.raises(InvalidSearch, match="control or unknown character"):
        _search(action_db, agent, "key\x1b[31m lost")
    with pytest.raises(InvalidSearch, match="at most 6 words"):
        _search(action_db, agent, "a b c d e f g")
    assert _search(action_db, agent, "   ").rows == ()


def test_a_guardians_tickets_open_first_then_the_last_closed(action_db):
    agent, clerk = staff(action_db, "demo-agent"), staff(action_db, "demo-clerk")
    guardian = _guardian_without_tickets(action_db)
    first, second, third = (
        _ticket(action_db, agent, guardian.id, subject=f"T{i}") for i in range(3)
    )
    with action_db.write() as s:
        t.resolve(s, actor=agent, ticket_id=first.id, note="Done.")
        t.claim(s, actor=agent, ticket_id=second.id)
        t.set_pending(s, actor=agent, ticket_id=second.id)
    with action_db.read() as s:
        listed = t.tickets_of_guardian(s, actor=agent, guardian_id=guardian.id)
        short = t.tickets_of_guardian(s, actor=agent, guardian_id=guardian.id, limit=2)
    assert [r.id for r in listed.rows] == [third.id, second.id, first.id]
    assert (listed.open_count, listed.finished_count) == (2, 1)
    assert [r.status for r in listed.rows] == ["new", "pending", "resolved"]
    assert listed.rows[1].assignee == agent.full_name and listed.rows[2].finished_at
    assert listed.rows[0].seconds_left is not None and listed.rows[2].seconds_left is None
    assert [r.id for r in short.rows] == [third.id, second.id]
    # A clerk of another school: refused, with a "denied" row kept.
    elsewhere = _other_school_guardian(action_db, clerk)
    with action_db.read() as s:
        before = s.exec(select(AuditEvent.id).where(col(AuditEvent.staff_id) == clerk.id)).all()
    with pytest.raises(ActionDenied), action_db.read() as s:
        t.tickets_of_guardian(s, actor=clerk, guardian_id=elsewhere.id)
    with action_db.read() as s:
        after = s.exec(
            select(AuditEvent).where(
                col(AuditEvent.staff_id) == clerk.id, col(AuditEvent.id).not_in(before)
            )
        ).all()
    assert [(a.action, a.outcome, a.guardian_id) for a in after] == [
        ("guardian_viewed", "denied", elsewhere.id)
    ]

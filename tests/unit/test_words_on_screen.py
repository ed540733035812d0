"""What a person reads on a ticket is words: no stored identifiers ("walk_in",
"lost_key") and no "guardian" standing in for the guardian's name (the demo district
showed both)."""

from sqlalchemy import func
from sqlmodel import col, select

from helpdesk_tui.data.tables import Staff, Ticket
from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.vocabulary import Category, Channel, TicketEventKind

RAW = {v.value for v in (*Channel, *Category, *TicketEventKind) if "_" in v.value}


def test_demo_ticket_timelines_and_authors_are_words(action_db) -> None:  # type: ignore[no-untyped-def]
    before = _highest(action_db)
    t.seed_tickets(action_db, count=40, seed=11)
    with action_db.read() as s:
        row = s.exec(select(Staff).where(col(Staff.username) == "demo-supervisor")).one()
        supervisor = StaffMember.of(row, None)
        ids = s.exec(select(Ticket.id).where(col(Ticket.id) > before)).all()
        details = [t.get_ticket_detail(s, actor=supervisor, ticket_id=i or 0) for i in ids]
    assert len(details) == 40
    for d in details:
        shown = [e.detail for e in d.events] + [m.author for m in d.messages]
        assert not any(raw in line for line in shown for raw in RAW), (d.label, shown)
        assert all(m.author != "guardian" for m in d.messages), d.label


def _highest(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.exec(select(func.max(Ticket.id))).one() or 0

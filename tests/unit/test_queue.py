"""Queue views on both databases: the right tickets in due order, counts per view,
pages that stop, clerks limited to the families of their school."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import Guardian, School, Ticket
from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.permissions import may_see_guardian
from helpdesk_tui.services.tickets import QueueFilter, queue_page, seed_tickets
from helpdesk_tui.vocabulary import UNFINISHED
from tests.recovery import pick_guardian, staff

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture(scope="module")
def queued(action_db):
    with action_db.read() as s:
        if (
            s.exec(select(Ticket.id).where(col(Ticket.subject) != "Lost my key").limit(1)).first()
            is None
        ):
            pass
    seed_tickets(action_db, count=3000, seed=3, now=NOW)
    return action_db


def test_views_hold_what_their_names_say_in_due_order(queued):
    agent = staff(queued, "demo-agent")
    with queued.read() as s:
        page = queue_page(s, actor=agent, queue_filter=QueueFilter("overdue"), now=NOW)
        unassigned = queue_page(
            s, actor=agent, queue_filter=QueueFilter("unassigned"), now=NOW, with_counts=False
        )
        pending = queue_page(
            s, actor=agent, queue_filter=QueueFilter("pending"), now=NOW, with_counts=False
        )
        total_running = s.exec(select(Ticket.id).where(col(Ticket.due_at).is_not(None))).all()
    assert page.rows and all(r.due_at < NOW for r in page.rows)
    assert [r.due_at for r in page.rows] == sorted(r.due_at for r in page.rows)
    assert len(page.rows) == min(page.counts["overdue"], 50)
    assert page.more == (page.counts["overdue"] > 50)
    assert all(r.assignee == "" and r.status in ("new", "open") for r in unassigned.rows)
    assert all(r.status == "pending" for r in pending.rows)
    assert page.counts["open"] >= page.counts["unassigned"] and page.counts["overdue"] > 0
    assert page.counts["overdue"] + page.counts["due_soon"] <= len(total_running)
    assert page.rows[0].who and page.rows[0].school


def test_paging_walks_the_whole_view_without_repeats(queued):
    agent = staff(queued, "demo-agent")
    seen: list[int] = []
    offset = 0
    with queued.read() as s:
        expected = queue_page(s, actor=agent, queue_filter=QueueFilter("open"), now=NOW).counts[
            "open"
        ]
        while True:
            page = queue_page(
                s,
                actor=agent,
                queue_filter=QueueFilter("open"),
                offset=offset,
                now=NOW,
                with_counts=False,
            )
            seen += [r.id for r in page.rows]
            if not page.more:
                break
            offset += len(page.rows)
    assert len(seen) == len(set(seen)) == expected


def test_claiming_moves_a_ticket_from_unassigned_to_mine(queued):
    agent = staff(queued, "demo-agent")
    with queued.read() as s:
        before = queue_page(s, actor=agent, queue_filter=QueueFilter("unassigned"), now=NOW)
    first = before.rows[0]
    with queued.write() as s:
        t.claim(s, actor=agent, ticket_id=first.id)
    with queued.read() as s:
        after = queue_page(s, actor=agent, queue_filter=QueueFilter("unassigned"), now=NOW)
    assert first.id not in [r.id for r in after.rows]
    assert after.counts["unassigned"] == before.counts["unassigned"] - 1
    assert after.counts["mine"] == before.counts["mine"] + 1


def _visible_open_tickets(database, clerk):
    """Open tickets whose family has a student at the clerk's school, counted the slow
    way: one permission check per ticket."""
    with database.read() as s:
        rows = s.exec(
            select(Ticket.id, Ticket.guardian_id).where(col(Ticket.status).in_(UNFINISHED))
        ).all()
        families = {g for _, g in rows if g is not None}
        seen = {g for g in families if may_see_guardian(s, actor=clerk, guardian_id=g)}
    return {tid for tid, g in rows if g in seen}


def test_clerks_see_their_schools_families_and_filters_combine(queued):
    clerk, agent = staff(queued, "demo-clerk"), staff(queued, "demo-agent")
    with queued.read() as s:
        mine = queue_page(s, actor=clerk, queue_filter=QueueFilter("open"), now=NOW)
        by_category = queue_page(
            s, actor=agent, queue_filter=QueueFilter("open", category="lost_key"), now=NOW
        )
    visible = _visible_open_tickets(queued, clerk)
    assert mine.counts["open"] == len(visible) > 0
    assert {r.id for r in mine.rows} <= visible
    assert {r.category for r in by_category.rows} == {"lost_key"}
    with pytest.raises(DomainError, match="Unknown queue view"), queued.read() as s:
        queue_page(s, actor=agent, queue_filter=QueueFilter("everything"), now=NOW)


def test_a_clerks_queue_holds_the_tickets_of_families_at_their_school(queued):
    """Issue 11: the queue went by the school stored on the ticket (the family's eldest
    student's school when it was opened), so a clerk missed a family of theirs whose
    ticket names a sibling's school, and saw a family that has since left, whose ticket
    they cannot open. A clerk's queue now lists exactly the tickets they may open: those
    of families with a student at their school; a ticket with no family linked is the
    district helpdesk's."""
    clerk, agent = staff(queued, "demo-clerk"), staff(queued, "demo-agent")
    ours = pick_guardian(queued, school_id=clerk.school_id)
    with queued.read() as s:
        other_school = s.exec(select(School.id).where(col(School.id) != clerk.school_id)).first()
        elsewhere = next(
            g
            for g in s.exec(select(Guardian.id).order_by(col(Guardian.id).desc())).all()
            if not may_see_guardian(s, actor=clerk, guardian_id=g)
        )

    def opened(**kw):
        with queued.write() as s:
            ref = t.create_ticket(
                s,
                actor=agent,
                channel="phone",
                category="other",
                subject="Queue",
                body="Please help.",
                **kw,
            )
        return ref.id

    sibling = opened(guardian_id=ours.id)
    left = opened(guardian_id=elsewhere)
    unknown = opened(caller_name="A parent")
    with queued.write() as s:  # as the tickets' stored schools may say
        s.get(Ticket, sibling).school_id = other_school
        s.get(Ticket, left).school_id = clerk.school_id
        s.get(Ticket, unknown).school_id = clerk.school_id
    with queued.read() as s:
        newest = queue_page(
            s, actor=clerk, queue_filter=QueueFilter("open", sort="newest"), now=NOW
        )
        counted = queue_page(s, actor=clerk, queue_filter=QueueFilter("unassigned"), now=NOW)
    ids = [r.id for r in newest.rows]
    assert sibling in ids and left not in ids and unknown not in ids
    assert newest.counts["open"] == len(_visible_open_tickets(queued, clerk))
    assert newest.counts["unassigned"] == counted.counts["unassigned"]


def test_rows_carry_business_time_left(queued):
    agent = staff(queued, "demo-agent")
    with queued.read() as s:
        overdue = queue_page(
            s, actor=agent, queue_filter=QueueFilter("overdue"), now=NOW, with_counts=False
        )
        soon = queue_page(
            s, actor=agent, queue_filter=QueueFilter("due_soon"), now=NOW, with_counts=False
        )
    assert all(r.seconds_left is not None and r.seconds_left < 0 for r in overdue.rows)
    assert all(0 <= (r.seconds_left or 0) <= 2 * 3600 for r in soon.rows)


def test_demo_tickets_read_like_real_requests(queued):
    from helpdesk_tui.services.tickets import get_ticket_detail

    agent = staff(queued, "demo-agent")
    with queued.read() as s:
        row = queue_page(
            s, actor=agent, queue_filter=QueueFilter("open"), now=NOW, with_counts=False
        ).rows[0]
        detail = get_ticket_detail(s, actor=agent, ticket_id=row.id)
    assert [m.kind for m in detail.messages] == ["incoming"] and detail.messages[0].body.endswith(
        (".", "?")
    )
    assert detail.events[0].kind == "created"

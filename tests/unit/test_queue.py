"""Queue views on both databases: the right tickets in due order, counts per view,
pages that stop, clerks limited to their school."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import Ticket
from helpdesk_tui.services import tickets as t
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.tickets import QueueFilter, queue_page, seed_tickets
from tests.recovery import staff

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


def test_clerks_see_their_school_and_filters_combine(queued):
    clerk, agent = staff(queued, "demo-clerk"), staff(queued, "demo-agent")
    with queued.read() as s:
        mine = queue_page(s, actor=clerk, queue_filter=QueueFilter("open"), now=NOW)
        by_school = queue_page(
            s, actor=agent, queue_filter=QueueFilter("open", school_id=clerk.school_id), now=NOW
        )
        by_category = queue_page(
            s, actor=agent, queue_filter=QueueFilter("open", category="lost_key"), now=NOW
        )
    assert mine.counts["open"] == by_school.counts["open"] > 0
    assert {r.school for r in mine.rows} == {clerk.school_name}
    assert {r.category for r in by_category.rows} == {"lost_key"}
    with pytest.raises(DomainError, match="Unknown queue view"), queued.read() as s:
        queue_page(s, actor=agent, queue_filter=QueueFilter("everything"), now=NOW)


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

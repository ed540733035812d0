"""Demo and benchmark tickets: a realistic spread of channels, categories, states and
ages over the demo district's guardians, with due times from the real calendar.
Deterministic for a seed; written with executemany in batches."""

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Table, case, func, insert, literal, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    Guardian,
    GuardianStudent,
    Staff,
    Student,
    Ticket,
    TicketEvent,
    TicketMessage,
    core_table,
)
from helpdesk_tui.services.sla import load_calendar, targets_for
from helpdesk_tui.vocabulary import RUNNING, Category, Channel, Priority, TicketStatus

CATEGORIES, CHANNELS = tuple(Category), tuple(Channel)

SUBJECTS = {
    "key_request": "Need an activation key",
    "lost_key": "Lost my activation key email",
    "key_already_used": "It says my key was already used",
    "login_name_taken": "Login name already taken",
    "forgot_login": "Forgot my username or password",
    "account_disabled": "My account is disabled",
    "security_email": "Security email not verified",
    "username_change": "Please change my username",
    "no_account": "How do I get an account?",
    "other": "Question about the portal",
}
QUESTIONS = {
    "key_request": "Hello, I would like to set up a Parent Portal account. Could you send me a key?",
    "lost_key": "I deleted the email with my activation key by mistake. Can I get a new one?",
    "key_already_used": "The portal says my activation key was already used, but I never made an account.",
    "login_name_taken": "Every login name I try says it is already taken.",
    "forgot_login": "I cannot remember my username or my password.",
    "account_disabled": "My account says it is disabled. I think I typed the password wrong too often.",
    "security_email": "I never got the email to verify my security email address.",
    "username_change": "Please change my username; it has my old last name.",
    "no_account": "How do I get access to my children's grades?",
    "other": "I have a question about the Parent Portal.",
}
STATES = (("new", 30), ("open", 30), ("pending", 10), ("resolved", 20), ("closed", 10))
OLD_STATES = ("resolved", "closed", "closed", "closed")


def seed_tickets(
    database: Database,
    *,
    count: int,
    seed: int = 1,
    now: datetime | None = None,
    batch: int = 5_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add ``count`` tickets created over the last 60 days; returns how many."""
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    t = core_table(Ticket)
    with database.write() as session:
        conn = session.connection()
        links = core_table(GuardianStudent)
        students = core_table(Student)
        school_of: dict[int, int] = dict(
            conn.execute(
                select(links.c.guardian_id, func.min(students.c.school_id))
                .join(students, students.c.id == links.c.student_id)
                .group_by(links.c.guardian_id)
            ).all()
        )
        guardians = [r[0] for r in conn.execute(select(core_table(Guardian).c.id))]
        staff = [r[0] for r in conn.execute(select(core_table(Staff).c.id))]
        first = (conn.execute(select(func.max(t.c.number))).scalar() or 1000) + 1
        calendar = load_calendar(session, now=now)
        targets = {c: targets_for(session, c, Priority.NORMAL) for c in CATEGORIES}
        states = [s for s, w in STATES for _ in range(w)]
        rows: list[dict[str, object]] = []
        for i in range(count):
            category = rng.choice(CATEGORIES)
            created = now - timedelta(minutes=rng.randint(5, 60 * 24 * 60))
            # Most older requests have been dealt with; the working queue is recent.
            aged = now - created > timedelta(days=7)
            status = rng.choice(OLD_STATES if aged and rng.random() < 0.97 else states)
            target = targets[category]
            first_due = calendar.due(created, target.first_response_minutes)
            resolution_due = calendar.due(created, target.resolution_minutes)
            answered = status != TicketStatus.NEW and rng.random() < 0.9
            running = status in RUNNING
            guardian = rng.choice(guardians)
            rows.append(
                {
                    "number": first + i,
                    "channel": rng.choice(CHANNELS),
                    "category": category,
                    "priority": rng.choice(("low", "normal", "normal", "normal", "high", "urgent")),
                    "status": status,
                    "subject": SUBJECTS[category],
                    "guardian_id": guardian,
                    "school_id": school_of.get(guardian),
                    "assignee_id": rng.choice([None, None, *staff]),
                    "created_at": created,
                    "updated_at": created,
                    "first_response_at": created + timedelta(hours=2) if answered else None,
                    "first_response_due_at": first_due,
                    "resolution_due_at": resolution_due,
                    "due_at": (resolution_due if answered else first_due) if running else None,
                    "pending_since": created + timedelta(hours=3)
                    if status == TicketStatus.PENDING
                    else None,
                    "paused_seconds": 0.0,
                    "resolved_at": created + timedelta(days=1)
                    if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
                    else None,
                    "closed_at": created + timedelta(days=8)
                    if status == TicketStatus.CLOSED
                    else None,
                    "reply_count": 1 if answered else 0,
                }
            )
            if len(rows) >= batch:
                conn.execute(insert(t), rows)
                rows.clear()
                if progress:
                    progress(i + 1)
        if rows:
            conn.execute(insert(t), rows)
        # What each guardian wrote, and the "created" entry of every timeline.
        asked = case(
            *((t.c.category == c, literal(text_)) for c, text_ in QUESTIONS.items()),
            else_=literal(QUESTIONS["other"]),
        )
        g = core_table(Guardian)
        name = (
            select(g.c.first_name + literal(" ") + g.c.last_name)
            .where(g.c.id == t.c.guardian_id)
            .scalar_subquery()
        )
        new = select(
            t.c.id,
            literal("incoming"),
            func.coalesce(name, literal("caller")),
            asked,
            t.c.created_at,
        ).where(t.c.number >= first)
        messages = core_table(TicketMessage)
        conn.execute(
            insert(messages).from_select(
                ["ticket_id", "kind", "author_name", "body", "created_at"], new
            )
        )
        events = core_table(TicketEvent)
        conn.execute(
            insert(events).from_select(
                ["ticket_id", "at", "kind", "detail"],
                select(t.c.id, t.c.created_at, literal("created"), _words(t)).where(
                    t.c.number >= first
                ),
            )
        )
    if progress:
        progress(count)
    return count


def _words(t: Table) -> ColumnElement[str]:
    """ "walk-in, lost key": the labels a person reads, as create_ticket writes them."""
    channel = case(*((t.c.channel == c.value, literal(c.label)) for c in Channel))
    category = case(*((t.c.category == c.value, literal(c.label)) for c in Category))
    return channel + literal(", ") + category

"""The permission matrix's table: for every public service taking ``actor``, how to call
it for one family and who may (tests/unit/test_permission_matrix.py runs it).

A row is ``"package.function": Case(VERDICTS, build)``:

- VERDICTS: one letter per role, in ROLES order (agent, clerk of the family's school,
  clerk of another school, supervisor): Y allowed, N refused. SCOPED, SUPERVISORS and
  EVERYONE name the usual ones.
- build: the keyword arguments after ``session`` and ``actor``, as a dict, or a
  function of the call's ``Ctx`` (its actor, its family, and helpers that make the
  call's preconditions true: a ticket, a pass, an open verification, an account state),
  so that a refusal is the permission's and nothing else's.
- refusal: what a refusal raises (ActionDenied unless the domain has its own); every
  refusal must also leave a "denied" audit row for that actor.
- check: optional, for services that filter instead of refusing: called with the
  context and the result of an allowed call.

One more row for a new service, e.g.:

    "guardians.set_nickname": Case(SCOPED, lambda c: {"guardian_id": c.gid, "name": "Bea"}),

If the call needs a state the family does not have, add a helper to Ctx
(permission_world.py) and call it in the build.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from helpdesk_tui.data.tables import BusyPeriodRow, ClosureDay, OpenDay, Staff, Ticket
from helpdesk_tui.services.guardians import SearchResult
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.reports import ServiceLevels
from helpdesk_tui.services.staff import TemporaryPassword
from helpdesk_tui.services.tickets import QueueFilter, QueuePage
from helpdesk_tui.services.verification import CodeReading, NewCode
from helpdesk_tui.vocabulary import AuditAction, QueueView
from tests.unit.attachment_helpers import attached
from tests.unit.permission_world import CODE, ROLES, Ctx

SCOPED = "YYNY"  # district-wide staff, and a clerk for the families of their school
SUPERVISORS = "NNNY"
EVERYONE = "YYYY"

__all__ = ["CASES", "ROLES", "Case"]


Build = dict[str, Any] | Callable[[Ctx], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    verdicts: str
    build: Build
    refusal: type[Exception] = ActionDenied
    check: Callable[[Ctx, Any], None] | None = None

    def kwargs(self, ctx: Ctx) -> dict[str, Any]:
        return dict(self.build) if isinstance(self.build, dict) else self.build(ctx)


def _agent(c: Ctx, *, active: bool = True) -> str:
    """A staff account of its own for a staff administration call; returns its username."""
    name = c.unique("matrix-agent-")
    c.s.add(
        Staff(
            username=name,
            full_name="Matrix Agent",
            role="agent",
            password_hash="not-a-hash",
            active=active,
            created_at=c.now,
        )
    )
    return name


def _with_pass(extra: Callable[[Ctx], dict[str, Any]] | None = None) -> Callable[[Ctx], Any]:
    """A recovery action's call: the actor holds a pass for the family first."""

    def build(c: Ctx) -> dict[str, Any]:
        c.passed()
        return {"guardian_id": c.gid, **(extra(c) if extra else {})}

    return build


def _queue_lists_the_ticket_only_to_who_sees_it(c: Ctx, page: QueuePage) -> None:
    listed = c.made["ticket"] in [r.id for r in page.rows]
    assert listed == c.sees_family, f"the queue {'hid' if c.sees_family else 'showed'} it"


def _search_finds_the_family_only_for_who_sees_it(c: Ctx, result: SearchResult) -> None:
    found = c.gid in [h.guardian_id for h in result.hits]
    assert found == c.sees_family, f"the search {'missed' if c.sees_family else 'found'} it"


def _sla_figures_are_the_team_only_for_supervisors(c: Ctx, figures: ServiceLevels) -> None:
    if c.actor.role == "supervisor":
        assert figures.team is not None, "a supervisor did not get the team's figures"
    else:
        assert figures.team is None, "an agent got the team's figures"
        assert [a.staff_id for a in figures.agents] == [c.actor.id], "an agent saw others"


def _queue(c: Ctx) -> dict[str, Any]:
    c.ticket()
    return {"queue_filter": QueueFilter(QueueView.OPEN, sort="newest")}


def _ticket(**more: Any) -> Callable[[Ctx], dict[str, Any]]:
    return lambda c: {"ticket_id": c.ticket(), **more}


def _unlinked_ticket(c: Ctx) -> dict[str, Any]:
    """A ticket of a caller not found during the call, to link to the family."""
    ticket = c.s.get(Ticket, c.ticket())
    assert ticket is not None
    ticket.guardian_id, ticket.school_id, ticket.caller_name = None, None, "A caller"
    c.s.flush()
    return {"ticket_id": ticket.id, "guardian_id": c.gid}


def _verification(**more: Any) -> Callable[[Ctx], dict[str, Any]]:
    return lambda c: {"verification_id": c.verification(), **more}


SOON = date(2027, 1, 4)


_ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//matrix//\r\nBEGIN:VEVENT\r\n"
    b"SUMMARY:Institute day\r\nDTSTART;VALUE=DATE:20270412\r\n"
    b"DTEND;VALUE=DATE:20270413\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _open_day(c: Ctx) -> date:
    """Veterans Day 2026, worked all the same (for closing on it again)."""
    c.s.merge(OpenDay(day=date(2026, 11, 11), name="Veterans Day"))
    return date(2026, 11, 11)


def _closure_day(c: Ctx) -> date:
    c.s.merge(ClosureDay(day=date(2027, 3, 1), name="Snow day"))
    return date(2027, 3, 1)


def _busy_period(c: Ctx) -> int:
    row = BusyPeriodRow(
        name="Matrix", first_day=date(2027, 5, 3), last_day=date(2027, 5, 7), stretch_percent=150
    )
    c.s.add(row)
    c.s.flush()
    assert row.id is not None
    return row.id


CASES: dict[str, Case] = {
    # -- guardians ----------------------------------------------------------------------
    "guardians.clear_restriction": Case(
        SUPERVISORS,
        lambda c: {"guardian_id": c.gid, "student_id": c.restricted_student(), "reason": "Ok"},
    ),
    "guardians.get_guardian_detail": Case(SCOPED, lambda c: {"guardian_id": c.gid}),
    "guardians.reveal_contact": Case(
        SCOPED, lambda c: {"guardian_id": c.gid, "reason": "Caller asked for the address"}
    ),
    "guardians.search_guardians": Case(
        EVERYONE,
        lambda c: {"query": f"{c.family.first_name} {c.family.last_name}"},
        check=_search_finds_the_family_only_for_who_sees_it,
    ),
    "guardians.set_preferred_language": Case(
        SCOPED, lambda c: {"guardian_id": c.gid, "language": "es"}
    ),
    # -- presence -----------------------------------------------------------------------
    "presence.heartbeat": Case(SCOPED, lambda c: {"target": f"guardian:{c.gid}"}),
    "presence.leave": Case(EVERYONE, lambda c: {"target": f"guardian:{c.gid}"}),
    # -- recovery -----------------------------------------------------------------------
    "recovery.change_username": Case(
        SCOPED, _with_pass(lambda c: {"new_username": c.unique("matrixuser")})
    ),
    "recovery.check_key": Case(SCOPED, lambda c: {"key_text": c.family.key_text}),
    "recovery.disable_account": Case(SCOPED, _with_pass(lambda c: {"reason": "Misuse"})),
    "recovery.reissue_activation_key": Case(
        SCOPED, _with_pass(lambda c: {"delivery": "letter", "reason": "Lost the login"})
    ),
    "recovery.resend_email_verification": Case(
        SCOPED, _with_pass(lambda c: c.account(security_email_verified=False) or {})
    ),
    "recovery.reset_account": Case(SCOPED, _with_pass(lambda c: {"delivery": "letter"})),
    "recovery.send_password_reset": Case(SCOPED, _with_pass()),
    "recovery.send_username": Case(SCOPED, _with_pass()),
    "recovery.unlock_account": Case(
        SCOPED, _with_pass(lambda c: c.account(status="disabled", disabled_at=c.now) or {})
    ),
    # -- reports ------------------------------------------------------------------------
    "reports.export_usage_csv": Case(SUPERVISORS, lambda c: {"folder": c.world.folder}),
    "reports.portal_usage": Case(SUPERVISORS, {}),
    "reports.service_levels": Case(
        "YNNY",  # an agent gets their own figures, no team totals; clerks are refused
        lambda c: {"first_day": c.now.date() - timedelta(days=30), "last_day": c.now.date()},
        check=_sla_figures_are_the_team_only_for_supervisors,
    ),
    "reports.usage_entries": Case(SUPERVISORS, {"limit": 5}),
    # -- sla ----------------------------------------------------------------------------
    "sla.add_busy_period": Case(
        SUPERVISORS,
        {"name": "Opening", "first_day": SOON, "last_day": SOON, "stretch_percent": 150},
    ),
    "sla.add_closure": Case(SUPERVISORS, {"day": SOON, "name": "Snow day"}),
    "sla.close_on_holiday": Case(SUPERVISORS, lambda c: {"day": _open_day(c)}),
    "sla.close_range": Case(
        SUPERVISORS,
        {"first_day": date(2027, 2, 1), "last_day": date(2027, 2, 5), "name": "Break"},
    ),
    "sla.import_ics": Case(SUPERVISORS, {"data": _ICS, "file_name": "district.ics"}),
    "sla.open_on_holiday": Case(SUPERVISORS, {"day": date(2026, 10, 12)}),  # Columbus Day
    "sla.remove_busy_period": Case(SUPERVISORS, lambda c: {"busy_id": _busy_period(c)}),
    "sla.reopen_days": Case(SUPERVISORS, lambda c: {"first_day": _closure_day(c)}),
    "sla.set_business_hours": Case(SUPERVISORS, {"hours_open": "07:45"}),
    "sla.set_target": Case(
        SUPERVISORS,
        {
            "category": "other",
            "priority": "low",
            "first_response_minutes": 480,
            "resolution_minutes": 1440,
        },
    ),
    # -- staff --------------------------------------------------------------------------
    "staff.add_staff": Case(
        SUPERVISORS,
        lambda c: {
            "username": c.unique("matrix-staff-"),
            "full_name": "Matrix Person",
            "role": "agent",
            "password": "Matrix-password-1",
        },
    ),
    "staff.disable_staff": Case(SUPERVISORS, lambda c: {"username": _agent(c), "reason": "Left"}),
    "staff.enable_staff": Case(
        SUPERVISORS, lambda c: {"username": _agent(c, active=False), "reason": "Back"}
    ),
    "staff.list_staff": Case(SUPERVISORS, {}),
    "staff.record_desk_locked": Case(EVERYONE, {"idle_minutes": 10}),
    "staff.standing_changed": Case(EVERYONE, {}),
    "staff.reset_staff_password": Case(
        SUPERVISORS,
        lambda c: {
            "username": _agent(c),
            "reason": "Called, ID checked",
            "temporary": TemporaryPassword("Temp-1234-abcd", "not-a-hash"),
        },
    ),
    "staff.set_desk_policy": Case(SUPERVISORS, {"idle_lock_minutes": 10}),
    "staff.set_staff_role": Case(
        SUPERVISORS,
        lambda c: {"username": _agent(c), "role": "clerk", "school_code": "101"},
    ),
    "staff.unlock_staff": Case(
        SUPERVISORS, lambda c: {"username": c.locked_staff(), "reason": "Called them back"}
    ),
    # -- tickets ------------------------------------------------------------------------
    "tickets.add_note": Case(SCOPED, _ticket(body="Called back.")),
    "tickets.attachment_content": Case(
        SCOPED, lambda c: {"attachment_id": attached(c.s, c.ticket())}
    ),
    "tickets.attachments_of": Case(SCOPED, _ticket()),
    "tickets.call_note": Case(SCOPED, lambda c: {"guardian_id": c.gid}),
    "tickets.calls_today": Case(EVERYONE, {}),
    "tickets.canned_for": Case(SCOPED, _ticket(lang="en")),
    "tickets.change_ticket": Case(SCOPED, _ticket(category="key_already_used", priority="high")),
    "tickets.assign": Case(SCOPED, lambda c: {"ticket_id": c.ticket(), "staff_id": c.actor.id}),
    "tickets.claim": Case(SCOPED, _ticket()),
    "tickets.create_ticket": Case(
        SCOPED,
        lambda c: {
            "channel": "phone",
            "category": "other",
            "subject": "Call",
            "guardian_id": c.gid,
        },
    ),
    "tickets.get_ticket_detail": Case(SCOPED, _ticket()),
    "tickets.merge_tickets": Case(
        SCOPED, lambda c: {"duplicate_id": c.ticket(), "into_id": c.ticket()}
    ),
    "tickets.link_guardian": Case("YNNY", _unlinked_ticket),  # clerks: district work
    "tickets.open_call_ticket": Case(SCOPED, lambda c: {"guardian_id": c.gid}),
    "tickets.open_caller_ticket": Case("YNNY", {"caller": "Ana", "phone": "555-0100"}),
    "tickets.queue_page": Case(EVERYONE, _queue, check=_queue_lists_the_ticket_only_to_who_sees_it),
    "tickets.reopen": Case(SCOPED, _ticket()),
    "tickets.reply": Case(SCOPED, _ticket(subject="", body="Done.", seen_replies=0)),
    "tickets.resolve": Case(SCOPED, _ticket(note="Key reissued.")),
    "tickets.resolve_call": Case(SCOPED, lambda c: {"guardian_id": c.gid, "note": "Done."}),
    "tickets.set_pending": Case(SCOPED, _ticket()),
    "tickets.search_tickets": Case(  # the newest "lost my key": the call's own ticket
        EVERYONE,
        lambda c: {"text": "lost my key"} if c.ticket() else {},
        check=_queue_lists_the_ticket_only_to_who_sees_it,
    ),
    "tickets.tickets_of_guardian": Case(SCOPED, lambda c: {"guardian_id": c.gid}),
    # -- verification -------------------------------------------------------------------
    # Calls on a verification: the actor's own, open for the family (for a clerk of
    # another school: the family's student left the school since it was started).
    "verification.abandon_verification": Case(SCOPED, _verification()),
    "verification.check_screening": Case(
        SCOPED,
        lambda c: {
            "verification_id": c.verification(),
            "item": "zip",
            "answer": c.family.postal_code,
        },
    ),
    "verification.clear_block": Case(
        SUPERVISORS, lambda c: c.block() or {"guardian_id": c.gid, "reason": "Reviewed"}
    ),
    "verification.code_mail": Case(
        SCOPED, lambda c: {"verification_id": (v := c.verification()), **({} if c.code(v) else {})}
    ),
    "verification.check_code": Case(
        SCOPED, lambda c: {"verification_id": (v := c.verification()), "code": c.code(v) and CODE}
    ),
    "verification.confirm_code": Case(
        SCOPED,
        lambda c: {
            "verification_id": (v := c.verification()),
            "reading": CodeReading(v, c.code(v), matched=True),
        },
    ),
    "verification.current_pass": Case(EVERYONE, lambda c: {"guardian_id": c.gid}),
    "verification.finish_verification": Case(
        SCOPED, lambda c: {"verification_id": c.verification(ready=True)}
    ),
    "verification.get_verification": Case(SCOPED, _verification()),
    "verification.judge_screening": Case(SCOPED, _verification(item="address", matched=True)),
    # Clerks prove identity in person only: no callback, no emailed code.
    "verification.dial_callback": Case(
        "YNNY", lambda c: {"verification_id": c.verification(), "phone": "mobile"}
    ),
    "verification.record_callback": Case(
        "YNNY", lambda c: {"verification_id": c.verification(), "phone": "mobile"}
    ),
    "verification.record_in_person": Case(
        SCOPED,
        lambda c: {
            "verification_id": c.verification(method="in_person"),
            "id_type": "passport",
            "id_matched": True,
            "form_signed": True,
        },
    ),
    "verification.require_pass": Case(
        SCOPED,
        _with_pass(lambda c: {"action": AuditAction.KEY_REISSUED, "now": c.now}),
    ),
    "verification.send_code": Case(
        "YNNY",
        lambda c: {
            "verification_id": c.verification(),
            "to": c.family.email,
            "code": NewCode(CODE, c.world.code_hash),
        },
    ),
    "verification.set_policy": Case(SUPERVISORS, lambda c: c.policy_unchanged()),
    "verification.start_verification": Case(
        SCOPED, lambda c: {"guardian_id": c.gid, "method": c.method}
    ),
    "verification.verification_summary": Case(EVERYONE, lambda c: {"v": c.passed()}),
}

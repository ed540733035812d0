"""The guardian's record as staff read it: contact, portal account, students and their
relationship rights, households, key history (never a key value), recent sign-ins and
the audit history. It only shows a GuardianDetail; the screen loads it and acts.
Contact details and birth dates come masked until the caller is verified (or they were
revealed with a reason): the record says so, and how to see them."""

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Label, Static

from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.services.presence import target_for
from helpdesk_tui.vocabulary import AccountStatus, AuditOutcome, KeyStatus
from helpdesk_tui.widgets.formatting import (
    day,
    markup,
    plain,
    plain_content,
    short_school,
    when,
)
from helpdesk_tui.widgets.presence_line import PresenceLine

STATUS_STYLES = {
    "active": "green",
    "disabled": "bold red",
    "redeemed": "green",
    "revoked": "dim",
    "expired": "yellow",
}
OUTCOME_STYLES = {
    AuditOutcome.DENIED: "red",
    AuditOutcome.FAILED: "red",
    AuditOutcome.BLOCKED: "bold red",
    AuditOutcome.PASSED: "green",
}
MASKED_HINT = Content.from_markup(
    "[dim]Hidden until the caller is verified (v); c reveals them, with a reason "
    "kept in the audit trail.[/]"
)
REVEALED_NOTE = Content.from_markup(
    "[yellow]Revealed for this screen (the reason is in the audit trail).[/]"
)
NEW_LINE = Content("\n")
TABLE_COLUMNS = {
    "students": (  # birth date beside the name, so it is in sight at 120 columns
        "Student",
        "Born",
        "Number",
        "Grade, school",
        "Enrolled",
        "Relation",
        "Rights",
        "Restricted",
    ),
    "keys": (
        "Key",
        "Status",
        "Issued",
        "Issued by",
        "Expires",
        "Redeemed",
        "By account",
        "Revoked",
        "Reason",
    ),
    "access-log": ("Time", "IP address", "Result", "Username tried"),
    "audit": ("Time", "Staff", "Action", "Outcome", "Verification", "Reason / detail"),
}


Cell = Text | str


def styled(status: str) -> Cell:
    """A status (one of ours, never from outside) in its colour."""
    style = STATUS_STYLES.get(status)
    return f"[{style}]{status}[/]" if style else plain(status)


class GuardianRecord(VerticalScroll):
    def __init__(self, guardian_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.guardian_id = guardian_id

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-title")
        yield Static("", id="verify-status")
        yield PresenceLine(target_for("guardian", self.guardian_id), id="presence")
        yield Static("", id="restricted-banner")
        with Horizontal(classes="detail-columns"):
            with Vertical(classes="detail-card"):
                yield Label("Contact", classes="section-title")
                yield Static("", id="contact")
            with Vertical(classes="detail-card"):
                yield Label("Portal account", classes="section-title")
                yield Static("", id="account")
        yield Label("Students and relationship rights", classes="section-title")
        yield DataTable(id="students", cursor_type="row", zebra_stripes=True)
        yield Label("Households", classes="section-title")
        yield Static("", id="households")
        yield Label("Activation keys (values are never stored)", classes="section-title")
        yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
        yield Label("Recent portal sign-ins", classes="section-title")
        yield DataTable(id="access-log", cursor_type="row", zebra_stripes=True)
        yield Label(
            "Audit history (helpdesk and portal actions on this guardian)",
            classes="section-title",
        )
        yield DataTable(id="audit", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#restricted-banner").display = False
        for table_id in TABLE_COLUMNS:
            self._reset_table(table_id)

    def _reset_table(self, table_id: str) -> DataTable[Cell]:
        """Empty a table, columns included: re-adding the columns with the rows makes it
        size and draw its header from the new rows, not from the empty table."""
        table: DataTable[Cell] = self.query_one(f"#{table_id}", DataTable)
        table.clear(columns=True)
        table.add_columns(*TABLE_COLUMNS[table_id])
        return table

    def show(self, d: GuardianDetail) -> None:
        # Names, addresses, usernames, reasons: everything from the record came from
        # outside (the SIS, the portal, staff typing) and goes in as plain text.
        inactive = "" if d.active else "  [bold red](inactive in the roster)[/]"
        self.query_one("#detail-title", Static).update(
            markup(
                "$name  ·  guardian #$id  ·  prefers $language$who  ·  portal: $portal" + inactive,
                name=d.name,
                id=d.guardian_id,
                language=d.preferred_language,
                who=" (set by staff)" if d.language_set_by_staff else " (l to change)",
                portal=d.portal_status,
            )
        )
        self.show_verification(d)
        banner = self.query_one("#restricted-banner", Static)
        banner.display = d.has_restriction
        if d.has_restriction:
            names = ", ".join(s.name for s in d.students if s.restricted)
            banner.update(
                plain_content(
                    f"RESTRICTED relationship (custody or court order) with {names}: "
                    "no portal action for this guardian until a supervisor clears it."
                )
            )
        self.query_one("#contact", Static).update(contact_text(d))
        self.query_one("#account", Static).update(account_text(d))
        self._fill_students(d)
        self.query_one("#households", Static).update(households_text(d))
        self._fill_keys(d)
        self._fill_access_log(d)
        self._fill_audit(d)

    def show_verification(self, d: GuardianDetail) -> None:
        """Whether the caller is verified; called again as the pass runs out."""
        self.query_one("#verify-status", Static).update(verification_line(d))

    def _fill_students(self, d: GuardianDetail) -> None:
        table = self._reset_table("students")
        for s in d.students:
            table.add_row(
                plain(s.name),
                plain(s.birth_date or "—"),
                plain(s.student_number),
                plain(f"{s.grade}, {short_school(s.school)}"),
                s.enrollment,
                plain(s.relation),
                s.rights,
                "[bold red]RESTRICTED[/]" if s.restricted else "no",
            )
        if not d.students:
            table.add_row("no students linked", *[""] * 7)

    def _fill_keys(self, d: GuardianDetail) -> None:
        table = self._reset_table("keys")
        for k in d.keys:
            table.add_row(
                plain(k.masked),
                styled(k.status),
                when(k.issued_at),
                plain(k.issued_by),
                day(k.expires_at),
                when(k.redeemed_at),
                plain(k.redeemed_by_username or "—"),
                when(k.revoked_at),
                plain(k.revoke_reason or ""),
            )
        if not d.keys:
            table.add_row("no keys issued", *[""] * 8)

    def _fill_access_log(self, d: GuardianDetail) -> None:
        table = self._reset_table("access-log")
        for attempt in d.access_log:
            result = (
                "[green]success[/]"
                if attempt.success
                else "[yellow]turned away (too many tries)[/]"
                if attempt.throttled
                else "[red]failed[/]"
            )
            table.add_row(
                when(attempt.at),
                plain(attempt.ip_address),
                result,
                plain(attempt.username_tried),
            )
        if not d.access_log:
            table.add_row("no sign-ins recorded", "", "", "")

    def _fill_audit(self, d: GuardianDetail) -> None:
        table = self._reset_table("audit")
        for e in d.audit:
            style = (
                OUTCOME_STYLES.get(AuditOutcome(e.outcome)) if AuditOutcome.has(e.outcome) else None
            )
            note = " · ".join(p for p in (e.reason, e.detail) if p)
            table.add_row(
                when(e.at),
                plain(e.staff),
                plain(e.action_label),
                f"[{style}]{e.outcome_label}[/]" if style else plain(e.outcome_label),
                plain(e.verification),
                plain(note),
            )
        if not d.audit:
            table.add_row("no helpdesk actions yet", *[""] * 5)


def contact_text(d: GuardianDetail) -> Content:
    """Emails, phones and the address: masked with a hint before a pass, a note when
    they were revealed without one."""
    lines = [plain_content(e) for e in d.emails] or [Content("no email on file")]
    lines += [plain_content(f"{label}: {n}") for label, n in d.phones] or [
        Content("no phone on file")
    ]
    lines.append(plain_content(d.address or "no address"))
    if d.masked:
        lines.append(MASKED_HINT)
    elif d.reveal_id is not None and not caller_verified(d):
        lines.append(REVEALED_NOTE)
    return NEW_LINE.join(lines)


def account_text(d: GuardianDetail) -> Content:
    a = d.account
    if a is None:
        outstanding = [k for k in d.keys if k.status == KeyStatus.ACTIVE]
        if outstanding:
            k = outstanding[0]
            return markup(
                "[yellow]Never activated[/]: key $key issued $issued, expires $expires",
                key=k.masked,
                issued=day(k.issued_at),
                expires=day(k.expires_at),
            )
        return Content.from_markup("[dim]Never activated[/]: no key outstanding")
    status_style = STATUS_STYLES.get(a.status)
    lines = [
        plain_content(f"username: {a.username}"),
        markup(
            f"status: [{status_style}]$status[/]" if status_style else "status: $status",
            status=a.status,
        ),
    ]
    if a.status == AccountStatus.DISABLED:
        lines.append(
            plain_content(
                f"disabled {when(a.disabled_at)}: {a.disabled_reason or 'no reason recorded'}"
            )
        )
    lines.append(
        Content(f"failed logins in a row: {a.failed_login_count} of {d.district.lockout_threshold}")
    )
    lines.append(
        Content(f"last login: {when(a.last_login_at, 'never')} · created {day(a.created_at)}")
    )
    if a.security_email:
        verified = "[green]verified[/]" if a.security_email_verified else "[yellow]not verified[/]"
        lines.append(markup(f"security email: $email ({verified})", email=a.security_email))
    else:
        lines.append(
            Content.from_markup("security email: [yellow]none[/] (self-service reset unavailable)")
        )
    return NEW_LINE.join(lines)


def households_text(d: GuardianDetail) -> Content:
    if not d.households:
        return Content("in no household")
    lines = []
    for h in d.households:
        lines.append(
            plain_content(f"{h.name}: {h.address or 'no address'} · {h.phone or 'no phone'}")
        )
        lines.append(plain_content(f"  members: {', '.join(h.members)}"))
    return NEW_LINE.join(lines)


def caller_verified(d: GuardianDetail) -> bool:
    """Whether this staff member holds an unexpired pass for this guardian."""
    until = d.verified_until
    return bool(until and until > datetime.now(until.tzinfo))


def verification_line(d: GuardianDetail) -> Content:
    if d.blocked:
        return Content.from_markup(
            "[bold red]Verification BLOCKED[/] after repeated failures: a supervisor must "
            "review and clear it (b)."
        )
    if caller_verified(d) and d.verified_until:
        return markup(
            "[green]✔ Caller verified until $until[/] ($by)",
            until=f"{d.verified_until:%H:%M}",
            by=d.verified_by,
        )
    return Content.from_markup(
        "[yellow]Caller not verified[/]: press v to verify before any account or key action."
    )

"""The guardian's record as staff read it: contact, portal account, students and their
relationship rights, households, key history (never a key value), recent sign-ins and
the audit history. It only shows a GuardianDetail; the screen loads it and acts."""

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Label, Static

from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.services.presence import target_for
from helpdesk_tui.vocabulary import AccountStatus, AuditAction, AuditOutcome, KeyStatus
from helpdesk_tui.widgets.formatting import day, short_school, when
from helpdesk_tui.widgets.presence_line import PresenceLine

STATUS_STYLES = {
    "active": "green",
    "disabled": "bold red",
    "redeemed": "green",
    "revoked": "dim",
    "expired": "yellow",
}
TABLE_COLUMNS = {
    "students": (
        "Student",
        "Number",
        "Grade",
        "School",
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


def styled(status: str) -> str:
    style = STATUS_STYLES.get(status)
    return f"[{style}]{status}[/]" if style else status


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

    def _reset_table(self, table_id: str) -> DataTable[str]:
        """Empty a table, columns included: re-adding the columns with the rows makes it
        size and draw its header from the new rows, not from the empty table."""
        table: DataTable[str] = self.query_one(f"#{table_id}", DataTable)
        table.clear(columns=True)
        table.add_columns(*TABLE_COLUMNS[table_id])
        return table

    def show(self, d: GuardianDetail) -> None:
        inactive = "" if d.active else "  [bold red](inactive in the roster)[/]"
        self.query_one("#detail-title", Static).update(
            f"{d.name}  ·  guardian #{d.guardian_id}  ·  prefers {d.preferred_language}"
            f"{' (set by staff)' if d.language_set_by_staff else ' (l to change)'}  ·  "
            f"portal: {d.portal_status}{inactive}"
        )
        self.show_verification(d)
        banner = self.query_one("#restricted-banner", Static)
        banner.display = d.has_restriction
        if d.has_restriction:
            names = ", ".join(s.name for s in d.students if s.restricted)
            banner.update(
                f"RESTRICTED relationship (custody or court order) with {names}: "
                "no portal action for this guardian until a supervisor clears it."
            )
        phones = "\n".join(f"{label}: {number}" for label, number in d.phones) or "no phone on file"
        emails = "\n".join(d.emails) or "no email on file"
        self.query_one("#contact", Static).update(
            f"{emails}\n{phones}\n{d.address or 'no address'}"
        )
        self.query_one("#account", Static).update(account_text(d))
        self._fill_students(d)
        self.query_one("#households", Static).update(
            "\n".join(
                f"{h.name}: {h.address or 'no address'} · {h.phone or 'no phone'}\n"
                f"  members: {', '.join(h.members)}"
                for h in d.households
            )
            or "in no household"
        )
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
                s.name,
                s.student_number,
                s.grade,
                short_school(s.school),
                s.enrollment,
                s.relation,
                s.rights,
                "[bold red]RESTRICTED[/]" if s.restricted else "no",
            )
        if not d.students:
            table.add_row("no students linked", *[""] * 7)

    def _fill_keys(self, d: GuardianDetail) -> None:
        table = self._reset_table("keys")
        for k in d.keys:
            table.add_row(
                k.masked,
                styled(k.status),
                when(k.issued_at),
                k.issued_by,
                day(k.expires_at),
                when(k.redeemed_at),
                k.redeemed_by_username or "—",
                when(k.revoked_at),
                k.revoke_reason or "",
            )
        if not d.keys:
            table.add_row("no keys issued", *[""] * 8)

    def _fill_access_log(self, d: GuardianDetail) -> None:
        table = self._reset_table("access-log")
        for attempt in d.access_log:
            result = "[green]success[/]" if attempt.success else "[red]failed[/]"
            table.add_row(when(attempt.at), attempt.ip_address, result, attempt.username_tried)
        if not d.access_log:
            table.add_row("no sign-ins recorded", "", "", "")

    def _fill_audit(self, d: GuardianDetail) -> None:
        table = self._reset_table("audit")
        for e in d.audit:
            outcome = "[red]denied[/]" if e.outcome == AuditOutcome.DENIED else e.outcome
            note = " · ".join(p for p in (e.reason, e.detail) if p)
            table.add_row(
                when(e.at), e.staff, AuditAction.label_of(e.action), outcome, e.verification, note
            )
        if not d.audit:
            table.add_row("no helpdesk actions yet", *[""] * 5)


def account_text(d: GuardianDetail) -> str:
    a = d.account
    if a is None:
        outstanding = [k for k in d.keys if k.status == KeyStatus.ACTIVE]
        if outstanding:
            k = outstanding[0]
            return (
                f"[yellow]Never activated[/]: key {k.masked} issued {day(k.issued_at)}, "
                f"expires {day(k.expires_at)}"
            )
        return "[dim]Never activated[/]: no key outstanding"
    lines = [f"username: {a.username}", f"status: {styled(a.status)}"]
    if a.status == AccountStatus.DISABLED:
        lines.append(f"disabled {when(a.disabled_at)}: {a.disabled_reason or 'no reason recorded'}")
    lines.append(
        f"failed logins in a row: {a.failed_login_count} of {d.district.lockout_threshold}"
    )
    lines.append(f"last login: {when(a.last_login_at, 'never')} · created {day(a.created_at)}")
    if a.security_email:
        verified = "[green]verified[/]" if a.security_email_verified else "[yellow]not verified[/]"
        lines.append(f"security email: {a.security_email} ({verified})")
    else:
        lines.append("security email: [yellow]none[/] (self-service reset unavailable)")
    return "\n".join(lines)


def caller_verified(d: GuardianDetail) -> bool:
    """Whether this staff member holds an unexpired pass for this guardian."""
    until = d.verified_until
    return bool(until and until > datetime.now(until.tzinfo))


def verification_line(d: GuardianDetail) -> str:
    if d.blocked:
        return (
            "[bold red]Verification BLOCKED[/] after repeated failures: a supervisor must "
            "review and clear it (b)."
        )
    if caller_verified(d) and d.verified_until:
        return f"[green]✔ Caller verified until {d.verified_until:%H:%M}[/] ({d.verified_by})"
    return "[yellow]Caller not verified[/]: press v to verify before any account or key action."

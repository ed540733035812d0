"""One guardian: contact, households, students and rights, portal account, key history
(never a key value), recent access log and audit history; and the actions on them
(screens/guardian_actions.py), greyed out until the caller is verified."""

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Label, Static
from textual.worker import get_current_worker

from helpdesk_tui.screens.guardian_actions import GuardianActions
from helpdesk_tui.services.guardians import GuardianDetail, get_guardian_detail, portal_fingerprint
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.presence import target_for
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


def _styled(status: str) -> str:
    style = STATUS_STYLES.get(status)
    return f"[{style}]{status}[/]" if style else status


class GuardianDetailScreen(GuardianActions):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="detail.back", tooltip="Back to the lookup"),
        Binding(
            "f5", "refresh", "Refresh", id="detail.refresh", tooltip="Load this guardian again"
        ),
        Binding(
            "v",
            "verify",
            "Verify caller",
            id="detail.verify",
            tooltip="Identity checklist: screening and a proof",
        ),
        Binding(
            "k",
            "reissue",
            "Reissue key",
            id="detail.reissue",
            tooltip="Revoke the unused key and issue a new one (needs a verified caller)",
        ),
        Binding(
            "u",
            "unlock",
            "Unlock",
            id="detail.unlock",
            tooltip="Unlock the disabled login (needs a verified caller)",
        ),
        Binding(
            "x",
            "disable",
            "Disable",
            id="detail.disable",
            tooltip="Disable the login, with a reason (needs a verified caller)",
        ),
        Binding(
            "n",
            "account_help",
            "Username/password",
            id="detail.help",
            tooltip="Send the username or a reset link, change the username, reset the account",
        ),
        Binding(
            "l",
            "language",
            "Language",
            id="detail.language",
            tooltip="The language of this guardian's letters and emails (English or Spanish)",
            show=False,  # occasional; the title line names the key, the palette has it
        ),
        Binding(
            "t",
            "phone_ticket",
            "Ticket",
            id="detail.ticket",
            tooltip="Start a ticket for this call or counter visit and open it",
        ),
        Binding(
            "b",
            "clear_block",
            "Clear block",
            id="detail.clear-block",
            tooltip="Supervisors: allow verification again",
        ),
        Binding(
            "r",
            "clear_restriction",
            "Clear restriction",
            id="detail.clear-restriction",
            tooltip="Supervisors: clear a reviewed custody restriction",
        ),
    ]

    WATCH_SECONDS = 3.0

    def __init__(self, guardian_id: int) -> None:
        super().__init__()
        self.guardian_id = guardian_id
        self.detail: GuardianDetail | None = None
        self.loads = 0  # bumped when a load reaches the screen; tests wait on it
        self.reloaded_for_change = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the guardian…", id="detail-loading", classes="hint")
        with VerticalScroll(id="detail"):
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
        yield Footer()

    def on_mount(self) -> None:
        # The record stays hidden until it has loaded, so its tables are first drawn
        # with their rows (and column widths) in place.
        self.query_one("#detail").display = False
        self.query_one("#restricted-banner").display = False
        for table_id in TABLE_COLUMNS:
            self._reset_table(table_id)
        self.action_refresh()
        # A pass lasts minutes: re-check what is allowed so actions grey out when it ends.
        self.set_interval(20, self._tick)
        # The portal (and other desks) change this record while it is open: a redeemed
        # key, failed sign-ins, a lockout. A cheap check every few seconds reloads it.
        self.set_interval(self.WATCH_SECONDS, self.check_for_changes)

    def _tick(self) -> None:
        if self.detail is not None:
            self.query_one("#verify-status", Static).update(self._verify_text(self.detail))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Actions the record does not allow, or that need a verified caller, are shown
        greyed out rather than hidden, so staff see what verifying would open."""
        if action in ("verify", "reissue", "unlock", "disable", "account_help"):
            return True if self.allowed(action) else None
        if action in ("clear_block", "clear_restriction"):
            return self.allowed(action)  # supervisors' actions are hidden from others
        return True

    def _reset_table(self, table_id: str) -> DataTable:
        """Empty a table, columns included: re-adding the columns with the rows makes it
        size and draw its header from the new rows, not from the empty table."""
        table = self.query_one(f"#{table_id}", DataTable)
        table.clear(columns=True)
        table.add_columns(*TABLE_COLUMNS[table_id])
        return table

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="detail")
    def _load(self) -> None:
        try:
            with self.app.database.read() as session:  # type: ignore[attr-defined]
                detail = get_guardian_detail(
                    session,
                    actor=self.app.staff,  # type: ignore[attr-defined]
                    guardian_id=self.guardian_id,
                )
        except DomainError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        if not get_current_worker().is_cancelled:  # a newer load supersedes this one
            self.app.call_from_thread(self._show, detail)

    @work(thread=True, exclusive=True, group="detail-watch")
    def check_for_changes(self) -> None:
        shown = self.detail
        if shown is None:
            return
        with self.app.database.read() as session:  # type: ignore[attr-defined]
            now = portal_fingerprint(session, guardian_id=self.guardian_id)
        if now != shown.fingerprint:
            self.app.call_from_thread(self._changed_elsewhere)

    def _changed_elsewhere(self) -> None:
        self.reloaded_for_change = True
        self._load()

    def _refused(self, message: str) -> None:
        self.app.notify(message, title="Cannot open guardian", severity="error", timeout=8)
        self.app.pop_screen()

    def _show(self, d: GuardianDetail) -> None:
        if self.reloaded_for_change and self.detail is not None:
            self._tell_what_changed(self.detail, d)
        self.reloaded_for_change = False
        self.detail = d
        self.query_one("#detail-loading").display = False
        self.query_one("#detail").display = True
        inactive = "" if d.active else "  [bold red](inactive in the roster)[/]"
        self.query_one("#detail-title", Static).update(
            f"{d.name}  ·  guardian #{d.guardian_id}  ·  prefers {d.preferred_language}"
            f"{' (set by staff)' if d.language_set_by_staff else ' (l to change)'}  ·  "
            f"portal: {d.portal_status}{inactive}"
        )
        self.query_one("#verify-status", Static).update(self._verify_text(d))
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
        self.query_one("#account", Static).update(self._account_text(d))
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
        self.refresh_bindings()
        self.loads += 1

    def _tell_what_changed(self, before: GuardianDetail, after: GuardianDetail) -> None:
        """Name what just happened elsewhere, so staff on the phone notice it."""
        was, now = before.account, after.account
        if now and now.status == "disabled" and (was is None or was.status != "disabled"):
            message, severity = f"The login was just disabled: {now.disabled_reason}.", "warning"
        elif now and (was is None or was.username != now.username):
            message, severity = (
                f"A login ({now.username}) was just created with a key.",
                "information",
            )
        elif now and was and now.last_login_at != was.last_login_at:
            message, severity = f"{now.username} just signed in on the portal.", "information"
        elif now and was and now.security_email_verified and not was.security_email_verified:
            message, severity = f"{now.security_email} was just verified.", "information"
        elif now and was and now.security_email != was.security_email:
            message = f"The security email was just set to {now.security_email} (not verified)."
            severity = "information"
        elif now and was and now.failed_login_count > was.failed_login_count:
            message = f"A failed sign-in just now ({now.failed_login_count} in a row)."
            severity = "warning"
        else:
            message, severity = (
                "Updated with what just happened on the portal or another desk.",
                "information",
            )
        self.notify(message, title=after.name, severity=severity, timeout=10)  # type: ignore[arg-type]

    def _verify_text(self, d: GuardianDetail) -> str:
        if d.blocked:
            return (
                "[bold red]Verification BLOCKED[/] after repeated failures: a supervisor must "
                "review and clear it (b)."
            )
        if self.verified() and d.verified_until:
            return f"[green]✔ Caller verified until {d.verified_until:%H:%M}[/] ({d.verified_by})"
        return "[yellow]Caller not verified[/]: press v to verify before any account or key action."

    def _fill_audit(self, d: GuardianDetail) -> None:
        table = self._reset_table("audit")
        for e in d.audit:
            outcome = "[red]denied[/]" if e.outcome == "denied" else e.outcome
            note = " · ".join(p for p in (e.reason, e.detail) if p)
            table.add_row(
                when(e.at), e.staff, e.action.replace("_", " "), outcome, e.verification, note
            )
        if not d.audit:
            table.add_row("no helpdesk actions yet", *[""] * 5)

    @staticmethod
    def _account_text(d: GuardianDetail) -> str:
        a = d.account
        if a is None:
            outstanding = [k for k in d.keys if k.status == "active"]
            if outstanding:
                k = outstanding[0]
                return (
                    f"[yellow]Never activated[/]: key {k.masked} issued {day(k.issued_at)}, "
                    f"expires {day(k.expires_at)}"
                )
            return "[dim]Never activated[/]: no key outstanding"
        lines = [f"username: {a.username}", f"status: {_styled(a.status)}"]
        if a.status == "disabled":
            lines.append(
                f"disabled {when(a.disabled_at)}: {a.disabled_reason or 'no reason recorded'}"
            )
        lines.append(
            f"failed logins in a row: {a.failed_login_count} of {d.district.lockout_threshold}"
        )
        lines.append(f"last login: {when(a.last_login_at, 'never')} · created {day(a.created_at)}")
        if a.security_email:
            verified = (
                "[green]verified[/]" if a.security_email_verified else "[yellow]not verified[/]"
            )
            lines.append(f"security email: {a.security_email} ({verified})")
        else:
            lines.append("security email: [yellow]none[/] (self-service reset unavailable)")
        return "\n".join(lines)

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
                _styled(k.status),
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

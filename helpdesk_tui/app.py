"""HelpdeskApp: sign-in first, then the lookup; every key binding is also a command."""

import tempfile
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from helpdesk_tui.config import ConfigError, Settings
from helpdesk_tui.data.engine import Database
from helpdesk_tui.screens.sign_in import SignInScreen
from helpdesk_tui.services.kernel.actors import StaffMember


class HelpdeskApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Parent Portal Helpdesk"
    BINDINGS = [
        Binding(
            "ctrl+q", "quit", "Quit", id="quit", tooltip="Leave the helpdesk app", priority=True
        ),
    ]

    MAIL_INTERVAL = 30.0  # seconds between outbox deliveries and supervisor alert checks

    def __init__(
        self, database: Database, *, demo: bool = False, settings: Settings | None = None
    ) -> None:
        super().__init__()
        self.database = database
        self.demo = demo
        self.settings = settings
        self.staff: StaffMember | None = None
        base = settings.data_dir if settings else Path(tempfile.gettempdir()) / "helpdesk_tui"
        self.letters_dir = base / "letters"
        self.reports_dir = base / "reports"
        self.mail_line = ""
        self._last_mail_error: str | None = None
        self.mailbox_error: str | None = None  # shown in the header until the mailbox works
        self._alerted: set[int] = set()  # blocked guardians a supervisor was told of
        self.mail_runs = 0  # bumped after each delivery run; tests wait on it

    def on_mount(self) -> None:
        self._show_sign_in()
        if self.settings is not None:
            self.set_interval(self.MAIL_INTERVAL, self.deliver_mail)
        self.set_interval(self.MAIL_INTERVAL, self.check_alerts)
        self.set_interval(600, self.close_stale_tickets)
        if self.settings is not None and self.settings.imap is not None:
            self.set_interval(self.MAIL_INTERVAL * 2, self.fetch_mail)

    # -- the outbox worker -----------------------------------------------------------
    def deliver_mail(self) -> None:
        self.run_worker(self._deliver_mail, thread=True, exclusive=True, group="mail")

    def _deliver_mail(self) -> None:
        from helpdesk_tui.services.mail import deliver_due, outbox_counts, sender_for, transport_for

        assert self.settings is not None
        try:
            transport = transport_for(self.settings, demo=self.demo)
            report = deliver_due(self.database, transport, sender=sender_for(self.settings))
            error = report.error
        except ConfigError as exc:
            error = str(exc)
        with self.database.read() as session:
            counts = outbox_counts(session)
        self.call_from_thread(
            self._mail_done, counts.pending + counts.sending, counts.failed, error
        )

    def _mail_done(self, waiting: int, failed: int, error: str | None) -> None:
        parts = [f"mail: {waiting} waiting"] if waiting else []
        if failed:
            parts.append(f"[{failed} FAILED: helpdesk mail retry-failed]")
        self.mail_line = " · ".join(parts)
        if error and error != self._last_mail_error:
            self.notify(
                f"Mail is not going out: {error}", title="Mail", severity="error", timeout=15
            )
        self._last_mail_error = error
        self._update_sub_title()
        self.mail_runs += 1

    def _update_sub_title(self) -> None:
        if self.staff is None:
            return
        who = f"{self.staff.full_name} · {self.staff.role_label}"
        parts = [who, self.mail_line, "[MAILBOX DOWN]" if self.mailbox_error else ""]
        self.sub_title = " · ".join(p for p in parts if p)

    def _show_sign_in(self) -> None:
        self.staff = None
        self.sub_title = "sign in"
        self.push_screen(SignInScreen(demo=self.demo), callback=self._signed_in)

    def _signed_in(self, staff: StaffMember | None) -> None:
        if staff is None:
            self.exit()
            return
        # Imported here, not at the top: the sign-in screen shows sooner without it.
        from helpdesk_tui.screens.guardian_lookup import GuardianLookupScreen

        self.staff = staff
        self._update_sub_title()
        self.push_screen(GuardianLookupScreen())
        self._alerted = set()
        self.check_alerts()

    def fetch_mail(self) -> None:
        """Email in: new messages become tickets; a failing mailbox is shown, not hidden."""
        if self.staff is not None:
            self.run_worker(self._fetch_mail, thread=True, exclusive=True, group="mail-in")

    def _fetch_mail(self) -> None:
        from helpdesk_tui.services.tickets import MailboxUnavailable, fetch_mail

        assert self.settings is not None and self.settings.imap is not None
        try:
            report = fetch_mail(self.database, self.settings.imap)
            error = None
            if report.errors:
                error = f"{len(report.errors)} email(s) could not be imported; see the Helpdesk-Errors folder"
        except MailboxUnavailable as exc:
            error = f"Cannot read the support mailbox: {exc}"
        self.call_from_thread(self._mailbox_checked, error)

    def _mailbox_checked(self, error: str | None) -> None:
        if error and error != self.mailbox_error:
            self.notify(error, title="Email in", severity="error", timeout=20)
        self.mailbox_error = error
        self._update_sub_title()

    def close_stale_tickets(self) -> None:
        """Tickets left pending on the guardian too long close themselves, with a note."""

        def run() -> None:
            from helpdesk_tui.services.tickets import close_stale_pending

            with self.database.write() as session:
                close_stale_pending(session)

        if self.staff is not None:
            self.run_worker(run, thread=True, exclusive=True, group="stale-tickets")

    def check_alerts(self) -> None:
        """Supervisors hear of each newly blocked guardian once: at sign-in, then
        whenever the background round finds a new one."""
        if self.staff is not None and self.staff.role == "supervisor":
            self.run_worker(self._alert_supervisor, thread=True, exclusive=True, group="alerts")

    def _alert_supervisor(self) -> None:
        from helpdesk_tui.services.verification import open_alerts

        with self.database.read() as session:
            alerts = [a for a in open_alerts(session) if a.guardian_id not in self._alerted]
        self._alerted.update(a.guardian_id for a in alerts)
        if alerts:
            names = ", ".join(a.guardian_name for a in alerts[:5])
            self.call_from_thread(
                self.notify,
                f"{len(alerts)} guardian(s) blocked after failed verifications: {names}. "
                "Open each one and clear the block (b) once reviewed.",
                title="Supervisor alert",
                severity="warning",
                timeout=20,
            )

    def action_sign_out(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._show_sign_in()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers every enabled key binding of the current screen (our own,
        not the widgets' scrolling and focus keys), so each action can be found by name
        as well as by key."""
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not isinstance(active.node, Screen) or not active.enabled:
                continue
            if not binding.description or binding.action in seen:
                continue
            if binding.action in ("quit", "command_palette"):
                continue
            seen.add(binding.action)
            yield SystemCommand(
                f"{binding.description} ({key})",
                binding.tooltip or binding.description,
                partial(active.node.run_action, binding.action),
            )
        if self.staff is not None:
            yield SystemCommand(
                "Sign out", "End your session and show the sign-in screen", self.action_sign_out
            )
        yield from super().get_system_commands(screen)

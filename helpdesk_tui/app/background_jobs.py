"""What a desk does in the background while staff work: deliver the outbox, read the
support mailbox, close tickets left waiting too long, tell supervisors of newly
blocked guardians, store the business times the service-level figures read, and write
the day's audit anchor to the data dir. Each run is one
log line; a database that cannot be reached shows the app's banner, never ends the
app."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from textual.app import App

from helpdesk_tui.config import ConfigError, Settings
from helpdesk_tui.data.engine import Database
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DatabaseUnavailable
from helpdesk_tui.services.kernel.text import clean_text
from helpdesk_tui.vocabulary import Role
from helpdesk_tui.widgets.formatting import count_of

log = logging.getLogger(__name__)

MAIL_SECONDS = 30.0  # outbox deliveries and supervisor alert checks
HEADER_SECONDS = 10.0  # the header's counts: mail waiting, calls today
MAILBOX_SECONDS = 60.0
STALE_TICKET_SECONDS = 600.0
BUSINESS_TIMES_SECONDS = 60.0  # tickets answered or resolved since: their times measured
ANCHOR_SECONDS = 3600.0  # checked hourly, written once a (UTC) day
FIRST_ANCHOR_SECONDS = 60.0  # not in the rush of starting up


@dataclass(frozen=True)
class DeskHooks:
    """What the jobs need from the app beyond Textual's own: who is signed in, and
    where to report."""

    staff: Callable[[], StaffMember | None]
    header_changed: Callable[[], None]
    database_unavailable: Callable[[str], None]
    sign_out: Callable[[], object]


class BackgroundJobs:
    def __init__(
        self,
        app: App[None],
        database: Database,
        settings: Settings | None,
        *,
        demo: bool,
        hooks: DeskHooks,
    ) -> None:
        self.app, self.database, self.settings, self.demo = app, database, settings, demo
        self.hooks = hooks
        self.mail_line = ""  # "mail: 3 waiting · [1 FAILED ...]" in the header
        self.calls_line = ""  # "4 calls today" in the header
        self.decisions_line = ""  # supervisors: "⚑ 3 to decide (F8, d)" in the header
        self.mailbox_error: str | None = None  # shown in the header until the mailbox works
        self._last_mail_error: str | None = None
        self._alerted: set[int] = set()  # blocked guardians a supervisor was told of
        self.mail_runs = 0  # bumped after each delivery run; tests wait on it

    def start(self) -> None:
        app = self.app
        if self.settings is not None:
            app.set_interval(MAIL_SECONDS, self.deliver_mail)
            if self.settings.imap is not None:
                app.set_interval(MAILBOX_SECONDS, self.fetch_mail)
        app.set_interval(MAIL_SECONDS, self.check_alerts)
        app.set_interval(HEADER_SECONDS, self.refresh_header)
        app.set_interval(STALE_TICKET_SECONDS, self.close_stale_tickets)
        app.set_interval(BUSINESS_TIMES_SECONDS, self.measure_business_times)
        app.set_timer(FIRST_ANCHOR_SECONDS, self.write_audit_anchor)
        app.set_interval(ANCHOR_SECONDS, self.write_audit_anchor)

    def signed_in(self) -> None:
        self._alerted = set()
        self.check_alerts()
        self.refresh_header()

    # -- the header's counts -----------------------------------------------------------
    def refresh_header(self) -> None:
        """Mail waiting or failed, and the staff member's calls today: read every few
        seconds (two index counts), not only after a delivery run that has just emptied
        the queue."""
        staff = self.hooks.staff()
        if staff is not None:
            self._run("header", lambda: self._count_for_header(staff))

    def _count_for_header(self, staff: StaffMember) -> None:
        from helpdesk_tui.services.decisions import decision_counts
        from helpdesk_tui.services.mail import unsent_counts
        from helpdesk_tui.services.staff import standing_changed
        from helpdesk_tui.services.tickets import calls_today

        (waiting, failed), calls, ended, decide = self.database.run(
            lambda s: (
                unsent_counts(s),
                calls_today(s, actor=staff),
                standing_changed(s, actor=staff),
                decision_counts(s, actor=staff).total,
            ),
            write=False,
        )
        self.app.call_from_thread(self._header_counts, waiting, failed, calls, decide, staff)
        if ended:  # disabled, reset or moved by a supervisor since this sign-in
            self.app.call_from_thread(self._signed_out_elsewhere, staff, ended)

    def _signed_out_elsewhere(self, staff: StaffMember, why: str) -> None:
        if self.hooks.staff() is not staff:
            return  # signed out (or in again) meanwhile
        log.info("signing out %s: %s", staff.username, why)
        self.app.notify(why, title="Signed out", severity="warning", timeout=30)
        self.hooks.sign_out()

    def _header_counts(
        self, waiting: int, failed: int, calls: int, decide: int, staff: StaffMember
    ) -> None:
        visits = "counter visit" if staff.is_clerk else "call"
        self.calls_line = f"{count_of(calls, visits)} today" if calls else ""
        # Stays in the header until each is decided, whatever toasts came and went.
        self.decisions_line = f"⚑ {decide:,} to decide (F8, d)" if decide else ""
        self.mail_line = _mail_words(waiting, failed)
        self.hooks.header_changed()

    def _run(self, group: str, job: Callable[[], None]) -> None:
        """``job`` in a thread worker of its own; a database that stays unavailable goes
        to the banner, anything else to the log."""

        def guarded() -> None:
            try:
                job()
            except DatabaseUnavailable as exc:
                log.warning("%s: database unavailable (%s)", group, exc)
                self.app.call_from_thread(self.hooks.database_unavailable, str(exc))
            except Exception:
                log.exception("%s failed", group)

        self.app.run_worker(guarded, thread=True, exclusive=True, group=group, name=group)

    # -- the outbox --------------------------------------------------------------------
    def deliver_mail(self) -> None:
        if self.settings is not None:
            self._run("mail-out", self._deliver_mail)

    def _deliver_mail(self) -> None:
        from helpdesk_tui.services.mail import deliver_due, sender_for, transport_for, unsent_counts

        app, settings = self.app, self.settings
        assert settings is not None
        error = None
        try:
            transport = transport_for(settings, demo=self.demo)
            report = deliver_due(self.database, transport, sender=sender_for(settings))
            error = report.error
            if report.erased:
                # Keys, codes or links that never reached the guardian were erased:
                # staff must send new ones, so they are told what and how.
                log.warning("mail-out: %s", report.reissue_note())
                app.call_from_thread(self._secrets_erased, report.reissue_note())
            log.info(
                "mail-out: sent %d, %d to retry, %d failed",
                report.sent,
                report.retrying,
                report.failed,
            )
        except ConfigError as exc:
            error = str(exc)
            log.warning("mail-out: not configured: %s", exc)
        waiting, failed = self.database.run(unsent_counts, write=False)
        app.call_from_thread(self._mail_done, waiting, failed, error)

    def _secrets_erased(self, note: str) -> None:
        self.app.notify(
            note,
            title="Mail not delivered",
            severity="warning",
            timeout=30,
            markup=False,
        )

    def _mail_done(self, waiting: int, failed: int, error: str | None) -> None:
        self.mail_line = _mail_words(waiting, failed)
        if error and error != self._last_mail_error:
            self.app.notify(
                clean_text(f"Mail is not going out: {error}"),
                title="Mail",
                severity="error",
                timeout=15,
                markup=False,  # a mail server's words, not markup
            )
        self._last_mail_error = error
        self.hooks.header_changed()
        self.mail_runs += 1

    # -- the support mailbox -----------------------------------------------------------
    def fetch_mail(self) -> None:
        """Email in: new messages become tickets; a failing mailbox is shown, not hidden."""
        if self.hooks.staff() is not None and self.settings is not None:
            self._run("mail-in", self._fetch_mail)

    def _fetch_mail(self) -> None:
        from helpdesk_tui.services.tickets import MailboxUnavailable, fetch_mail

        settings = self.settings
        assert settings is not None and settings.imap is not None
        try:
            report = fetch_mail(self.database, settings.imap)
            error = None
            if report.errors:
                error = f"{count_of(len(report.errors), 'email')} could not be imported; see the Helpdesk-Errors folder"
            log.info(
                "mail-in: %d new, %d threaded, %d errors",
                len(report.created),
                len(report.threaded),
                len(report.errors),
            )
        except MailboxUnavailable as exc:
            error = f"Cannot read the support mailbox: {exc}"
            log.warning("mail-in: %s", error)
        self.app.call_from_thread(self._mailbox_checked, error)

    def _mailbox_checked(self, error: str | None) -> None:
        if error and error != self.mailbox_error:
            self.app.notify(
                clean_text(error), title="Email in", severity="error", timeout=20, markup=False
            )
        self.mailbox_error = error
        self.hooks.header_changed()

    # -- tickets waiting on the guardian ---------------------------------------------
    def close_stale_tickets(self) -> None:
        """Tickets left pending on the guardian too long close themselves, with a note;
        verifications left open too long end (a failed answer in one counts)."""
        if self.hooks.staff() is not None:
            self._run("stale-tickets", self._close_stale)

    def _close_stale(self) -> None:
        from helpdesk_tui.services.tickets import close_stale_pending, remind_stale_pending
        from helpdesk_tui.services.verification import end_stale_verifications

        reminded = self.database.run(remind_stale_pending)
        closed = self.database.run(close_stale_pending)
        ended = self.database.run(end_stale_verifications)
        log.info(
            "stale-tickets: reminded %d, closed %d; stale verifications ended: %s",
            len(reminded),
            len(closed),
            ended,
        )

    # -- the service-level figures' business times ------------------------------------
    def measure_business_times(self) -> None:
        """Business times stored for the tickets answered or resolved since the last
        round (all of them after a calendar change), a batch per transaction, so the
        dashboard reads them instead of measuring each (services/reports/business_times)."""
        if self.hooks.staff() is not None:
            self._run("business-times", self._measure_business_times)

    def _measure_business_times(self) -> None:
        from helpdesk_tui.services.reports import measure_business_times

        stored = batches = 0
        while batches < 200 and (done := self.database.run(measure_business_times)):
            stored, batches = stored + done, batches + 1
        if stored:
            log.info("business-times: %d tickets measured", stored)

    # -- supervisors' alerts -----------------------------------------------------------
    def check_alerts(self) -> None:
        """Supervisors hear of each newly blocked guardian once: at sign-in, then
        whenever the background round finds a new one."""
        staff = self.hooks.staff()
        if staff is not None and staff.role == Role.SUPERVISOR:
            self._run("alerts", self._alert_supervisor)

    def _alert_supervisor(self) -> None:
        from helpdesk_tui.services.verification import open_alerts

        found = self.database.run(open_alerts, write=False)
        alerts = [a for a in found if a.guardian_id not in self._alerted]
        self._alerted.update(a.guardian_id for a in alerts)
        log.info("alerts: %d blocked guardian(s), %d new", len(found), len(alerts))
        if alerts:
            names = ", ".join(a.guardian_name for a in alerts[:5])
            self.app.call_from_thread(
                self.app.notify,
                clean_text(
                    f"{count_of(len(alerts), 'guardian')} blocked after failed verifications: {names}. "
                    "They wait in the decision lists (F8, then d) until each block is cleared."
                ),
                title="Supervisor alert",
                severity="warning",
                timeout=20,
                markup=False,  # guardians' names come from the SIS: never markup
            )
            self.app.call_from_thread(self.refresh_header)  # "to decide" counts them now

    # -- the day's audit anchor --------------------------------------------------------
    def write_audit_anchor(self) -> None:
        """Once a day, the audit trail's head goes to ``<data dir>/audit-anchors-*.jsonl``
        (owner-only), for `helpdesk audit verify --anchor`. Not for a demo district,
        which is thrown away and rebuilt."""
        if self.settings is not None and not self.demo:
            self._run("audit-anchor", self._write_audit_anchor)

    def _write_audit_anchor(self) -> None:
        from helpdesk_tui.data.audit_guard import guard_status, missing_guards_message
        from helpdesk_tui.services.kernel.audit import AuditTrailBroken
        from helpdesk_tui.services.kernel.audit_anchors import (
            daily_anchor_file,
            write_daily_anchor,
        )

        assert self.settings is not None
        guards = self.database.run(lambda s: guard_status(s.connection()), write=False)
        if not guards.ok:
            log.error("audit-anchor: %s", missing_guards_message(guards.missing))
        path = daily_anchor_file(self.settings.data_dir, self.database)
        try:
            anchor = write_daily_anchor(self.database, path)
        except AuditTrailBroken as exc:
            log.error("audit-anchor: %s", exc)
            return
        if anchor is None:
            log.info("audit-anchor: today's is already in %s", path)
        else:
            log.info(
                "audit-anchor: %d rows, latest row %d, written to %s",
                anchor.rows,
                anchor.last_id,
                path,
            )


def _mail_words(waiting: int, failed: int) -> str:
    parts = [f"mail: {waiting} waiting"] if waiting else []
    if failed:
        parts.append(f"[{failed} FAILED: helpdesk mail retry-failed]")
    return " · ".join(parts)

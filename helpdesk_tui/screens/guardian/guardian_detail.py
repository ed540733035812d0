"""One guardian's record and what staff do for them: verify the caller, reissue a key,
unlock or disable the login, username and password help, the language of their
letters, a ticket for the call, and the supervisors' clearances. Actions that need a
verified caller are greyed out until then; each is one service call, and the record
reloads after it (another desk or the portal may have changed it meanwhile)."""

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from helpdesk_tui.messages import OpenTicket
from helpdesk_tui.screens.bindings import bindings
from helpdesk_tui.screens.guardian import action_prompts, family_tickets
from helpdesk_tui.screens.guardian.action_rules import NEEDS_PASS, SUPERVISORS, allowed
from helpdesk_tui.screens.guardian.guardian_record import GuardianRecord, caller_verified
from helpdesk_tui.screens.guardian.language_picker import LanguagePicker
from helpdesk_tui.screens.guardian.login_actions import LoginActions
from helpdesk_tui.screens.guardian.record_changes import what_changed
from helpdesk_tui.screens.guardian.verify_caller import VerifyCallerScreen
from helpdesk_tui.services.guardians import (
    GuardianDetail,
    clear_restriction,
    get_guardian_detail,
    portal_fingerprint,
    reveal_contact,
    set_preferred_language,
)
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.tickets import CallTicket, open_call_ticket
from helpdesk_tui.services.verification import clear_block
from helpdesk_tui.vocabulary import Language, Role


class GuardianDetailScreen(LoginActions):
    CSS_PATH = "guardian.tcss"
    # fmt: off
    BINDINGS = bindings("detail", [
        # The footer shows them in this order: what a call needs first.
        ("v", "verify", "Verify", "Identity checklist: screening and a proof"),
        ("t", "phone_ticket", "Ticket", "Start a ticket for this call or counter visit and open it"),
        ("s", "resolve_call", "Resolve call", "Resolve this call's ticket with a note of what was done"),
        ("k", "reissue", "Reissue key", "Revoke the unused key and issue a new one (needs a verified caller)"),
        ("u", "unlock", "Unlock", "Unlock the disabled login (needs a verified caller)"),
        ("n", "account_help", "Login help", "Send the username or a reset link, change the username, reset the account"),
        ("x", "disable", "Disable", "Disable the login, with a reason (needs a verified caller)"),
        ("b", "clear_block", "Clear block", "Supervisors: allow verification again"),
        ("r", "clear_restriction", "Clear restriction", "Supervisors: clear a reviewed custody restriction"),
        ("escape", "app.back", "Back", "Back to where you were"),
        # Occasional: the title line names the key, and the palette has it.
        ("l", "language", "Language", "The language of this guardian's letters and emails", False),
        # The exception to masking: the record's hint names the key, the palette has it.
        ("c", "reveal", "Reveal contact", "Show contact details and birth dates without a pass, with a reason (audited)", False),
        # The screen follows changes by itself; the palette has it.
        ("f5", "refresh", "Refresh", "Load this guardian again", False),
    ])
    # fmt: on

    WATCH_SECONDS = 3.0
    PASS_CHECK_SECONDS = 20.0

    def __init__(self, guardian_id: int) -> None:
        super().__init__()
        self.guardian_id = guardian_id
        self.route = f"guardian:{guardian_id}"  # the app reopens this screen, not a copy
        self.detail: GuardianDetail | None = None
        self.loads = 0  # bumped when a load reaches the screen; tests wait on it
        self.reloaded_for_change = False
        self.verify_when_loaded = False  # v pressed before the record was in
        # The audit row of a reveal made on this screen: its reloads stay unmasked until
        # the screen is left.
        self.reveal_id: int | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Loading the guardian…", id="detail-loading", classes="hint")
        yield GuardianRecord(self.guardian_id, id="detail")

    @property
    def record(self) -> GuardianRecord:
        return self.query_one(GuardianRecord)

    def on_mount(self) -> None:
        # The record stays hidden until it has loaded, so its tables are first drawn
        # with their rows (and column widths) in place.
        self.record.display = False
        self.action_refresh()
        # A pass lasts minutes: re-check what is allowed so actions grey out when it ends.
        self.every(self.PASS_CHECK_SECONDS, self.check_pass)
        # The portal (and other desks) change this record while it is open: a redeemed
        # key, failed sign-ins, a lockout. A cheap check every few seconds reloads it.
        self.every(self.WATCH_SECONDS, self.check_for_changes)

    def on_screen_resume(self) -> None:
        """Back from a ticket or another area: show what was done meanwhile. A reveal
        lasts while the screen is in front: leaving it masks the details again."""
        if self.back_from_elsewhere:
            self.reveal_id = None
        if self.detail is not None and self.back_from_elsewhere:
            self.action_refresh()

    # -- loading and watching ------------------------------------------------------------
    def action_refresh(self) -> None:
        staff, gid, reveal = self.staff, self.guardian_id, self.reveal_id
        self.call(
            lambda s: get_guardian_detail(s, actor=staff, guardian_id=gid, reveal_id=reveal),
            done=self._show,
            refused=self._refused,
            write=False,
            group="detail",
        )

    def check_for_changes(self) -> None:
        shown, gid, me = self.detail, self.guardian_id, self.staff.id
        if shown is None or shown.fingerprint is None:
            return
        before = shown.fingerprint
        self.call(
            lambda s: portal_fingerprint(s, guardian_id=gid, me=me),
            done=lambda now: (
                self._changed(now.changed_by_others(before)) if now != before else None
            ),
            write=False,
            group="detail-watch",
        )

    def _changed(self, by_others: bool) -> None:
        """Reload; say what happened only when someone else did it (the staff member's
        own action on another screen or in a dialog is no news to them)."""
        self.reloaded_for_change = by_others
        self.action_refresh()

    def _refused(self, exc: DomainError) -> None:
        self.tell(str(exc), title="Cannot open guardian", severity="error", timeout=8)
        self.leave()

    def _show(self, d: GuardianDetail) -> None:
        if self.reloaded_for_change and self.detail is not None:
            message, severity = what_changed(self.detail, d)
            self.tell(message, title=d.name, severity=severity, timeout=10)
        self.reloaded_for_change = False
        self.detail = d
        self.query_one("#detail-loading").display = False
        self.record.display = True
        self.record.show(d)
        family_tickets.show_in(self.record, self.guardian_id)
        self.refresh_bindings()
        self.loads += 1
        if self.verify_when_loaded:
            self.verify_when_loaded = False
            self.action_verify()

    def check_pass(self) -> None:
        d = self.detail
        if d is not None:
            self.record.show_verification(d)
            if not d.masked and d.reveal_id is None and not caller_verified(d):
                self.action_refresh()  # the pass ran out: mask the details again
        self.refresh_bindings()

    # -- what is allowed right now -------------------------------------------------------
    def allowed(self, action: str) -> bool:
        return self.detail is not None and allowed(
            self.detail, action, supervisor=self.staff.role == Role.SUPERVISOR
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Actions the record does not allow, or that need a verified caller, are shown
        greyed out rather than hidden, so staff see what verifying would open."""
        if action in SUPERVISORS:
            return self.allowed(action)  # supervisors' actions are hidden from others
        if action in NEEDS_PASS or action in ("verify", "reveal"):
            return True if self.allowed(action) else None
        return True

    # -- running an action ---------------------------------------------------------------
    # -- the actions -----------------------------------------------------------------------
    def action_verify(self) -> None:
        if self.detail is None:  # pressed while the record loads: opened when it is in
            self.verify_when_loaded = True
            return
        if self.allowed("verify"):
            self.show(
                VerifyCallerScreen(self.detail, clerk=self.staff.is_clerk),
                callback=lambda _passed: self.action_refresh(),
            )

    def action_reveal(self) -> None:
        if not (self.detail and self.allowed("reveal")):
            return
        staff, gid = self.staff, self.guardian_id

        def revealed(d: GuardianDetail) -> None:
            self.reveal_id = d.reveal_id
            self.notify("Shown until you leave this screen. Do not read them out to a caller.")

        self._ask_and_act(
            action_prompts.reveal_contact,
            lambda reason: lambda s: reveal_contact(s, actor=staff, guardian_id=gid, reason=reason),
            revealed,
        )

    def action_language(self) -> None:
        if self.detail is not None:
            picker = LanguagePicker(self.detail.name, self.detail.preferred_language)
            self.show(picker, callback=self._language_chosen)

    def _language_chosen(self, language: Language | None) -> None:
        if language is None:
            return
        staff, gid = self.staff, self.guardian_id
        self._act(
            lambda s: set_preferred_language(s, actor=staff, guardian_id=gid, language=language),
            lambda message: self.tell(message, timeout=6),
            again=self.action_language,
        )

    def action_phone_ticket(self) -> None:
        """One key: a ticket for this call or counter visit; it opens, and what this
        staff member did for the guardian in the last hour, and anyone does from now on,
        shows on its timeline."""
        if self.detail is None:
            return
        staff, gid = self.staff, self.guardian_id

        def opened(call: CallTicket) -> None:
            how = "is already open for this call" if call.reused else "started, assigned to you"
            self.tell(f"{call.ticket.label} {how}.", timeout=4)
            self.post_message(OpenTicket(call.ticket.id, area=self.area))

        self.call(lambda s: open_call_ticket(s, actor=staff, guardian_id=gid), done=opened)

    def action_clear_block(self) -> None:
        if not self.allowed("clear_block"):
            return
        staff, gid = self.staff, self.guardian_id
        self._ask_and_act(
            action_prompts.clear_block,
            lambda reason: lambda s: clear_block(s, actor=staff, guardian_id=gid, reason=reason),
            lambda _: self.notify("Block cleared; staff can verify this guardian again."),
        )

    def action_clear_restriction(self) -> None:
        d = self.detail
        if not (d and self.allowed("clear_restriction")):
            return
        staff, gid = self.staff, self.guardian_id
        students = [s.student_id for s in d.students if s.restricted]
        names = ", ".join(s.name for s in d.students if s.restricted)

        def clear_all(session: Any, reason: str) -> None:
            for student_id in students:
                clear_restriction(
                    session, actor=staff, guardian_id=gid, student_id=student_id, reason=reason
                )

        self._ask_and_act(
            lambda typed: action_prompts.clear_restriction(names, typed),
            lambda reason: lambda s: clear_all(s, reason),
            lambda _: self.tell(f"Restriction cleared for {names}."),
        )

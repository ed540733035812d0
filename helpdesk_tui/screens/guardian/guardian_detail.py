"""One guardian's record and what staff do for them: verify the caller, reissue a key,
unlock or disable the login, username and password help, the language of their
letters, a ticket for the call, and the supervisors' clearances. Actions that need a
verified caller are greyed out until then; each is one service call, and the record
reloads after it (another desk or the portal may have changed it meanwhile)."""

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from helpdesk_tui.messages import OpenTicket
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.bindings import bindings
from helpdesk_tui.screens.dialogs import Prompt, ask_for_line
from helpdesk_tui.screens.guardian import action_prompts
from helpdesk_tui.screens.guardian.account_help import AccountHelpModal, HelpChoice
from helpdesk_tui.screens.guardian.action_rules import NEEDS_PASS, SUPERVISORS, allowed
from helpdesk_tui.screens.guardian.guardian_record import GuardianRecord, caller_verified
from helpdesk_tui.screens.guardian.key_shown import KeyShownModal
from helpdesk_tui.screens.guardian.language_picker import LanguagePicker
from helpdesk_tui.screens.guardian.record_changes import what_changed
from helpdesk_tui.screens.guardian.reissue_key import ReissueChoice, ReissueKeyModal
from helpdesk_tui.screens.guardian.verify_caller import VerifyCallerScreen
from helpdesk_tui.services import recovery
from helpdesk_tui.services.guardians import (
    GuardianDetail,
    clear_restriction,
    get_guardian_detail,
    portal_fingerprint,
    reveal_contact,
    set_preferred_language,
)
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.text import clean_text
from helpdesk_tui.services.tickets import CallTicket, open_call_ticket
from helpdesk_tui.services.verification import clear_block
from helpdesk_tui.vocabulary import Language, Role
from helpdesk_tui.widgets.formatting import count_of


class GuardianDetailScreen(DeskScreen[None]):
    CSS_PATH = "guardian.tcss"
    # fmt: off
    BINDINGS = bindings("detail", [
        ("escape", "app.back", "Back", "Back to where you were"),
        ("f5", "refresh", "Refresh", "Load this guardian again"),
        ("v", "verify", "Verify caller", "Identity checklist: screening and a proof"),
        ("k", "reissue", "Reissue key", "Revoke the unused key and issue a new one (needs a verified caller)"),
        ("u", "unlock", "Unlock", "Unlock the disabled login (needs a verified caller)"),
        ("x", "disable", "Disable", "Disable the login, with a reason (needs a verified caller)"),
        ("n", "account_help", "Username/password", "Send the username or a reset link, change the username, reset the account"),
        # Occasional: the title line names the key, and the palette has it.
        ("l", "language", "Language", "The language of this guardian's letters and emails", False),
        # The exception to masking: the record's hint names the key, the palette has it.
        ("c", "reveal", "Reveal contact", "Show contact details and birth dates without a pass, with a reason (audited)", False),
        ("t", "phone_ticket", "Ticket", "Start a ticket for this call or counter visit and open it"),
        ("b", "clear_block", "Clear block", "Supervisors: allow verification again"),
        ("r", "clear_restriction", "Clear restriction", "Supervisors: clear a reviewed custody restriction"),
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
        shown, gid = self.detail, self.guardian_id
        if shown is None:
            return
        self.call(
            lambda s: portal_fingerprint(s, guardian_id=gid),
            done=lambda now: self._changed_elsewhere() if now != shown.fingerprint else None,
            write=False,
            group="detail-watch",
        )

    def _changed_elsewhere(self) -> None:
        self.reloaded_for_change = True
        self.action_refresh()

    def tell(self, message: str, **options: Any) -> None:
        """A notification that names a guardian, a login, an address or a reason: all
        typed elsewhere, so shown as plain text (title included), never as markup."""
        title = clean_text(options.pop("title", ""))
        self.notify(clean_text(message), title=title, markup=False, **options)

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
        self.refresh_bindings()
        self.loads += 1

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
    def _act(
        self,
        call: Callable[[Any], Any],
        done: Callable[[Any], object],
        *,
        again: Callable[[], object] | None = None,
    ) -> None:
        self.act(call, done=done, reload=self.action_refresh, again=again)

    def _ask_and_act(
        self,
        prompt: Callable[[str], Prompt],
        call: Callable[[str], Callable[[Any], Any]],
        done: Callable[[Any], object],
        typed: str = "",
    ) -> None:
        """Ask for one line (a reason, a note), then act with it; asked again with the
        same line if the database could not be reached."""

        def answered(value: str) -> None:
            self._act(call(value), done, again=lambda: self._ask_and_act(prompt, call, done, value))

        ask_for_line(self, prompt(typed), answered)

    def _told(self, result: recovery.ActionResult) -> None:
        self.tell(f"{result.message} {count_of(result.notices, 'notice')} queued.", timeout=6)

    def _show_key(self, issued: recovery.IssuedKey) -> None:
        self.show(
            KeyShownModal(
                issued, letters_dir=self.desk.letters_dir, staff_name=self.staff.full_name
            )
        )

    # -- the actions -----------------------------------------------------------------------
    def action_verify(self) -> None:
        if self.detail and self.allowed("verify"):
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

    def action_reissue(self, typed: ReissueChoice | None = None) -> None:
        if self.detail and self.allowed("reissue"):
            modal = ReissueKeyModal(self.detail, chosen=typed)
            self.show(modal, callback=self._reissue_chosen)

    def _reissue_chosen(self, choice: ReissueChoice | None) -> None:
        if choice is None:
            return
        staff, gid = self.staff, self.guardian_id
        self._act(
            lambda s: recovery.reissue_activation_key(
                s,
                actor=staff,
                guardian_id=gid,
                delivery=choice.delivery,
                email_to=choice.email_to,
                reason=choice.reason,
            ),
            self._show_key,
            again=lambda: self.action_reissue(choice),
        )

    def action_unlock(self) -> None:
        d = self.detail
        if not (d and d.account and self.allowed("unlock")):
            return
        staff, gid = self.staff, self.guardian_id
        self._ask_and_act(
            lambda typed: action_prompts.unlock(d, typed),
            lambda note: (
                lambda s: recovery.unlock_account(s, actor=staff, guardian_id=gid, reason=note)
            ),
            self._told,
        )

    def action_disable(self) -> None:
        d = self.detail
        if not (d and d.account and self.allowed("disable")):
            return
        staff, gid = self.staff, self.guardian_id
        self._ask_and_act(
            lambda typed: action_prompts.disable(d, typed),
            lambda reason: (
                lambda s: recovery.disable_account(s, actor=staff, guardian_id=gid, reason=reason)
            ),
            self._told,
        )

    def action_account_help(self) -> None:
        if self.detail and self.allowed("account_help"):
            self.show(AccountHelpModal(self.detail), callback=self._help_chosen)

    def _help_chosen(self, choice: HelpChoice | None) -> None:
        staff, gid = self.staff, self.guardian_id
        simple = {
            HelpChoice.SEND_USERNAME: recovery.send_username,
            HelpChoice.RESET_LINK: recovery.send_password_reset,
            HelpChoice.RESEND_VERIFICATION: recovery.resend_email_verification,
        }
        if choice in simple:
            service = simple[choice]
            self._act(lambda s: service(s, actor=staff, guardian_id=gid), self._told)
        elif choice == HelpChoice.CHANGE_USERNAME:
            self._ask_and_act(
                action_prompts.change_username,
                lambda name: (
                    lambda s: recovery.change_username(
                        s, actor=staff, guardian_id=gid, new_username=name
                    )
                ),
                self._told,
            )
        elif choice == HelpChoice.RESET_ACCOUNT:
            self._reset_account()

    def _reset_account(self, typed: ReissueChoice | None = None) -> None:
        if self.detail is None:
            return
        title = "Reset the account and issue a key"
        modal = ReissueKeyModal(self.detail, title=title, chosen=typed)
        self.show(modal, callback=self._reset_chosen)

    def _reset_chosen(self, choice: ReissueChoice | None) -> None:
        if choice is None:
            return
        staff, gid = self.staff, self.guardian_id

        def shown(result: tuple[recovery.ActionResult, recovery.IssuedKey]) -> None:
            self._told(result[0])
            self._show_key(result[1])

        self._act(
            lambda s: recovery.reset_account(
                s,
                actor=staff,
                guardian_id=gid,
                delivery=choice.delivery,
                email_to=choice.email_to,
                reason=choice.reason,
            ),
            shown,
            again=lambda: self._reset_account(choice),
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

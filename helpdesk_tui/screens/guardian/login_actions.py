"""The guardian screen's login and key actions (reissue, unlock, disable, username and
password help, reset) and the plumbing every action on the screen shares: ask, act in
one transaction, reload, say what was done."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.dialogs import Prompt, ask_for_line
from helpdesk_tui.screens.guardian import action_prompts
from helpdesk_tui.screens.guardian.account_help import AccountHelpModal, HelpChoice
from helpdesk_tui.screens.guardian.key_shown import KeyShownModal
from helpdesk_tui.screens.guardian.reissue_key import ReissueChoice, ReissueKeyModal
from helpdesk_tui.screens.guardian.unlock_dialog import UnlockChoice, UnlockModal, UnlockNext
from helpdesk_tui.services import recovery, tickets
from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.services.kernel.text import clean_text
from helpdesk_tui.vocabulary import Delivery
from helpdesk_tui.widgets.formatting import count_of


class LoginActions(DeskScreen[None]):
    """The guardian screen's base: it sets ``detail`` and ``guardian_id``, says which
    actions are ``allowed`` now, and reloads with ``action_refresh``."""

    detail: GuardianDetail | None
    guardian_id: int

    def allowed(self, action: str) -> bool:
        raise NotImplementedError

    def action_refresh(self) -> None:
        raise NotImplementedError

    def tell(self, message: str, **options: Any) -> None:
        """A notification that names a guardian, a login, an address or a reason: all
        typed elsewhere, so shown as plain text (title included), never as markup."""
        title = clean_text(options.pop("title", ""))
        self.notify(clean_text(message), title=title, markup=False, **options)

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
        modal = KeyShownModal(
            issued, letters_dir=self.desk.letters_dir, staff_name=self.staff.full_name
        )
        self.show(
            modal, callback=lambda then: self.action_resolve_call() if then == "resolve" else None
        )

    def action_resolve_call(self, typed: str | None = None) -> None:
        """S: the call is done. Its ticket (the one T started, or a new one, the agent's
        own and answered) is resolved with a closing note written from what was done;
        Enter accepts it. Nothing is written until then."""
        staff, gid = self.staff, self.guardian_id

        def ask(note: str) -> None:
            prompt = Prompt(
                "Resolve this call",
                "The closing note says what was done during the call; Enter resolves its "
                "ticket with it, or edit it first.",
                placeholder="What was done",
                confirm="Resolve",
                required=False,
                max_length=2000,
                initial=note if typed is None else typed,
            )
            ask_for_line(
                self,
                prompt,
                lambda text: self._act(
                    lambda s: tickets.resolve_call(s, actor=staff, guardian_id=gid, note=text),
                    lambda ref: self.tell(f"{ref.label} resolved.", timeout=4),
                    again=lambda: self.action_resolve_call(text),
                ),
            )

        self.call(
            lambda s: tickets.call_note(s, actor=staff, guardian_id=gid), done=ask, write=False
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

    def action_unlock(self, note: str = "") -> None:
        d = self.detail
        if d and d.account and self.allowed("unlock"):
            self.show(UnlockModal(d, note), callback=self._unlock_chosen)

    def _unlock_chosen(self, choice: UnlockChoice | None) -> None:
        """Unlock; for a parent forgot-password cannot reach, also what comes next: the
        verification link again (one transaction with the unlock), or a reset instead."""
        if choice is None:
            return
        if choice.next == UnlockNext.RESET:
            self._reset_account(ReissueChoice(Delivery.LETTER, None, choice.note))
            return
        staff, gid, resend = self.staff, self.guardian_id, choice.next == UnlockNext.RESEND

        def unlock(s: Any) -> recovery.ActionResult:
            done = recovery.unlock_account(s, actor=staff, guardian_id=gid, reason=choice.note)
            if not resend:
                return done
            sent = recovery.resend_email_verification(s, actor=staff, guardian_id=gid)
            return replace(
                done, message=f"{done.message} {sent.message}", notices=done.notices + sent.notices
            )

        self._act(unlock, self._told, again=lambda: self.action_unlock(choice.note))

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

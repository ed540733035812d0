"""What staff do to a guardian from the detail screen: verify the caller, reissue a
key, unlock or disable the login, username and password help, and the supervisor's
clearances. Each action is one service call in a worker; the record reloads after."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.screen import Screen

from helpdesk_tui.screens.account_help import AccountHelpModal
from helpdesk_tui.screens.background import run_action, run_in_thread
from helpdesk_tui.screens.key_shown import KeyShownModal
from helpdesk_tui.screens.language_picker import LanguagePicker
from helpdesk_tui.screens.reason_prompt import Prompt, ReasonPrompt
from helpdesk_tui.screens.reissue_key import ReissueChoice, ReissueKeyModal
from helpdesk_tui.screens.verify_caller import VerifyCallerScreen
from helpdesk_tui.services import recovery as accounts
from helpdesk_tui.services import recovery as keys
from helpdesk_tui.services import tickets
from helpdesk_tui.services import verification as supervision
from helpdesk_tui.services.guardians import GuardianDetail, set_preferred_language
from helpdesk_tui.widgets.formatting import when

NEEDS_PASS = {"reissue", "unlock", "disable", "account_help"}


class GuardianActions(Screen[None]):
    """Mixed into GuardianDetailScreen, which provides ``detail`` and ``action_refresh``."""

    detail: GuardianDetail | None
    guardian_id: int

    def action_refresh(self) -> None:  # provided by the detail screen
        raise NotImplementedError

    # -- what is allowed right now ---------------------------------------------------
    def verified(self) -> bool:
        d = self.detail
        return bool(
            d and d.verified_until and d.verified_until > datetime.now(d.verified_until.tzinfo)
        )

    def allowed(self, action: str) -> bool:
        d = self.detail
        if d is None:
            return False
        staff = self.app.staff  # type: ignore[attr-defined]
        account = d.account
        rules = {
            "verify": not d.blocked,
            "reissue": not d.has_restriction,
            "unlock": bool(account and account.status == "disabled"),
            "disable": bool(account and account.status == "active"),
            "account_help": account is not None and not d.has_restriction,
            "clear_block": staff.role == "supervisor" and d.blocked,
            "clear_restriction": staff.role == "supervisor" and d.has_restriction,
        }
        if action in NEEDS_PASS and not self.verified():
            return False
        return rules.get(action, True)

    # -- running a service call ------------------------------------------------------
    def _act(self, call: Callable[[Any], Any], done: Callable[[Any], None]) -> None:
        run_action(self, call, done=done, reload=self.action_refresh)

    def _told(self, result: accounts.ActionResult) -> None:
        self.notify(f"{result.message} {result.notices} notice(s) queued.", timeout=6)

    def _show_key(self, issued: keys.IssuedKey) -> None:
        app = self.app
        letters: Path = app.letters_dir  # type: ignore[attr-defined]
        app.push_screen(KeyShownModal(issued, letters_dir=letters, staff_name=app.staff.full_name))  # type: ignore[attr-defined]

    # -- actions ---------------------------------------------------------------------
    def action_verify(self) -> None:
        if self.detail and self.allowed("verify"):
            self.app.push_screen(
                VerifyCallerScreen(self.detail, clerk=self.app.staff.is_clerk),  # type: ignore[attr-defined]
                callback=lambda _passed: self.action_refresh(),
            )

    def action_language(self) -> None:
        d = self.detail
        if d is None:
            return
        self.app.push_screen(
            LanguagePicker(d.name, d.preferred_language), callback=self._language_chosen
        )

    def _language_chosen(self, language: str | None) -> None:
        if language is None:
            return
        actor, gid = self.app.staff, self.guardian_id  # type: ignore[attr-defined]
        self._act(
            lambda s: set_preferred_language(s, actor=actor, guardian_id=gid, language=language),
            lambda message: self.notify(message, timeout=6),
        )

    def action_reissue(self) -> None:
        if self.detail and self.allowed("reissue"):
            self.app.push_screen(ReissueKeyModal(self.detail), callback=self._reissue_chosen)

    def _reissue_chosen(self, choice: ReissueChoice | None) -> None:
        if choice is None:
            return
        actor, gid = self.app.staff, self.guardian_id  # type: ignore[attr-defined]
        self._act(
            lambda s: keys.reissue_activation_key(
                s,
                actor=actor,
                guardian_id=gid,
                delivery=choice.delivery,
                email_to=choice.email_to,
                reason=choice.reason,
            ),
            self._show_key,
        )

    def _ask(self, prompt: Prompt, then: Callable[[str], None]) -> None:
        self.app.push_screen(ReasonPrompt(prompt), callback=lambda v: v is not None and then(v))

    def action_unlock(self) -> None:
        d = self.detail
        if not (d and d.account and self.allowed("unlock")):
            return
        a = d.account
        failed = sum(1 for x in d.access_log if not x.success)
        actor, gid = self.app.staff, self.guardian_id  # type: ignore[attr-defined]
        self._ask(
            Prompt(
                f"Unlock {a.username}?",
                f"Disabled {when(a.disabled_at)}: {a.disabled_reason or 'no reason recorded'}. "
                f"{failed} failed sign-in(s) in the recent log (see the table). Unlocking "
                "resets the failed count to 0.",
                placeholder="Note (optional)",
                confirm="Unlock",
                required=False,
            ),
            lambda note: self._act(
                lambda s: accounts.unlock_account(s, actor=actor, guardian_id=gid, reason=note),
                self._told,
            ),
        )

    def action_disable(self) -> None:
        d = self.detail
        if not (d and d.account and self.allowed("disable")):
            return
        actor, gid = self.app.staff, self.guardian_id  # type: ignore[attr-defined]
        self._ask(
            Prompt(
                f"Disable {d.account.username}?",
                "The login stops working until someone unlocks it. Say why (for example: "
                "created with another parent's key).",
                confirm="Disable",
            ),
            lambda reason: self._act(
                lambda s: accounts.disable_account(s, actor=actor, guardian_id=gid, reason=reason),
                self._told,
            ),
        )

    def action_account_help(self) -> None:
        if self.detail and self.allowed("account_help"):
            self.app.push_screen(AccountHelpModal(self.detail), callback=self._help_chosen)

    def _help_chosen(self, choice: str | None) -> None:
        actor, gid = self.app.staff, self.guardian_id  # type: ignore[attr-defined]
        simple = {
            "send_username": accounts.send_username,
            "reset_link": accounts.send_password_reset,
            "resend_verification": accounts.resend_email_verification,
        }
        if choice in simple:
            service = simple[choice]
            self._act(lambda s: service(s, actor=actor, guardian_id=gid), self._told)
        elif choice == "change_username":
            self._ask(
                Prompt(
                    "Change the username",
                    "Letters and digits only, not all digits, 3 to 40 characters. If the name "
                    "is taken you will be told so, not by whom.",
                    placeholder="New username",
                    confirm="Change",
                    max_length=40,
                ),
                lambda name: self._act(
                    lambda s: accounts.change_username(
                        s, actor=actor, guardian_id=gid, new_username=name
                    ),
                    self._told,
                ),
            )
        elif choice == "reset_account" and self.detail:
            self.app.push_screen(
                ReissueKeyModal(self.detail, title="Reset the account and issue a key"),
                callback=self._reset_chosen,
            )

    def _reset_chosen(self, choice: ReissueChoice | None) -> None:
        if choice is None:
            return
        actor, gid = self.app.staff, self.guardian_id  # type: ignore[attr-defined]

        def shown(result: tuple[accounts.ActionResult, keys.IssuedKey]) -> None:
            self._told(result[0])
            self._show_key(result[1])

        self._act(
            lambda s: accounts.reset_account(
                s,
                actor=actor,
                guardian_id=gid,
                delivery=choice.delivery,
                email_to=choice.email_to,
                reason=choice.reason,
            ),
            shown,
        )

    def action_phone_ticket(self) -> None:
        """One key: a ticket for this call or counter visit, its category guessed from
        the portal state (staff can say more in a note); the ticket opens, and what this
        staff member did for the guardian in the last hour, and anyone does from now on,
        shows on its timeline."""
        d = self.detail
        if d is None:
            return
        account = d.account
        category = (
            "account_disabled"
            if account and account.status == "disabled"
            else "forgot_login"
            if account
            else "lost_key"
            if any(k.status == "active" for k in d.keys)
            else "key_request"
        )
        actor, gid = self.app.staff, self.guardian_id  # type: ignore[attr-defined]
        # A clerk's guardian is at the counter; everyone else's is on the phone.
        channel, what = ("walk_in", "Counter visit") if actor.is_clerk else ("phone", "Phone call")

        def create(session):  # type: ignore[no-untyped-def]
            return tickets.create_ticket(
                session,
                actor=actor,
                channel=channel,
                category=category,
                subject=f"{what}: {tickets.CATEGORY_LABELS[category]}",
                guardian_id=gid,
            )

        def opened(ref: tickets.TicketRef) -> None:
            from helpdesk_tui.screens.ticket_detail import TicketDetailScreen

            self.notify(f"{ref.label} started for this call.", timeout=4)
            self.app.push_screen(TicketDetailScreen(ref.id))

        run_in_thread(
            self, create, done=opened, failed=lambda exc: self.notify(str(exc), severity="error")
        )

    def action_clear_block(self) -> None:
        if not self.allowed("clear_block"):
            return
        actor, gid = self.app.staff, self.guardian_id  # type: ignore[attr-defined]
        self._ask(
            Prompt(
                "Clear the verification block",
                "Say what you reviewed (for example: spoke to the parent at the school).",
            ),
            lambda reason: self._act(
                lambda s: supervision.clear_block(s, actor=actor, guardian_id=gid, reason=reason),
                lambda _: self.notify("Block cleared; staff can verify this guardian again."),
            ),
        )

    def action_clear_restriction(self) -> None:
        d = self.detail
        if not (d and self.allowed("clear_restriction")):
            return
        actor, gid = self.app.staff, self.guardian_id  # type: ignore[attr-defined]
        students = [s.student_id for s in d.students if s.restricted]
        names = ", ".join(s.name for s in d.students if s.restricted)

        def go(reason: str) -> None:
            def clear(session) -> None:  # type: ignore[no-untyped-def]
                for student_id in students:
                    supervision.clear_restriction(
                        session, actor=actor, guardian_id=gid, student_id=student_id, reason=reason
                    )

            self._act(clear, lambda _: self.notify(f"Restriction cleared for {names}."))

        self._ask(
            Prompt(
                f"Clear the restriction with {names}",
                "Only after reviewing the custody papers or court order. The reason is kept in the audit trail.",
            ),
            go,
        )

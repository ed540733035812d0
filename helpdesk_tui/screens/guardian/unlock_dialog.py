"""Unlocking a disabled login, and what comes next for a parent with no verified
security email: "Forgot password?" cannot reach them, so unlocking alone lets them lock
themselves out again. The same dialog offers the next step: unlock and send the
verification link again, or reset the account with a printed letter instead."""

from dataclasses import dataclass
from enum import StrEnum

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from helpdesk_tui.screens.base import DeskModal
from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.widgets.formatting import count_of, plain_content, when


class UnlockNext(StrEnum):
    ONLY = "only"
    RESEND = "resend"  # unlock, and send the security-email verification link again
    RESET = "reset"  # not unlocked: the account is reset and a key printed


@dataclass(frozen=True)
class UnlockChoice:
    next: UnlockNext
    note: str


class UnlockModal(DeskModal[UnlockChoice]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="unlock.cancel", tooltip="Unlock nothing")]

    def __init__(self, detail: GuardianDetail, note: str = "") -> None:
        super().__init__()
        self.detail, self.note = detail, note

    def compose(self) -> ComposeResult:
        a = self.detail.account
        assert a is not None
        failed = sum(1 for x in self.detail.access_log if not x.success)
        with Vertical(classes="dialog"):
            yield Label(plain_content(f"Unlock {a.username}?"), classes="dialog-title")
            yield Static(
                plain_content(
                    f"Disabled {when(a.disabled_at)}: {a.disabled_reason or 'no reason recorded'}. "
                    f"{count_of(failed, 'failed sign-in')} in the recent log. Unlocking resets "
                    "the failed count to 0."
                )
            )
            if not a.security_email_verified:
                yield Static(
                    'No verified security email: "Forgot password?" cannot reach this '
                    "parent, so if the password is forgotten they will be locked out again. "
                    "Choose the next step:",
                    classes="warning-text",
                )
                with RadioSet(id="unlock-next"):
                    yield RadioButton("Unlock only", id="next-only")
                    if a.security_email:
                        yield RadioButton(
                            plain_content(
                                f"Unlock and send the verification link to {a.security_email} "
                                "again (it must be opened within 48 hours)"
                            ),
                            value=True,
                            id="next-resend",
                        )
                    yield RadioButton(
                        "Reset the account instead: close this login and print a new key "
                        "letter for the parent to make a new one",
                        value=not a.security_email,
                        id="next-reset",
                    )
            yield Input(self.note, placeholder="Note (optional)", id="unlock-note", max_length=300)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Unlock", variant="primary", id="unlock-confirm")
                yield Button("Cancel", id="unlock-cancel")

    def on_mount(self) -> None:
        choices = self.query("#unlock-next")
        (choices.first() if choices else self.query_one("#unlock-note")).focus()
        if choices:
            self._label_for(choices.first(RadioSet).pressed_button)

    @on(RadioSet.Changed, "#unlock-next")
    def _next_changed(self, event: RadioSet.Changed) -> None:
        self._label_for(event.pressed)

    def _label_for(self, pressed: RadioButton | None) -> None:
        """The button says what Enter will do: unlock, or reset the account instead."""
        reset = pressed is not None and pressed.id == "next-reset"
        self.query_one("#unlock-confirm", Button).label = "Reset account" if reset else "Unlock"

    @on(Input.Submitted, "#unlock-note")
    @on(Button.Pressed, "#unlock-confirm")
    def _confirm(self) -> None:
        note = " ".join(self.query_one("#unlock-note", Input).value.split())
        choices = self.query("#unlock-next")
        pressed = choices.first(RadioSet).pressed_button if choices else None
        chosen = (pressed.id or "next-only").removeprefix("next-") if pressed else "only"
        self.dismiss(UnlockChoice(UnlockNext(chosen), note))

    @on(Button.Pressed, "#unlock-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

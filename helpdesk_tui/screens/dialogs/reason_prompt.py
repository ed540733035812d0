"""A small modal that asks for one line (a reason, a new username) and confirms."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.widgets.formatting import plain_content


@dataclass(frozen=True)
class Prompt:
    title: str
    explanation: str
    placeholder: str = "Reason (kept in the audit trail)"
    confirm: str = "Confirm"
    required: bool = True
    max_length: int = 300
    initial: str = ""


class ReasonPrompt(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Do nothing")]

    def __init__(self, prompt: Prompt) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Titles and explanations name logins, students and reasons: plain text.
            yield Label(plain_content(self.prompt.title), classes="dialog-title")
            yield Static(plain_content(self.prompt.explanation), classes="hint")
            yield Input(
                self.prompt.initial,
                placeholder=self.prompt.placeholder,
                id="prompt-value",
                max_length=self.prompt.max_length,
                # What is offered (a closing note, the name typed in the lookup) is
                # added to, not replaced by the first key.
                select_on_focus=False,
            )
            yield Static("", id="prompt-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.prompt.confirm, variant="primary", id="prompt-confirm")
                yield Button("Cancel", id="prompt-cancel")

    def on_mount(self) -> None:
        self.query_one("#prompt-value", Input).focus()

    @on(Input.Submitted, "#prompt-value")
    @on(Button.Pressed, "#prompt-confirm")
    def _confirm(self) -> None:
        value = " ".join(self.query_one("#prompt-value", Input).value.split())
        if self.prompt.required and not value:
            self.query_one("#prompt-error", Static).update("This cannot be empty.")
            return
        self.dismiss(value)

    @on(Button.Pressed, "#prompt-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_for_line(screen: DeskScreen[Any], prompt: Prompt, then: Callable[[str], object]) -> None:
    """Show ``prompt`` over ``screen``; ``then`` gets the line typed (nothing on Esc)."""

    def answered(value: str | None) -> None:
        if value is not None:
            then(value)

    screen.show(ReasonPrompt(prompt), answered)

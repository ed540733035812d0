"""Pick one value from a short list (a ticket's category or priority): the current one
highlighted and marked, Enter takes the highlighted one, Esc keeps what was there."""

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from helpdesk_tui.screens.base import DeskModal


class ChoicePicker(DeskModal[str]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel", tooltip="Keep it")]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], current: str) -> None:
        super().__init__()
        self.title_text, self.choices, self.current = title, list(choices), current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog choice-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(
                *(
                    Option(f"{label}  (now)" if value == self.current else label, id=value)
                    for value, label in self.choices
                ),
                id="choice-options",
            )

    def on_mount(self) -> None:
        options = self.query_one("#choice-options", OptionList)
        values = [value for value, _ in self.choices]
        options.highlighted = values.index(self.current) if self.current in values else 0
        options.focus()

    @on(OptionList.OptionSelected, "#choice-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Choose the language a guardian reads our letters and emails in."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from helpdesk_tui.vocabulary import Language
from helpdesk_tui.widgets.formatting import plain_content


class LanguagePicker(ModalScreen[Language | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="language.cancel", tooltip="Keep it")]

    def __init__(self, name: str, current: str) -> None:
        super().__init__()
        self.guardian_name = name
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                plain_content(f"Letters and emails to {self.guardian_name} in"),
                classes="dialog-title",
            )
            yield OptionList(
                *(
                    Option(
                        plain_content(
                            f"{lang.label}{'  (now)' if lang.label == self.current else ''}"
                        ),
                        id=lang,
                    )
                    for lang in Language
                ),
                id="language-options",
            )
            yield Label("A roster import will not change what you choose here.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#language-options", OptionList).focus()

    @on(OptionList.OptionSelected, "#language-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Language(event.option.id) if event.option.id else None)

    def action_cancel(self) -> None:
        self.dismiss(None)

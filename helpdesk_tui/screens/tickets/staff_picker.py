"""Pick a staff member (to assign a ticket)."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from helpdesk_tui.screens.base import DeskModal
from helpdesk_tui.services.staff import StaffChoice, active_staff
from helpdesk_tui.widgets.formatting import plain_content
from helpdesk_tui.widgets.service_call import run_service


class StaffPicker(DeskModal[StaffChoice]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Assign nobody")]

    def __init__(self) -> None:
        super().__init__()
        self.choices: list[StaffChoice] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Assign to", classes="dialog-title")
            yield OptionList(id="staff-options")

    def on_mount(self) -> None:
        run_service(
            self,
            active_staff,
            done=self._show,
            failed=lambda: self.finish(None),
            write=False,
            group="staff",
        )

    def _show(self, choices: list[StaffChoice]) -> None:
        self.choices = choices
        options = self.query_one("#staff-options", OptionList)
        options.add_options(
            Option(plain_content(f"{c.full_name} ({c.role.label})"), id=str(c.id)) for c in choices
        )
        options.focus()

    @on(OptionList.OptionSelected, "#staff-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(next(c for c in self.choices if str(c.id) == event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)

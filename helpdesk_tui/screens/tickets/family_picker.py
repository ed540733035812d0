"""Find the family a ticket is for (a caller found after the call, an email from an
address not on file): type a name, phone, email or student; Enter or Down goes to the
results, Enter links the highlighted family, Esc leaves the ticket as it was."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from helpdesk_tui.screens.base import DeskModal
from helpdesk_tui.services.guardians import GuardianHit, SearchResult, search_guardians
from helpdesk_tui.widgets.desk import signed_in
from helpdesk_tui.widgets.formatting import plain_content
from helpdesk_tui.widgets.search_box import SearchBox
from helpdesk_tui.widgets.service_call import run_service

SHOWN = 20


class FamilyPicker(DeskModal[GuardianHit]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="family.cancel", tooltip="Link nobody"),
        Binding("down", "to_results", "Results", id="family.results", show=False),
    ]

    def __init__(self, typed: str = "") -> None:
        super().__init__()
        self.typed = typed
        self.hits: tuple[GuardianHit, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog family-dialog"):
            yield Label("Link the family this ticket is for", classes="dialog-title")
            yield SearchBox(
                self.typed,
                placeholder="Name, phone, email or student",
                max_length=200,
                id="family-q",
            )
            yield Label("Type at least two letters.", id="family-status", classes="hint")
            yield OptionList(id="family-options")

    def on_mount(self) -> None:
        self.query_one("#family-q", Input).focus()
        if self.typed:
            self._search(self.typed)

    @on(Input.Changed, "#family-q")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, text: str) -> None:
        if len(text.strip()) < 2:
            self._show(SearchResult(query=text))
            return
        staff = signed_in(self)
        run_service(
            self,
            lambda s: search_guardians(s, actor=staff, query=text, limit=SHOWN),
            done=self._show,
            write=False,
            group="family-search",
        )

    def _show(self, result: SearchResult) -> None:
        if result.query != self.query_one("#family-q", Input).value:
            return  # typed on meanwhile: a newer search is on its way
        self.hits = result.hits
        options = self.query_one("#family-options", OptionList)
        options.clear_options()
        options.add_options(
            Option(plain_content(f"{h.name}  ·  {h.students_label()}  ·  {h.city}"), id=str(i))
            for i, h in enumerate(result.hits)
        )
        status = (
            "Type at least two letters."
            if len(result.query.strip()) < 2
            else "No family found."
            if not result.hits
            else f"{len(result.hits)}{'+' if result.more else ''} found: Down, then Enter to link."
        )
        self.query_one("#family-status", Label).update(status)

    @on(Input.Submitted, "#family-q")
    def action_to_results(self) -> None:
        if self.hits:
            options = self.query_one("#family-options", OptionList)
            options.highlighted = options.highlighted or 0
            options.focus()

    @on(OptionList.OptionSelected, "#family-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)

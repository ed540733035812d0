"""Find a guardian: one box, results as you type, Enter opens the guardian."""

from dataclasses import replace

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Static

from helpdesk_tui.messages import OpenGuardian, OpenTicket
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.dialogs import Prompt, ask_for_line
from helpdesk_tui.services import tickets
from helpdesk_tui.services.guardians import (
    MAX_QUERY_LENGTH,
    SearchResult,
    parse_query,
    search_guardians,
)
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.widgets.fast_table import FastTable
from helpdesk_tui.widgets.formatting import plain, short_school
from helpdesk_tui.widgets.search_box import SearchBox

PLACEHOLDER = (
    "Name (any order, accents optional), email, phone, student #, username or activation key"
)
ACCOUNT_STYLES = {"disabled": "bold red", "key outstanding": "yellow", "no account": "dim"}


class GuardianLookupScreen(DeskScreen[None]):
    CSS_PATH = "lookup.tcss"
    BINDINGS = [
        Binding(
            "ctrl+f", "focus_search", "Search", id="lookup.search", tooltip="Type in the search box"
        ),
        Binding("escape", "clear", "Clear", id="lookup.clear", tooltip="Clear the search box"),
        Binding(
            "ctrl+o",
            "open",
            "Open guardian",
            id="lookup.open",
            tooltip="Open the highlighted guardian (Enter in the list does the same)",
        ),
        Binding(
            "ctrl+t",
            "caller_ticket",
            "Ticket, not found",
            id="lookup.caller-ticket",
            tooltip="A phone ticket for a caller the lookup does not find (link the family later)",
        ),
        # The other areas, shown here; the app's own keys reach them from anywhere.
        Binding(
            "f2",
            "app.area('keys')",
            "Key check",
            id="lookup.key-check",
            tooltip="Whose key is this? Type a key a parent reads out ('already used')",
        ),
        Binding("f3", "app.area('queue')", "Queue", id="lookup.queue", tooltip="The ticket queues"),
        Binding(
            "f4",
            "app.area('reports')",
            "Portal usage",
            id="lookup.portal-usage",
            tooltip="Supervisors: accounts, keys and lockouts per school, with CSV export",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: SearchResult | None = None
        self.waiting_for_database = False  # a search to run again once the database is back
        # Bumped each time results reach the screen; benchmarks and tests wait on it.
        self.results_shown = 0
        self._rows: list[tuple[Text, ...]] = []  # what the table shows, cell by cell
        self._status = "Start typing to find a guardian."  # what the status line says

    def compose_body(self) -> ComposeResult:
        yield SearchBox(placeholder=PLACEHOLDER, id="search", max_length=MAX_QUERY_LENGTH)
        yield Static("Start typing to find a guardian.", id="search-status", classes="hint")
        table = FastTable(id="results", cursor_type="row", zebra_stripes=True)
        # What staff decide with first, so 80 columns show it: the name, the portal
        # state, and as much of the students as fits (the rest scrolls).
        table.add_column("Guardian", key="name", width=26)
        table.add_column("Portal", key="account", width=15)
        table.add_column("Students (grade, school)", key="students", width=44)
        table.add_column("City", key="city", width=12)
        table.add_column("Found by", key="matched", width=9)
        yield table

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        self.watch(self.app, "database_problem", self._database_changed, init=False)

    # -- searching -----------------------------------------------------------------
    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        if self.result is not None and self._same_search(event.value):
            self._show(replace(self.result, query=event.value), "")  # a space, a letter's case
        else:
            self.run_search(event.value)

    def _same_search(self, query: str) -> bool:
        """Whether ``query`` reads as the same words as the results shown."""
        if self.result is None or self.waiting_for_database:
            return False
        try:
            return parse_query(query) == parse_query(self.result.query)
        except DomainError:  # the search itself says why (InvalidSearch)
            return False

    def run_search(self, query: str) -> None:
        staff = self.staff
        self.call(
            lambda s: search_guardians(s, actor=staff, query=query),
            done=lambda result: self._show(result, ""),
            refused=lambda exc: self._show(SearchResult(query=query), str(exc)),
            failed=self._not_searched,
            write=False,
            group="lookup",
        )

    def _not_searched(self) -> None:
        self.waiting_for_database = True
        self._set_status(
            "Not searched: the database is unavailable. The search runs again by itself "
            "once it is back.",
            error=True,
        )

    def _database_changed(self, problem: str) -> None:
        if not problem and self.waiting_for_database:
            self.waiting_for_database = False
            self.run_search(self.query_one("#search", Input).value)

    def _show(self, result: SearchResult, error: str) -> None:
        if result.query != self.query_one("#search", Input).value:
            return  # stale: the box changed while this query ran
        before, self.result = self.result, result
        if before is None or before.hits != result.hits:  # else keep the page, and the cursor
            self._fill_table(result)
        self._set_status(error or self._summary(result), error=bool(error))
        if before is None or bool(before.hits) != bool(result.hits):
            self.refresh_bindings()  # Open greyed out or not (the footer is rebuilt: not per key)
        self.results_shown += 1

    def _set_status(self, text: str, *, error: bool) -> None:
        """The line under the box; laid out again only when its height changes."""
        status = self.query_one("#search-status", Static)
        status.set_class(error, "error")
        status.set_class(not error, "hint")
        if text == self._status:
            return
        width = status.content_size.width
        lines = [
            len(plain(t).wrap(self.app.console, width)) if width else 0
            for t in (text, self._status)
        ]
        self._status = text
        status.update(plain(text), layout=lines[0] != lines[1] or not width)

    def _fill_table(self, result: SearchResult) -> None:
        """Update the table in place: only the cells that differ, rows added or removed
        at the end (clearing and rebuilding it made each keystroke repaint slowly)."""
        table = self.query_one("#results", DataTable)
        rows: list[tuple[Text, ...]] = [
            (  # names come from the SIS: never read as markup
                plain(hit.name),
                plain(hit.account, style=ACCOUNT_STYLES.get(hit.account, "")),
                plain(hit.students_label(short_school)),
                plain(hit.city),
                plain(hit.matched),
            )
            for hit in result.hits
        ]
        shown = self._rows
        for index, (old, new) in enumerate(zip(shown, rows, strict=False)):
            for column, (was, cell) in enumerate(zip(old, new, strict=True)):
                if was != cell:
                    table.update_cell_at(Coordinate(index, column), cell)
        for row in table.ordered_rows[len(rows) :]:
            table.remove_row(row.key)
        if len(rows) > len(shown):
            table.add_rows(rows[len(shown) :])
        self._rows = rows
        if table.row_count:
            table.move_cursor(row=0, column=0, animate=False)

    @staticmethod
    def _summary(result: SearchResult) -> str:
        if not result.query.strip():
            return "Start typing to find a guardian."
        count = len(result.hits)
        parts = [result.note] if result.note else []
        if result.exact_not_shown:
            total = f"{result.exact:,}{'+' if result.exact_at_least else ''}"
            parts.append(
                f"{count} of {total} exact name matches shown, "
                f"{result.exact_not_shown:,}{' or more' if result.exact_at_least else ''} more: "
                "add a student's name, a phone number or an email to narrow."
            )
        elif result.more and not count:  # a partial search (the note says why)
            parts.append("No guardian found in the part searched.")
        elif result.more:
            parts.append(f"{count}+ guardians (first {count}; type more to narrow)")
        elif count:
            parts.append(f"{count} guardian{'s' if count != 1 else ''}")
        else:
            parts.append("No guardian matches.")
        if count:
            parts.append("↓ to choose, Enter to open")
        return "  ".join(parts)

    # -- actions -------------------------------------------------------------------
    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count == 1:
            self._open_row(0)
        elif table.row_count:
            table.focus()

    def on_key(self, event: events.Key) -> None:
        search = self.query_one("#search", Input)
        table = self.query_one("#results", DataTable)
        if event.key == "down" and search.has_focus and table.row_count:
            table.focus()
            event.stop()
        elif event.key == "up" and table.has_focus and table.cursor_row == 0:
            search.focus()
            event.stop()

    @on(DataTable.RowSelected, "#results")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self._open_row(event.cursor_row)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Open is shown greyed out while there is nothing to open; a ticket for a caller
        not found is district work, not a clerk's. (The app decides which areas this
        staff member may go to: the usage report is for supervisors.)"""
        if action == "open":
            return True if self.result and self.result.hits else None
        if action == "caller_ticket":  # clerks open tickets from a family's record
            return not self.staff.is_clerk
        return True

    def action_open(self) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count:
            self._open_row(table.cursor_row)

    def action_caller_ticket(self) -> None:
        """A caller not found (yet): their ticket all the same, the agent's own and
        answered; l on the ticket links the family once found."""
        staff, typed = self.staff, self.query_one("#search", Input).value

        def opened(ref: tickets.TicketRef) -> None:
            self.notify(f"{ref.label} started for the caller, assigned to you.", timeout=4)
            self.post_message(OpenTicket(ref.id, area=self.area))

        def create(said: str) -> None:
            name, phone = tickets.caller_and_phone(said)
            self.call(
                lambda s: tickets.open_caller_ticket(s, actor=staff, caller=name, phone=phone),
                done=opened,
                failed=lambda: create(said),
            )

        ask_for_line(
            self,
            Prompt(
                "Phone ticket for a caller not found",
                "Their name and phone number as they give them (Ana Núñez 630 555 0142). "
                "Once the family is found, l on the ticket links it.",
                placeholder="Name and phone",
                confirm="Start ticket",
                max_length=160,
                initial=typed,
            ),
            create,
        )

    def _open_row(self, row: int) -> None:
        if self.result is None or not (0 <= row < len(self.result.hits)):
            return
        self.post_message(OpenGuardian(self.result.hits[row].guardian_id, area=self.area))

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.focus()

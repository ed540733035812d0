"""Find a guardian: one box, results as you type, Enter opens the guardian."""

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from helpdesk_tui.messages import OpenGuardian
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.services.guardians import MAX_QUERY_LENGTH, SearchResult, search_guardians
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

    def compose_body(self) -> ComposeResult:
        yield SearchBox(placeholder=PLACEHOLDER, id="search", max_length=MAX_QUERY_LENGTH)
        yield Static("Start typing to find a guardian.", id="search-status", classes="hint")
        table: DataTable[str] = DataTable(id="results", cursor_type="row", zebra_stripes=True)
        table.add_column("Guardian", key="name", width=26)
        table.add_column("Students (grade, school)", key="students", width=44)
        table.add_column("City", key="city", width=12)
        table.add_column("Portal", key="account", width=15)
        table.add_column("Found by", key="matched", width=9)
        yield table

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        self.watch(self.app, "database_problem", self._database_changed, init=False)

    # -- searching -----------------------------------------------------------------
    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

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
        status = self.query_one("#search-status", Static)
        status.set_class(True, "error")
        status.update(
            "Not searched: the database is unavailable. The search runs again by itself "
            "once it is back."
        )

    def _database_changed(self, problem: str) -> None:
        if not problem and self.waiting_for_database:
            self.waiting_for_database = False
            self.run_search(self.query_one("#search", Input).value)

    def _show(self, result: SearchResult, error: str) -> None:
        if result.query != self.query_one("#search", Input).value:
            return  # stale: the box changed while this query ran
        unchanged = self.result is not None and self.result.hits == result.hits
        self.result = result
        if not unchanged:  # another letter often leaves the page as it was: keep it, and the cursor
            self._fill_table(result)
        status = self.query_one("#search-status", Static)
        status.set_class(bool(error), "error")
        status.set_class(not error, "hint")
        status.update(plain(error or self._summary(result)))
        self.refresh_bindings()
        self.results_shown += 1

    def _fill_table(self, result: SearchResult) -> None:
        table = self.query_one("#results", DataTable)
        table.clear()
        for hit in result.hits:  # names come from the SIS: never read as markup
            table.add_row(
                plain(hit.name),
                plain(hit.students_label(short_school)),
                plain(hit.city),
                plain(hit.account, style=ACCOUNT_STYLES.get(hit.account, "")),
                plain(hit.matched),
                key=str(hit.guardian_id),
            )

    @staticmethod
    def _summary(result: SearchResult) -> str:
        if not result.query.strip():
            return "Start typing to find a guardian."
        count = len(result.hits)
        found = (
            f"{count}+ guardians (first {count}; type more to narrow)"
            if result.more
            else f"{count} guardian{'s' if count != 1 else ''}"
        )
        parts = [result.note] if result.note else []
        parts.append(found if count else "No guardian matches.")
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
        """Open is shown greyed out while there is nothing to open. (The app decides
        which areas this staff member may go to: the usage report is for supervisors.)"""
        if action == "open":
            return True if self.result and self.result.hits else None
        return True

    def action_open(self) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count:
            self._open_row(table.cursor_row)

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

"""The queue: views with counts, one page of tickets in due order with the business
time left on each (red overdue, yellow due within two hours), claim, assign, release,
filters by school and category; and / searches every ticket (by number, words or
requester) in the same table, Esc going back to the view."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Select, Static

from helpdesk_tui.messages import OpenTicket
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.bindings import bindings
from helpdesk_tui.screens.tickets import ticket_search
from helpdesk_tui.screens.tickets.staff_picker import StaffPicker
from helpdesk_tui.screens.tickets.ticket_search import TicketSearchBox
from helpdesk_tui.services import tickets
from helpdesk_tui.services.kernel.district import list_schools
from helpdesk_tui.services.staff import StaffChoice
from helpdesk_tui.services.tickets import (
    PAGE,
    QueueFilter,
    QueuePage,
    QueueRow,
    SearchPage,
    queue_page,
)
from helpdesk_tui.vocabulary import Category, QueueView, TicketStatus
from helpdesk_tui.widgets.formatting import plain, plain_content, short_school, time_left

# (label, width): the queue fits 120 columns, and what staff decide with comes first so
# that 80 columns show it (the rest scrolls); priority colours the ticket number.
COLUMNS = (
    ("Ticket", 7),
    ("Time left", 15),
    ("Subject", 21),
    ("Status", 7),
    ("Assignee", 10),
    ("From", 17),
    ("School", 12),
    ("Category", 12),
)
PRIORITY_STYLES = {"urgent": "bold red", "high": "bold yellow", "low": "dim"}


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _left(row: QueueRow) -> str:
    if row.status == TicketStatus.PENDING:
        return "[dim]paused[/]"
    if row.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):  # found by a search
        return f"[dim]{row.status.label}[/]"
    if row.seconds_left is None:
        return "—"
    text = time_left(row.seconds_left)
    if row.seconds_left < 0:
        return f"[bold red]{text}[/]"
    if row.seconds_left <= 2 * 3600:
        return f"[yellow]{text}[/]"
    return f"[green]{text}[/]"


class TicketQueueScreen(DeskScreen[None]):
    CSS_PATH = "tickets.tcss"
    # fmt: off
    BINDINGS = [
        *bindings("queue", [
            # The footer shows them in this order: the daily ones first.
            ("enter", "open", "Open", "Open the highlighted ticket"),
            ("c", "claim", "Claim", "Assign the highlighted ticket to me"),
            ("slash", "search", "Search", "Find any ticket by number, words of its messages, or requester"),
            ("a", "assign", "Assign", "Assign the highlighted ticket to someone"),
            ("r", "release", "Release", "Put the highlighted ticket back unassigned"),
            ("o", "sort", "Sort", "Most urgent first, or newest first"),
            ("pagedown", "next_page", "Next page", "The next 50 tickets"),
            ("pageup", "previous_page", "Prev page", "The previous 50 tickets"),
            ("escape", "back", "Back", "Back to where you were (from a search: back to the view)"),
            ("f5", "reload", "Refresh", "Load the queue again", False),
        ]),
        *[
            Binding(str(i), f"view('{view.value}')", view.label, id=f"queue.view-{view.value}", show=False, tooltip=f"Show {view.label}")
            for i, view in enumerate(QueueView, 1)
        ],
    ]
    # fmt: on

    def __init__(self) -> None:
        super().__init__()
        self.filter = QueueFilter(QueueView.UNASSIGNED)
        self.page_offset = 0
        self.page: QueuePage | None = None
        self.loads = 0  # bumped when a page reaches the screen; tests wait on it
        # Another view, filter or page starts at its first row; a reload of the same
        # one keeps the cursor on the ticket it was on (never on whatever moved there).
        self._cursor_to_top = False
        self.searching = False  # the table shows search results, not the view
        self.found: SearchPage | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="queue-views")
        yield Static("", id="busy-banner")
        with Horizontal(id="queue-filters"):
            yield Select([], prompt="any school", id="filter-school", compact=True)
            yield Select(
                [(c.label, c.value) for c in Category],
                prompt="any category",
                id="filter-category",
                compact=True,
            )
            yield TicketSearchBox()
            yield Static("", id="queue-status", classes="hint")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#busy-banner").display = False
        table = self.query_one("#queue", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        table.focus()
        self.action_reload()
        self.every(60, self.action_reload)  # time left moves on
        self.call(list_schools, done=self._schools, write=False, group="schools")

    def on_screen_resume(self) -> None:
        """Back from a ticket: what was done there shows in the queue."""
        if self.page is not None and self.back_from_elsewhere:
            self.action_reload()

    def _schools(self, schools: list[tuple[int, str]]) -> None:
        self.query_one("#filter-school", Select).set_options(
            (short_school(n), i) for i, n in schools
        )

    # -- loading -------------------------------------------------------------------
    def action_reload(self) -> None:
        if self.searching:
            self.query_one(TicketSearchBox).search()
            return
        staff, queue_filter, offset = self.staff, self.filter, self.page_offset
        self.call(
            lambda s: queue_page(s, actor=staff, queue_filter=queue_filter, offset=offset),
            done=lambda page: self._show(queue_filter, page),
            write=False,
            group="queue",
        )

    def _show(self, queue_filter: QueueFilter, page: QueuePage) -> None:
        if queue_filter != self.filter or self.searching:
            return  # the view changed while this page loaded, or a search is shown
        self.page = page
        self.query_one("#queue-views", Static).update(
            "  ".join(
                (
                    f"[reverse] {i} {view.label} {page.counts.get(view, 0):,} [/]"
                    if view == self.filter.view
                    else f" {i} {view.label} {page.counts.get(view, 0):,} "
                )
                for i, view in enumerate(QueueView, 1)
            )
        )
        banner = self.query_one("#busy-banner", Static)
        banner.display = page.busy_period is not None
        if page.busy_period:
            banner.update(
                plain_content(f"Busy period: {page.busy_period}. Service targets are extended.")
            )
        self._fill(page.rows)
        last = page.offset + len(page.rows)
        shown = f"{page.offset + 1:,}-{last:,}" if page.rows else "none"
        self.query_one("#queue-status", Static).update(
            f"{self.filter.view.label}: {shown} of {page.counts.get(self.filter.view, 0):,}"
            + ("  (PgDn for more)" if page.more else "")
        )
        self.refresh_bindings()
        self.loads += 1

    def _fill(self, rows: tuple[QueueRow, ...]) -> None:
        """The table's rows; the cursor stays on its ticket (or goes to the top)."""
        table = self.query_one("#queue", DataTable)
        cursor = table.cursor_row
        was_on = self._ticket_at_cursor(table)
        table.clear()
        widths = dict(COLUMNS)
        for row in rows:
            label = tickets.ticket_label(row.number)
            style = PRIORITY_STYLES.get(row.priority)
            table.add_row(  # subjects and names come from outside: never markup
                plain(label, style=style or ""),
                _left(row),
                plain(_fit(row.subject, widths["Subject"])),
                row.status.label,
                plain(
                    _fit(row.assignee, widths["Assignee"]) or "—",
                    style="" if row.assignee else "dim",
                ),
                plain(_fit(row.who, widths["From"])),
                plain(_fit(short_school(row.school), widths["School"])),
                _fit(row.category.label, widths["Category"]),
                key=str(row.id),
            )
        if rows:
            keys = [str(row.id) for row in rows]
            if self._cursor_to_top:
                cursor = 0
            elif was_on in keys:
                cursor = keys.index(was_on)
            table.move_cursor(row=min(cursor, len(rows) - 1))
        self._cursor_to_top = False

    @property
    def rows(self) -> tuple[QueueRow, ...]:
        """What the table shows: the search's tickets, or the view's page."""
        shown = self.found if self.searching else self.page
        return shown.rows if shown is not None else ()

    # -- search --------------------------------------------------------------------
    def action_search(self) -> None:
        box = self.query_one(TicketSearchBox)
        if not self.searching:
            self.searching, self.found = True, None
            self.query_one("#queue-filters").set_class(True, "searching")
            self._cursor_to_top = True
            self._fill(())
            self._search_shown(None)
        box.focus()

    def action_back(self) -> None:
        if self.searching:
            self._end_search()
        else:
            self.app.call_later(self.app.run_action, "back")

    def _end_search(self) -> None:
        self.searching, self.found, self.page = False, None, None
        self.query_one(TicketSearchBox).clear_search()
        self.query_one("#queue-filters").set_class(False, "searching")
        self.query_one("#queue-status").set_class(False, "error")
        self.query_one("#queue", DataTable).focus()
        self._cursor_to_top = True
        self.action_reload()

    @on(TicketSearchBox.Found)
    def _found(self, event: TicketSearchBox.Found) -> None:
        if not self.searching:
            return
        if event.found is None or self.found is None or self.found.text != event.found.text:
            self._cursor_to_top = True  # new words: from the top; a reload keeps the ticket
        self.found = event.found
        self._fill(event.found.rows if event.found else ())
        self._search_shown(event.found, event.error)
        self.loads += 1
        rows = self.rows
        if event.go and rows and (len(rows) == 1 or (self.found and self.found.by_number)):
            self.post_message(OpenTicket(rows[0].id, area=self.area))
        elif event.go and rows:
            table = self.query_one("#queue", DataTable)
            table.focus()
            table.move_cursor(row=0)

    def _search_shown(self, found: SearchPage | None, error: str = "") -> None:
        self.query_one("#queue-views", Static).update(ticket_search.heading(self.filter.view.label))
        status = self.query_one("#queue-status", Static)
        status.set_class(bool(error), "error")
        status.update(ticket_search.summary(found, error))
        self.refresh_bindings()

    def on_key(self, event: events.Key) -> None:
        """In a search, ↓ goes from the box to the list and ↑ from its top row back."""
        box, table = self.query_one(TicketSearchBox), self.query_one("#queue", DataTable)
        if self.searching and event.key == "down" and box.has_focus and table.row_count:
            table.focus()
            event.stop()
        elif self.searching and event.key == "up" and table.has_focus and table.cursor_row == 0:
            box.focus()
            event.stop()

    # -- views, filters, pages -----------------------------------------------------
    def _refilter(self, **changes: Any) -> None:
        self.filter = replace(self.filter, **changes)
        self.page_offset = 0
        self._cursor_to_top = True
        self.action_reload()

    @staticmethod
    def _ticket_at_cursor(table: DataTable[Any]) -> str | None:
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_view(self, view: str) -> None:
        if self.searching:
            self._end_search()
        self._refilter(view=QueueView(view))

    @on(Select.Changed, "#filter-school")
    def _school(self, event: Select.Changed) -> None:
        self._refilter(school_id=event.value if isinstance(event.value, int) else None)

    @on(Select.Changed, "#filter-category")
    def _category(self, event: Select.Changed) -> None:
        chosen = event.value if isinstance(event.value, str) else None
        self._refilter(category=Category(chosen) if chosen else None)

    def action_sort(self) -> None:
        newest = self.filter.sort == "due"
        self.notify("Newest first." if newest else "Most urgent first.", timeout=2)
        self._refilter(sort="newest" if newest else "due")

    def action_next_page(self) -> None:
        if self.page is not None and self.page.more:
            self.page_offset += PAGE
            self._cursor_to_top = True
            self.action_reload()

    def action_previous_page(self) -> None:
        if self.page_offset > 0:
            self.page_offset = max(0, self.page_offset - PAGE)
            self._cursor_to_top = True
            self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("claim", "assign", "release", "open"):
            return True if self._current() else None
        if self.searching and action in ("sort", "next_page", "previous_page"):
            return False  # a search lists newest first, one page: hidden from the footer
        if action == "next_page":
            return True if self.page is not None and self.page.more else None
        if action == "previous_page":
            return True if self.page_offset > 0 else None
        return True

    @on(DataTable.RowSelected, "#queue")
    def _open(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.rows):
            self.post_message(OpenTicket(self.rows[event.cursor_row].id, area=self.area))

    # -- claim, assign, release ----------------------------------------------------
    def _current(self) -> QueueRow | None:
        table, rows = self.query_one("#queue", DataTable), self.rows
        return rows[table.cursor_row] if 0 <= table.cursor_row < len(rows) else None

    def _change(self, call: Callable[[Any], tickets.TicketRef], done_message: str) -> None:
        self.act(
            call,
            done=lambda ticket: self.notify(done_message.format(label=ticket.label), timeout=4),
            reload=self.action_reload,
        )

    def action_open(self) -> None:
        if self._current():
            self.query_one("#queue", DataTable).action_select_cursor()

    def action_claim(self) -> None:
        row, staff = self._current(), self.staff
        if row:
            self._change(
                lambda s: tickets.claim(s, actor=staff, ticket_id=row.id), "{label} is yours."
            )

    def action_release(self) -> None:
        row, staff = self._current(), self.staff
        if row:
            self._change(
                lambda s: tickets.assign(s, actor=staff, ticket_id=row.id, staff_id=None),
                "{label} is back in the unassigned queue.",
            )

    def action_assign(self) -> None:
        row = self._current()
        if row:
            self.show(StaffPicker(), callback=lambda chosen: self._assign_to(row, chosen))

    def _assign_to(self, row: QueueRow, chosen: StaffChoice | None) -> None:
        if chosen is None:
            return
        staff = self.staff
        self._change(
            lambda s: tickets.assign(s, actor=staff, ticket_id=row.id, staff_id=chosen.id),
            f"{{label}} assigned to {chosen.full_name}.",
        )

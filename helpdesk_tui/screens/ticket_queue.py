"""The queue: views with counts, one page of tickets in due order with the business
time left on each (red overdue, yellow due within two hours), claim, assign, release,
filters by school and category."""

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Select, Static
from textual.worker import get_current_worker

from helpdesk_tui.screens.background import run_action, run_in_thread
from helpdesk_tui.screens.staff_picker import StaffPicker
from helpdesk_tui.services import tickets
from helpdesk_tui.services.kernel.district import list_schools
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.staff import StaffChoice
from helpdesk_tui.services.tickets import PAGE, VIEWS, QueueFilter, QueuePage, QueueRow, queue_page
from helpdesk_tui.widgets.formatting import short_school, time_left

# (label, width): the queue fits 120 columns; priority colours the ticket number.
COLUMNS = (
    ("Ticket", 7),
    ("Time left", 14),
    ("Subject", 22),
    ("From", 17),
    ("School", 12),
    ("Category", 12),
    ("Status", 7),
    ("Assignee", 10),
)
PRIORITY_STYLES = {"urgent": "bold red", "high": "bold yellow", "low": "dim"}


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _left(row: QueueRow) -> str:
    if row.status == "pending":
        return "[dim]paused[/]"
    if row.seconds_left is None:
        return "—"
    text = time_left(row.seconds_left)
    if row.seconds_left < 0:
        return f"[bold red]{text}[/]"
    if row.seconds_left <= 2 * 3600:
        return f"[yellow]{text}[/]"
    return f"[green]{text}[/]"


class TicketQueueScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="queue.back", tooltip="Back to the lookup"),
        *[
            Binding(
                str(i),
                f"view('{view}')",
                label,
                id=f"queue.view-{view}",
                show=False,
                tooltip=f"Show {label}",
            )
            for i, (view, label) in enumerate(VIEWS.items(), 1)
        ],
        Binding(
            "c", "claim", "Claim", id="queue.claim", tooltip="Assign the highlighted ticket to me"
        ),
        Binding(
            "a",
            "assign",
            "Assign",
            id="queue.assign",
            tooltip="Assign the highlighted ticket to someone",
        ),
        Binding(
            "r",
            "release",
            "Release",
            id="queue.release",
            tooltip="Put the highlighted ticket back unassigned",
        ),
        Binding("pagedown", "page(1)", "Next page", id="queue.next", tooltip="The next 50 tickets"),
        Binding(
            "pageup", "page(-1)", "Prev page", id="queue.prev", tooltip="The previous 50 tickets"
        ),
        Binding("f5", "reload", "Refresh", id="queue.refresh", tooltip="Load the queue again"),
        Binding("o", "sort", "Sort", id="queue.sort", tooltip="Most urgent first, or newest first"),
        Binding(
            "enter",
            "open",
            "Open",
            id="queue.open",
            tooltip="Open the highlighted ticket",
            show=True,
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = QueueFilter("unassigned")
        self.page_offset = 0
        self.page: QueuePage | None = None
        self.loads = 0  # bumped when a page reaches the screen; tests wait on it

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="queue-views")
        yield Static("", id="busy-banner")
        with Horizontal(id="queue-filters"):
            yield Select([], prompt="any school", id="filter-school", compact=True)
            yield Select(
                [(label, key) for key, label in tickets.CATEGORY_LABELS.items()],
                prompt="any category",
                id="filter-category",
                compact=True,
            )
            yield Static("", id="queue-status", classes="hint")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#busy-banner").display = False
        table = self.query_one("#queue", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        table.focus()
        self.action_reload()
        self.set_interval(60, self.action_reload)  # time left moves on
        run_in_thread(self, list_schools, done=self._schools, failed=lambda e: None, write=False)

    def _schools(self, schools: list[tuple[int, str]]) -> None:
        self.query_one("#filter-school", Select).set_options(
            (short_school(n), i) for i, n in schools
        )

    # -- loading -------------------------------------------------------------------
    def action_reload(self) -> None:
        self._load(self.filter, self.page_offset)

    @work(thread=True, exclusive=True, group="queue")
    def _load(self, queue_filter: QueueFilter, offset: int) -> None:
        try:
            with self.app.database.read() as session:  # type: ignore[attr-defined]
                page = queue_page(
                    session, actor=self.app.staff, queue_filter=queue_filter, offset=offset
                )  # type: ignore[attr-defined]
        except DomainError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if not get_current_worker().is_cancelled:  # a newer load supersedes this one
            self.app.call_from_thread(self._show, queue_filter, page)

    def _show(self, queue_filter: QueueFilter, page: QueuePage) -> None:
        if queue_filter != self.filter:
            return  # the view changed while this page loaded
        self.page = page
        self.query_one("#queue-views", Static).update(
            "  ".join(
                (
                    f"[reverse] {i} {label} {page.counts.get(view, 0):,} [/]"
                    if view == self.filter.view
                    else f" {i} {label} {page.counts.get(view, 0):,} "
                )
                for i, (view, label) in enumerate(VIEWS.items(), 1)
            )
        )
        banner = self.query_one("#busy-banner", Static)
        banner.display = page.busy_period is not None
        if page.busy_period:
            banner.update(f"Busy period: {page.busy_period}. Service targets are extended.")
        table = self.query_one("#queue", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in page.rows:
            label = tickets.ticket_label(row.number)
            style = PRIORITY_STYLES.get(row.priority)
            widths = dict(COLUMNS)
            table.add_row(
                f"[{style}]{label}[/]" if style else label,
                _left(row),
                _fit(row.subject, widths["Subject"]),
                _fit(row.who, widths["From"]),
                _fit(short_school(row.school), widths["School"]),
                _fit(tickets.CATEGORY_LABELS.get(row.category, row.category), widths["Category"]),
                row.status,
                _fit(row.assignee, widths["Assignee"]) or "[dim]—[/]",
                key=str(row.id),
            )
        if page.rows:
            table.move_cursor(row=min(cursor, len(page.rows) - 1))
        last = page.offset + len(page.rows)
        shown = f"{page.offset + 1:,}-{last:,}" if page.rows else "none"
        self.query_one("#queue-status", Static).update(
            f"{VIEWS[self.filter.view]}: {shown} of {page.counts.get(self.filter.view, 0):,}"
            + ("  (PgDn for more)" if page.more else "")
        )
        self.refresh_bindings()
        self.loads += 1

    # -- views, filters, pages -----------------------------------------------------
    def action_view(self, view: str) -> None:
        self.filter = replace(self.filter, view=view)
        self.page_offset = 0
        self.action_reload()

    @on(Select.Changed, "#filter-school")
    def _school(self, event: Select.Changed) -> None:
        school = event.value if isinstance(event.value, int) else None
        self.filter = replace(self.filter, school_id=school)
        self.page_offset = 0
        self.action_reload()

    def action_sort(self) -> None:
        self.filter = replace(self.filter, sort="newest" if self.filter.sort == "due" else "due")
        self.page_offset = 0
        self.notify(
            "Newest first." if self.filter.sort == "newest" else "Most urgent first.", timeout=2
        )
        self.action_reload()

    @on(Select.Changed, "#filter-category")
    def _category(self, event: Select.Changed) -> None:
        category = event.value if isinstance(event.value, str) else None
        self.filter = replace(self.filter, category=category)
        self.page_offset = 0
        self.action_reload()

    def action_page(self, step: int) -> None:
        if (
            self.page is None
            or (step > 0 and not self.page.more)
            or (step < 0 and self.page_offset == 0)
        ):
            return
        self.page_offset = max(0, self.page_offset + step * PAGE)
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("claim", "assign", "release", "open"):
            return True if self._current() else None
        if action == "page" and self.page is not None:
            step = parameters[0] if parameters else 0
            if step == 1:
                return True if self.page.more else None
            return True if self.page_offset > 0 else None
        return True

    @on(DataTable.RowSelected, "#queue")
    def _open(self, event: DataTable.RowSelected) -> None:
        if self.page and 0 <= event.cursor_row < len(self.page.rows):
            from helpdesk_tui.screens.ticket_detail import TicketDetailScreen

            ticket = TicketDetailScreen(self.page.rows[event.cursor_row].id)
            self.app.push_screen(ticket, callback=lambda _: self.action_reload())

    # -- claim, assign, release ----------------------------------------------------
    def _current(self) -> QueueRow | None:
        table = self.query_one("#queue", DataTable)
        if (
            self.page is None
            or not self.page.rows
            or not (0 <= table.cursor_row < len(self.page.rows))
        ):
            return None
        return self.page.rows[table.cursor_row]

    def _change(self, call, done_message: str) -> None:  # type: ignore[no-untyped-def]
        run_action(
            self,
            call,
            done=lambda ticket: self.notify(done_message.format(label=ticket.label), timeout=4),
            reload=self.action_reload,
        )

    def action_open(self) -> None:
        table = self.query_one("#queue", DataTable)
        if self._current():
            table.action_select_cursor()

    def action_claim(self) -> None:
        row, actor = self._current(), self.app.staff  # type: ignore[attr-defined]
        if row:
            self._change(
                lambda s: tickets.claim(s, actor=actor, ticket_id=row.id), "{label} is yours."
            )

    def action_release(self) -> None:
        row, actor = self._current(), self.app.staff  # type: ignore[attr-defined]
        if row:
            self._change(
                lambda s: tickets.assign(s, actor=actor, ticket_id=row.id, staff_id=None),
                "{label} is back in the unassigned queue.",
            )

    def action_assign(self) -> None:
        row = self._current()
        if row:
            self.app.push_screen(
                StaffPicker(), callback=lambda chosen: self._assign_to(row, chosen)
            )

    def _assign_to(self, row: QueueRow, chosen: StaffChoice | None) -> None:
        if chosen is None:
            return
        actor = self.app.staff  # type: ignore[attr-defined]
        self._change(
            lambda s: tickets.assign(s, actor=actor, ticket_id=row.id, staff_id=chosen.id),
            f"{{label}} assigned to {chosen.full_name}.",
        )

"""The guardian's tickets on their record, under the students: every open one first
(with the business time left), then the last few closed; Enter opens one. Loaded with
the record, so it shows what was done on a ticket when staff come back from it."""

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Label

from helpdesk_tui.messages import OpenTicket
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.tickets import FamilyTicket, FamilyTickets, tickets_of_guardian
from helpdesk_tui.vocabulary import TicketStatus
from helpdesk_tui.widgets.desk import signed_in
from helpdesk_tui.widgets.formatting import day, plain, time_left
from helpdesk_tui.widgets.service_call import run_service

COLUMNS = ("Ticket", "Subject", "Status", "Time left / closed", "Assignee")
SUBJECT_WIDTH = 30


def show_in(record: Widget, guardian_id: int) -> None:
    """The guardian's record was (re)loaded: list their tickets under the students the
    first time, load them again after that."""
    shown = record.query(FamilyTicketList)
    if shown:
        shown.first().load()
    else:
        record.mount(FamilyTicketList(guardian_id), after="#students")


def _when(ticket: FamilyTicket) -> str:
    if ticket.status == TicketStatus.PENDING:
        return "[dim]paused (on the guardian)[/]"
    if ticket.finished_at is not None:
        return f"[dim]{ticket.status.label} {day(ticket.finished_at)}[/]"
    if ticket.seconds_left is None:
        return "—"
    text = time_left(ticket.seconds_left)
    if ticket.seconds_left < 0:
        return f"[bold red]{text}[/]"
    return f"[yellow]{text}[/]" if ticket.seconds_left <= 2 * 3600 else f"[green]{text}[/]"


class FamilyTicketList(Vertical):
    def __init__(self, guardian_id: int) -> None:
        super().__init__(id="family-tickets")
        self.guardian_id = guardian_id
        self.tickets: FamilyTickets | None = None
        self.loads = 0  # bumped when a load reaches the list; tests wait on it

    def compose(self) -> ComposeResult:
        yield Label("Tickets", classes="section-title", id="family-tickets-title")
        yield DataTable(id="family-tickets-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.load()

    def load(self) -> None:
        staff, gid = signed_in(self), self.guardian_id
        run_service(
            self,
            lambda s: tickets_of_guardian(s, actor=staff, guardian_id=gid),
            done=self._show,
            refused=self._refused,
            write=False,
            group="family-tickets",
        )

    def _refused(self, exc: DomainError) -> None:
        # The record itself says why it cannot be shown; this list just stays empty.
        self.query_one("#family-tickets-title", Label).update(plain(f"Tickets: {exc}"))

    def _show(self, tickets: FamilyTickets) -> None:
        self.tickets = tickets
        table: DataTable[object] = self.query_one(DataTable)
        was_on = table.cursor_row
        table.clear()
        for t in tickets.rows:  # subjects come from outside: never markup
            subject = t.subject if len(t.subject) <= SUBJECT_WIDTH else t.subject[:29] + "…"
            table.add_row(
                t.label,
                plain(subject),
                t.status.label,
                _when(t),
                plain(t.assignee or "—", style="" if t.assignee else "dim"),
                key=str(t.id),
            )
        if tickets.rows:
            table.move_cursor(row=min(was_on, len(tickets.rows) - 1))
        else:
            table.add_row("no tickets yet", "(t starts one for this call)", "", "", "")
        self.query_one("#family-tickets-title", Label).update(self._title(tickets))
        self.loads += 1

    @staticmethod
    def _title(tickets: FamilyTickets) -> str:
        total = tickets.open_count + tickets.finished_count
        listed = f" (the last {len(tickets.rows)} listed)" if len(tickets.rows) < total else ""
        opens = "  ·  Enter on one opens it" if tickets.rows else ""
        return f"Tickets: {tickets.open_count:,} open, {tickets.finished_count:,} closed{listed}{opens}"

    @on(DataTable.RowSelected, "#family-tickets-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.tickets is None or not (0 <= event.cursor_row < len(self.tickets.rows)):
            return
        area = self.screen.area if isinstance(self.screen, DeskScreen) else ""
        self.post_message(OpenTicket(self.tickets.rows[event.cursor_row].id, area=area))

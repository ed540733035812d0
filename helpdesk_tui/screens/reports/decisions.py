"""What waits for a supervisor's decision (D on the service-level dashboard, or the
header's "to decide"): 1 blocked guardians, 2 custody restrictions to review, 3 email
that failed to go out, 4 email that could not be imported, 5 tickets breaching within
the hour. Each list's actions work in place, each with a reason where the audit trail
wants one; Enter opens the guardian or the ticket."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from helpdesk_tui.messages import OpenGuardian, OpenTicket
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.bindings import bindings
from helpdesk_tui.screens.dialogs import Prompt, ask_for_line
from helpdesk_tui.services.decisions import (
    BlockedGuardian,
    DecisionCounts,
    DecisionLists,
    FailedMail,
    RestrictedLink,
    UnimportedMail,
    decision_lists,
    discard_failed_mail,
    dismiss_unimported_mail,
    retry_failed_mail,
    retry_unimported_mail,
)
from helpdesk_tui.services.guardians import clear_restriction
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.verification import clear_block
from helpdesk_tui.widgets.formatting import plain, when


@dataclass(frozen=True)
class Kind:
    key: str
    tab: str  # short, for the line of tabs (80 columns hold all five)
    title: str
    columns: tuple[str, ...]
    hint: str
    actions: tuple[str, ...]  # the screen's actions that work on this list


KINDS = (
    Kind("blocked", "Blocked", "Blocked guardians", ("Guardian", "Blocked", "Failures"),
         "b clear the block (after review) · Enter open the guardian", ("clear_block",)),
    Kind("restricted", "Restrictions", "Restrictions to review",
         ("Guardian", "Student", "School", "SIS"),
         "r clear the restriction (after review) · Enter open the guardian",
         ("clear_restriction",)),
    Kind("mail_failed", "Not sent", "Email not sent", ("To", "Subject", "Since", "Why"),
         "s send again · x discard · Enter open the guardian", ("send_again", "discard")),
    Kind("mail_unimported", "Not imported", "Email not imported",
         ("From", "Subject", "Failed", "Why"),
         "t try again (next mailbox read) · x discard (it stays in Helpdesk-Errors)", ("try_again", "discard")),
    Kind("breaching_soon", "Due soon", "Breaching within the hour",
         ("Ticket", "Subject", "Due", "Assignee"), "Enter open the ticket", ()),
)  # fmt: skip
ACTIONS = {action for kind in KINDS for action in kind.actions}


class DecisionsScreen(DeskScreen[None]):
    CSS_PATH = "reports.tcss"
    # fmt: off
    BINDINGS = [
        *bindings("decisions", [
            ("escape", "app.back", "Back", "Back to the dashboard"),
            ("b", "clear_block", "Clear block", "Clear the highlighted guardian's block (reason)"),
            ("r", "clear_restriction", "Clear restriction", "Clear the highlighted restriction (reason)"),
            ("s", "send_again", "Send again", "Queue the highlighted failed email again"),
            ("t", "try_again", "Try again", "Import the highlighted email again at the next mailbox read"),
            ("x", "discard", "Discard", "Take the highlighted email off the list (reason)"),
            ("f5", "reload", "Refresh", "Read the lists again", False),
        ]),
        *[
            Binding(str(i), f"kind({i - 1})", kind.title, id=f"decisions.{kind.key}", show=False, tooltip=f"Show {kind.title.lower()}")
            for i, kind in enumerate(KINDS, 1)
        ],
    ]
    # fmt: on

    def __init__(self) -> None:
        super().__init__()
        self.kind = 0
        self.lists: DecisionLists | None = None
        self._columns_of = -1  # which list the table's columns are for
        self.loads = 0  # bumped when the lists reach the screen; tests wait on it

    def compose_body(self) -> ComposeResult:
        yield Static("", id="decisions-counts", classes="section-title")
        yield DataTable(id="decisions-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="decisions-why", classes="hint")
        yield Static("", id="decisions-hint", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#decisions-table", DataTable).focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        # Not on first showing: on_mount is already reading (and auditing) the lists.
        if self.lists is not None and self.back_from_elsewhere:
            self.action_reload()

    # -- reading ------------------------------------------------------------------------
    def action_reload(self) -> None:
        staff = self.staff
        self.call(
            lambda s: decision_lists(s, actor=staff),
            done=self._show,
            refused=self._refused,
            group="decisions",
        )

    def _refused(self, exc: DomainError) -> None:
        self.notify(str(exc), title="Decisions", severity="error", timeout=8, markup=False)
        if self.lists is None:
            self.leave()

    def _show(self, lists: DecisionLists) -> None:
        self.lists = lists
        self._fill()
        self.loads += 1

    def action_kind(self, index: int) -> None:
        self.kind = index
        self.refresh_bindings()
        if self.lists is not None:
            self._fill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows only what works on the list in front."""
        return action not in ACTIONS or action in KINDS[self.kind].actions

    def _rows(self) -> list[Any]:
        assert self.lists is not None
        return list(getattr(self.lists, KINDS[self.kind].key))

    def _fill(self) -> None:
        assert self.lists is not None
        line = Text()
        for i, (kind, n) in enumerate(_numbered(self.lists.counts)):
            here = i == self.kind
            style = "reverse bold" if here else ("bold yellow" if n else "dim")
            line.append(f" {i + 1} {kind.tab} {n} " if here else f"{i + 1} {kind.tab} {n}", style)
            line.append("  ")
        self.query_one("#decisions-counts", Static).update(line)
        table = self.query_one("#decisions-table", DataTable)
        keep = table.cursor_row
        if self._columns_of == self.kind:
            table.clear()
        else:  # columns made again only for another list (their widths follow the rows)
            table.clear(columns=True)
            table.add_columns(*KINDS[self.kind].columns)
            self._columns_of = self.kind
        for entry in self._rows():
            table.add_row(*_cells(entry))
        if table.row_count:
            table.move_cursor(row=min(max(keep, 0), table.row_count - 1))
        kind = KINDS[self.kind]
        hint = f"{kind.title}: {kind.hint if table.row_count else 'nothing waits here.'}"
        self.query_one("#decisions-hint", Static).update(hint)
        self._show_why()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_why()

    def _show_why(self) -> None:
        entry = self._entry(quiet=True)
        why = getattr(entry, "error", "") if entry is not None else ""
        self.query_one("#decisions-why", Static).update(plain(why and f"Why: {why}"))

    def _entry(self, *, quiet: bool = False) -> Any:
        """The highlighted entry of the list in front, or None (said unless quiet)."""
        if self.lists is None:
            return None
        row = self.query_one("#decisions-table", DataTable).cursor_row
        rows = self._rows()
        if not 0 <= row < len(rows):
            if not quiet:
                self.notify("Nothing is highlighted in this list.", severity="warning")
            return None
        return rows[row]

    # -- opening -----------------------------------------------------------------------
    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        entry = self._entry()
        if entry is None:
            return
        if hasattr(entry, "ticket_id"):
            self.post_message(OpenTicket(entry.ticket_id, area=self.area))
        elif getattr(entry, "guardian_id", None):
            self.post_message(OpenGuardian(entry.guardian_id, area=self.area))

    # -- deciding ----------------------------------------------------------------------
    def _change(self, call: Callable[[Any], object], said: str) -> None:
        self.act(
            call,
            done=lambda _r: self.notify(said, title="Decisions", markup=False),
            reload=self.action_reload,
        )

    def _with_reason(self, title: str, explanation: str, then: Callable[[str], None]) -> None:
        ask_for_line(self, Prompt(title=title, explanation=explanation), then)

    def action_clear_block(self) -> None:
        entry, staff = self._entry(), self.staff
        if entry is None:
            return
        self._with_reason(
            f"Clear the block on {entry.name}?",
            "Staff can verify this caller again. Say what you reviewed.",
            lambda reason: self._change(
                lambda s: clear_block(s, actor=staff, guardian_id=entry.guardian_id, reason=reason),
                f"Block cleared: {entry.name}.",
            ),
        )

    def action_clear_restriction(self) -> None:
        entry, staff = self._entry(), self.staff
        if entry is None:
            return
        sis = " The SIS still marks it restricted." if entry.from_sis else ""
        self._with_reason(
            f"Clear the restriction of {entry.guardian_name} on {entry.student_name}?",
            "Portal actions for this relationship are allowed again." + sis,
            lambda reason: self._change(
                lambda s: clear_restriction(
                    s,
                    actor=staff,
                    guardian_id=entry.guardian_id,
                    student_id=entry.student_id,
                    reason=reason,
                ),
                f"Restriction cleared: {entry.guardian_name}, {entry.student_name}.",
            ),
        )

    def action_send_again(self) -> None:
        entry, staff = self._entry(), self.staff
        if entry is not None:
            self._change(
                lambda s: retry_failed_mail(s, actor=staff, outbox_id=entry.outbox_id),
                f"Queued again: {entry.subject}.",
            )

    def action_try_again(self) -> None:
        entry, staff = self._entry(), self.staff
        if entry is not None:
            self._change(
                lambda s: retry_unimported_mail(s, actor=staff, failure_id=entry.failure_id),
                "It is imported again at the next mailbox read (within a minute).",
            )

    def action_discard(self) -> None:
        if self.lists is None:
            return
        staff, key = self.staff, KINDS[self.kind].key
        entry = self._entry()
        if entry is None:
            return
        if key == "mail_failed":
            self._with_reason(
                f"Discard the email '{entry.subject}' to {entry.to_masked}?",
                "It is never sent. Say why (sent another way, address corrected...).",
                lambda reason: self._change(
                    lambda s: discard_failed_mail(
                        s, actor=staff, outbox_id=entry.outbox_id, reason=reason
                    ),
                    "Discarded.",
                ),
            )
        elif key == "mail_unimported":
            self._with_reason(
                f"Discard the email from {entry.sender}?",
                "It stays in the mailbox's Helpdesk-Errors folder. Say why.",
                lambda reason: self._change(
                    lambda s: dismiss_unimported_mail(
                        s, actor=staff, failure_id=entry.failure_id, reason=reason
                    ),
                    "Discarded: it stays in the Helpdesk-Errors folder.",
                ),
            )


def _numbered(counts: DecisionCounts) -> list[tuple[Kind, int]]:
    return [(kind, getattr(counts, kind.key)) for kind in KINDS]


def decisions_line(counts: DecisionCounts) -> Text:
    """The dashboard's line: how many wait in each list, and how to get to them."""
    if not counts.total:
        return Text("Nothing waits for a supervisor's decision.", style="dim")
    line = Text("Waiting for a decision (d): ", style="bold")
    parts = [(kind.tab, n) for kind, n in _numbered(counts) if n]
    for i, (title, n) in enumerate(parts):
        line.append(f"{title.lower()} {n:,}", style="bold yellow")
        line.append(" · " if i < len(parts) - 1 else "")
    return line


def _cells(entry: Any) -> tuple[object, ...]:
    """One row's cells; everything that came from outside is plain text."""
    if isinstance(entry, BlockedGuardian):
        return (plain(entry.name), when(entry.blocked_at), str(entry.failures))
    if isinstance(entry, RestrictedLink):
        sis = "yes" if entry.from_sis else "cleared there"
        return (plain(entry.guardian_name), plain(entry.student_name), plain(entry.school), sis)
    if isinstance(entry, FailedMail):
        subject = entry.subject + (" (key erased)" if entry.erased else "")
        return (plain(entry.to_masked), plain(subject), when(entry.created_at), plain(entry.error))
    if isinstance(entry, UnimportedMail):
        return (
            plain(entry.sender),
            plain(entry.subject),
            when(entry.failed_at),
            plain(entry.error),
        )
    return (
        f"HD-{entry.number}",
        plain(entry.subject),
        when(entry.due_at),
        plain(entry.assignee or "unassigned"),
    )

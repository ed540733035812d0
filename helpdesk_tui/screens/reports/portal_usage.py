"""The portal usage report for supervisors (F4 from anywhere): per school, guardians
with portal rights and no account, keys outstanding longer than N days, disabled
accounts and accounts never used; the guardians behind the highlighted school's numbers
below; Enter opens one; E writes both tables as CSV."""

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Static

from helpdesk_tui.messages import OpenGuardian
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.bindings import bindings
from helpdesk_tui.screens.reports.batch_keys import BatchKeysDialog, BatchTarget
from helpdesk_tui.services.reports import (
    MAX_DAYS,
    SchoolUsage,
    UsageEntry,
    export_usage_csv,
    portal_usage,
    usage_entries,
)
from helpdesk_tui.vocabulary import UsageCondition
from helpdesk_tui.widgets.formatting import plain, plain_content, short_school

SCHOOL_COLUMNS = (
    "School",
    "With rights",
    "No account",
    "Key > {days} days",
    "Disabled",
    "Never used",
)
GUARDIAN_ROWS = 500  # the screen lists this many; the CSV has them all


class PortalUsageScreen(DeskScreen[None]):
    CSS_PATH = "reports.tcss"
    # fmt: off
    BINDINGS = [
        *bindings("usage", [
            ("escape", "app.back", "Back", "Back to where you were"),
            ("f5", "reload", "Refresh", "Count again"),
            ("e", "export", "Export CSV", "Write the school counts and the guardian lists as CSV files"),
            ("d", "days", "Days", "How old an unused key must be to count as outstanding"),
            ("b", "batch_keys", "Batch keys", "Keys for everyone on this line's no-account (or, with 2, key-outstanding) list: a dry run first"),
            ("0", "only('')", "All lists", "List all", False),
        ]),
        *[
            Binding(str(i), f"only('{c.value}')", c.label, id=f"usage.only-{c.value}", show=False, tooltip=f"List only: {c.label}")
            for i, c in enumerate(UsageCondition, 1)
        ],
    ]
    # fmt: on

    def __init__(self) -> None:
        super().__init__()
        self.days = 30
        self.schools: list[SchoolUsage] = []
        self.entries: list[UsageEntry] = []
        self.only: UsageCondition | None = None  # one list, or all
        self.loads = 0  # bumped when counts reach the screen; tests wait on it

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="usage-bar"):
            yield Label("Portal usage · keys outstanding longer than", classes="hint")
            yield Input(str(self.days), id="usage-days", max_length=4, restrict=r"[0-9]*")
            yield Label("days (d to change, Enter to count again)", classes="hint")
        yield DataTable(id="usage-schools", cursor_type="row", zebra_stripes=True)
        yield Static("", id="usage-list-title", classes="section-title")
        yield DataTable(id="usage-guardians", cursor_type="row", zebra_stripes=True)
        yield Static("", id="usage-status", classes="hint")

    def on_mount(self) -> None:
        schools = self.query_one("#usage-schools", DataTable)  # its columns come with the counts
        guardians = self.query_one("#usage-guardians", DataTable)
        guardians.add_columns("List", "Guardian", "Detail")
        schools.focus()
        self.action_reload()

    # -- counting ----------------------------------------------------------------------
    def action_reload(self) -> None:
        self.query_one("#usage-status", Static).update("Counting…")
        self._count(self.days)

    def _count(self, days: int) -> None:
        staff = self.staff
        self.call(
            lambda s: portal_usage(s, actor=staff, days=days),
            done=self._show_schools,
            refused=lambda exc: self._refused(str(exc)),
            write=False,
            group="usage",
        )

    def _refused(self, message: str) -> None:
        self.notify(message, title="Portal usage", severity="error", timeout=8, markup=False)
        if not self.schools:
            self.leave()

    def _show_schools(self, rows: list[SchoolUsage]) -> None:
        self.schools = rows
        table = self.query_one("#usage-schools", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        table.add_columns(*(label.format(days=self.days) for label in SCHOOL_COLUMNS))
        # The district's line first, where it stays in view.
        rows = rows[-1:] + rows[:-1]
        self.schools = rows
        for row in rows:
            district = row.school_id is None
            table.add_row(
                plain(
                    row.school if district else short_school(row.school),
                    style="bold" if district else "",
                ),
                _number(row.with_rights),
                _number(row.no_account, "yellow"),
                _number(row.key_outstanding, "yellow"),
                _number(row.disabled, "red"),
                _number(row.never_used, "yellow"),
            )
        table.move_cursor(row=min(max(keep, 0), len(rows) - 1))
        self.query_one("#usage-status", Static).update(
            "↑↓ choose a school · 1-4 list only no account / key outstanding / disabled / "
            "never used, 0 all · Tab, Enter opens a guardian · e exports CSV · b batch keys"
        )
        self.loads += 1
        self._list_for_cursor()

    @on(DataTable.RowHighlighted, "#usage-schools")
    def _school_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._list_for_cursor()

    def _list_for_cursor(self) -> None:
        table = self.query_one("#usage-schools", DataTable)
        if not self.schools or not 0 <= table.cursor_row < len(self.schools):
            return
        chosen = self.schools[table.cursor_row]
        which = self.only.label.lower() if self.only else "all four lists"
        self.query_one("#usage-list-title", Static).update(
            plain_content(
                f"Guardians behind the numbers: {chosen.school} · {which} (1-4 one list, 0 all)"
            )
        )
        self._list(chosen.school_id, self.days, self.only)

    def action_only(self, condition: str) -> None:
        self.only = UsageCondition(condition) if condition else None
        self._list_for_cursor()

    def _list(self, school_id: int | None, days: int, only: UsageCondition | None) -> None:
        staff = self.staff
        self.call(
            lambda s: list(
                usage_entries(
                    s,
                    actor=staff,
                    days=days,
                    school_id=school_id,
                    whole_district=school_id is None,
                    only=only,
                    limit=GUARDIAN_ROWS,
                )
            ),
            done=self._show_entries,
            write=False,
            group="usage-list",
        )

    def _show_entries(self, entries: list[UsageEntry]) -> None:
        self.entries = entries
        table = self.query_one("#usage-guardians", DataTable)
        table.clear()
        for e in entries:  # names come from the SIS: never read as markup
            table.add_row(e.condition.label, plain(e.guardian), plain(e.detail))
        if not entries:
            table.add_row("nobody", "", "")
        elif len(entries) == GUARDIAN_ROWS:
            table.add_row("…", f"first {GUARDIAN_ROWS} shown", "the CSV export has them all")

    @on(DataTable.RowSelected, "#usage-guardians")
    def _open(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.entries):
            self.post_message(
                OpenGuardian(self.entries[event.cursor_row].guardian_id, area=self.area)
            )

    # -- batch keys ----------------------------------------------------------------------
    def action_batch_keys(self) -> None:
        """The dialog for the highlighted line: its no-account list, or its key-outstanding
        list when that list is the one shown."""
        row = self.query_one("#usage-schools", DataTable).cursor_row
        if not self.schools or not 0 <= row < len(self.schools):
            return
        line = self.schools[row]
        outstanding = self.only == UsageCondition.KEY_OUTSTANDING
        target = BatchTarget(
            school_id=line.school_id,
            school=line.school if line.school_id else "the whole district",
            status=UsageCondition.KEY_OUTSTANDING if outstanding else UsageCondition.NO_ACCOUNT,
            days=self.days,
        )
        self.show(
            BatchKeysDialog(target, letters_folder=self.desk.letters_dir),
            lambda _none: self.action_reload(),
        )

    # -- days and export ---------------------------------------------------------------
    def action_days(self) -> None:
        self.query_one("#usage-days", Input).focus()

    @on(Input.Submitted, "#usage-days")
    def _days_entered(self, event: Input.Submitted) -> None:
        value = int(event.value) if event.value.isdigit() else 0
        if not 1 <= value <= MAX_DAYS:
            self.notify(f"Give the number of days as 1 to {MAX_DAYS}.", severity="error")
            return
        self.days = value
        self.query_one("#usage-schools", DataTable).focus()
        self.action_reload()

    def action_export(self) -> None:
        folder, staff, days = self.desk.reports_dir, self.staff, self.days
        self.query_one("#usage-status", Static).update("Writing the CSV files…")
        self.call(
            lambda s: export_usage_csv(s, actor=staff, folder=folder, days=days),
            done=self._exported,
            refused=lambda exc: self._refused(str(exc)),
            write=False,
            group="usage-export",
        )

    def _exported(self, paths: tuple[Path, Path]) -> None:
        summary, details = paths
        self.query_one("#usage-status", Static).update(
            plain_content(f"Saved {summary} and {details.name}.")
        )
        self.notify(
            f"{summary.name} and {details.name} are in {summary.parent} (readable only by "
            "you: they hold guardians' names).",
            title="Exported",
            timeout=10,
            markup=False,  # a folder's name is not markup
        )


def _number(n: int, colour: str = "") -> Text:
    """Counts right-aligned; a non-zero count that needs attention in colour."""
    return Text(f"{n:,}", style=colour if n else "", justify="right")

"""Settings for supervisors (F10 from anywhere): the caller-verification policy, the
desks' lockout and idle lock, business hours and days, the year's public holidays (open
on one, or close again) and district closures (a range in one step, reopen, import an
.ics), busy periods and service targets. Keys 1-6 move between the sections. Every
change goes through a dialog that checks it as it is typed and shows what a ticket
created now would be due with it; a change that moves due dates asks once more. The
services audit each change; the screen reloads after it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.bindings import bindings
from helpdesk_tui.screens.settings import setting_edits as edits
from helpdesk_tui.screens.settings.edit_dialog import Edit, SettingDialog
from helpdesk_tui.screens.settings.settings_rows import (
    Loaded,
    Row,
    busy_rows,
    calendar_rows,
    desk_rows,
    hours_rows,
    target_rows,
    verification_rows,
)
from helpdesk_tui.services.sla import (
    BusyLine,
    ClosureRange,
    PublicHoliday,
    TargetLine,
    calendar_overview,
    preview_due,
)
from helpdesk_tui.services.staff import desk_policy
from helpdesk_tui.services.verification import get_policy


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    columns: tuple[str, ...]


SECTIONS = (
    Section("verification", "1 Verification", ("Setting", "Value")),
    Section("desks", "2 Desks", ("Setting", "Value")),
    Section("hours", "3 Hours", ("Setting", "Value")),
    Section("holidays", "4 Holidays", ("Date", "Holiday or closure", "Helpdesk")),
    Section("busy", "5 Busy periods", ("Name", "From", "To", "Targets")),
    Section("targets", "6 Targets", ("Category", "Priority", "First response", "Resolution")),
)


def _first_day(entry: object) -> date | None:
    if isinstance(entry, PublicHoliday):
        return entry.day
    return entry.first_day if isinstance(entry, ClosureRange) else None


# Which section each key acts in (the footer shows a key only where it does something).
ACTS_IN = {
    "edit": ("verification", "desks", "hours", "targets"),
    "holiday": ("holidays",),
    "add": ("holidays", "busy", "targets"),
    "remove": ("holidays", "busy"),
    "import_ics": ("holidays",),
    "year_before": ("holidays",),
    "year_after": ("holidays",),
}
HINTS = {
    "verification": "Enter or e changes the highlighted setting.",
    "desks": "Enter or e changes the highlighted setting.",
    "hours": "Enter or e changes the hours and days (the time zone comes with the district).",
    "holidays": "o open/close a holiday · a close days · x reopen · i import .ics · [ ] year",
    "busy": "a add a busy period · x remove the highlighted one",
    "targets": "Enter or e changes the highlighted target · a adds one for a category",
}


class SettingsScreen(DeskScreen[None]):
    CSS_PATH = "settings.tcss"
    # fmt: off
    BINDINGS = [
        *bindings("settings", [
            ("escape", "app.back", "Back", "Back to where you were"),
            ("e", "edit", "Edit", "Change the highlighted setting"),
            ("o", "holiday", "Open/close holiday", "Work the highlighted public holiday, or close on it again"),
            ("a", "add", "Add", "Close a range of days, add a busy period or a category's target"),
            ("x", "remove", "Remove", "Reopen the highlighted closure, or remove the busy period"),
            ("i", "import_ics", "Import .ics", "Close on the all-day events of a district calendar file"),
            ("left_square_bracket", "year_before", "Year before", "The holidays and closures of the year before", False),
            ("right_square_bracket", "year_after", "Year after", "The holidays and closures of the year after", False),
            ("f5", "reload", "Refresh", "Read the settings again", False),
        ]),
        *(
            Binding(str(i), f"section('{s.key}')", s.title[2:], id=f"settings.section-{i}",
                    tooltip=f"The {s.title[2:].lower()} section", show=False)
            for i, s in enumerate(SECTIONS, start=1)
        ),
    ]
    # fmt: on

    def __init__(self) -> None:
        super().__init__()
        self.loaded: Loaded | None = None
        self.year: int | None = None  # the holidays' year; this year until [ or ]
        self.holidays_year: int | None = None  # the year the holidays table shows
        self.entries: dict[str, list[object]] = {s.key: [] for s in SECTIONS}
        self.loads = 0  # bumped when the settings reach the screen; tests wait on it

    def compose_body(self) -> ComposeResult:
        with TabbedContent(initial="verification", id="settings-tabs"):
            for section in SECTIONS:
                with TabPane(section.title, id=section.key):
                    if section.key == "holidays":
                        yield Static("", id="holidays-title", classes="hint")
                    yield DataTable(
                        id=f"{section.key}-table", cursor_type="row", zebra_stripes=True
                    )
        yield Static("", id="settings-hint", classes="hint")
        yield Static("", id="settings-preview", markup=False)

    def on_mount(self) -> None:
        for section in SECTIONS:
            self._table(section.key).add_columns(*section.columns)
        self._table("verification").focus()
        self._hint()
        self.action_reload()

    def _table(self, key: str) -> DataTable[Any]:
        return self.query_one(f"#{key}-table", DataTable)

    @property
    def section(self) -> str:
        return str(self.query_one("#settings-tabs", TabbedContent).active or "verification")

    def now(self) -> datetime:
        """The clock of previews (tests fix it)."""
        return datetime.now(UTC)

    # -- reading -------------------------------------------------------------------------
    def action_reload(self) -> None:
        year, now = self.year, self.now()
        self.call(
            lambda s: Loaded(
                get_policy(s),
                desk_policy(s),
                calendar_overview(s, year=year, now=now),
                preview_due(s, now=now),
            ),
            done=self._show,
            write=False,
            group="settings-load",
        )

    def _show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        o = loaded.overview
        self.year = o.year
        self._fill("verification", verification_rows(loaded.policy))
        self._fill("desks", desk_rows(loaded.desks))
        self._fill("hours", hours_rows(o))
        new_year = o.year != self.holidays_year
        self.holidays_year = o.year
        self._fill("holidays", calendar_rows(o), first_from=self.now().date() if new_year else None)
        self._fill("busy", busy_rows(o))
        self._fill("targets", target_rows(o))
        where = f"{o.country}-{o.subdivision}" if o.subdivision else o.country
        self.query_one("#holidays-title", Static).update(
            f"{o.year}: public holidays of {where} and district closures"
        )
        self.query_one("#settings-preview", Static).update(loaded.preview.line)
        self.loads += 1

    def _fill(self, key: str, rows: list[Row], *, first_from: date | None = None) -> None:
        """The table's rows, the cursor where it was; a list shown for the first time
        starts at its first entry from ``first_from`` on."""
        table = self._table(key)
        keep = table.cursor_row
        if first_from is not None:
            days = [_first_day(entry) for entry, _ in rows]
            keep = next((i for i, d in enumerate(days) if d and d >= first_from), 0)
        table.clear()
        for _, cells in rows:
            table.add_row(*cells)
        self.entries[key] = [entry for entry, _ in rows]
        if rows:
            table.move_cursor(row=min(max(keep, 0), len(rows) - 1))

    def _highlighted(self, key: str) -> object | None:
        row = self._table(key).cursor_row
        entries = self.entries[key]
        return entries[row] if 0 <= row < len(entries) else None

    # -- moving around -------------------------------------------------------------------
    def action_section(self, key: str) -> None:
        self.query_one("#settings-tabs", TabbedContent).active = key
        self._table(key).focus()

    @on(TabbedContent.TabActivated)
    def _section_shown(self) -> None:
        self._hint()
        self.refresh_bindings()

    def _hint(self) -> None:
        self.query_one("#settings-hint", Static).update(HINTS[self.section])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        sections = ACTS_IN.get(action)
        if sections is None or not self.is_mounted:
            return True
        return self.section in sections

    def action_year_before(self) -> None:
        self._year(-1)

    def action_year_after(self) -> None:
        self._year(1)

    def _year(self, step: int) -> None:
        if self.year is not None:
            self.year += step
            self.action_reload()

    # -- changing ------------------------------------------------------------------------
    def _open(self, edit: Edit) -> None:
        self.show(SettingDialog(edit), self._saved)

    def _saved(self, message: str | None) -> None:
        if message:
            self.notify(message, title="Saved", markup=False, timeout=8)
            self.action_reload()

    @on(DataTable.RowSelected)
    def _chosen(self) -> None:
        """Enter: what the highlighted row is for."""
        action = {"holidays": self.action_holiday, "busy": self.action_remove}
        action.get(self.section, self.action_edit)()

    def action_edit(self) -> None:
        loaded, section, staff = self.loaded, self.section, self.staff
        entry = self._highlighted(section)
        if loaded is None or entry is None:
            return
        if section == "verification":
            self._open(edits.policy_edit(staff, str(entry), loaded.policy))
        elif section == "desks":
            self._open(edits.desk_edit(staff, str(entry), loaded.desks))
        elif section == "hours" and entry == "hours":
            self._open(edits.hours_edit(staff, loaded.overview, self.now()))
        elif section == "hours":
            self.notify(
                "The time zone and the country's holidays come with the district's settings.",
                severity="warning",
            )
        elif section == "targets" and isinstance(entry, TargetLine):
            self._open(edits.target_edit(staff, entry, self.now()))

    def action_holiday(self) -> None:
        entry = self._highlighted("holidays")
        if isinstance(entry, PublicHoliday):
            self._open(edits.holiday_edit(self.staff, entry, self.now()))
        elif isinstance(entry, ClosureRange):
            self._open(edits.reopen_edit(self.staff, entry, self.now()))

    def action_add(self) -> None:
        section, staff = self.section, self.staff
        if section == "holidays":
            self._open(edits.closure_edit(staff, self.now()))
        elif section == "busy":
            self._open(edits.busy_edit(staff, self.now()))
        elif section == "targets":
            self._open(edits.target_edit(staff, None, self.now()))

    def action_remove(self) -> None:
        entry = self._highlighted(self.section)
        if isinstance(entry, ClosureRange):
            self._open(edits.reopen_edit(self.staff, entry, self.now()))
        elif isinstance(entry, BusyLine):
            self._open(edits.unbusy_edit(self.staff, entry, self.now()))
        elif isinstance(entry, PublicHoliday):
            self.notify("A public holiday: o opens on it (or closes again).", severity="warning")

    def action_import_ics(self) -> None:
        self._open(edits.import_edit(self.staff))

"""Service levels at a glance (F8 from anywhere): for supervisors the team's figures for
today, this week, the last 30 or 90 business days or a range they type, in business
time; for an agent their own. Charts of each business day (received, met, the backlog)
and of the open tickets' ages, or (c) the same as numbers for a screen reader or to
copy; per agent; the most overdue tickets, Enter opens one."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from helpdesk_tui.messages import OpenTicket
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.bindings import bindings
from helpdesk_tui.screens.dialogs import Prompt, ask_for_line
from helpdesk_tui.screens.reports.decisions import DecisionsScreen, decisions_line
from helpdesk_tui.screens.reports.service_level_charts import ServiceLevelCharts
from helpdesk_tui.services.decisions import DecisionCounts, decision_counts
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.reports import (
    ServiceLevels,
    business_time,
    clock_line,
    percent,
    recent_business_days,
    service_levels,
    time_line,
)
from helpdesk_tui.vocabulary import Role
from helpdesk_tui.widgets.formatting import count_of, plain, plain_content

RANGES = {
    "today": "Today",
    "week": "This week",
    "month": "Last 30 business days",
    "quarter": "Last 90 business days",
}
BUSINESS_DAYS = {"month": 30, "quarter": 90}


class ServiceLevelsScreen(DeskScreen[None]):
    CSS_PATH = "reports.tcss"
    # fmt: off
    BINDINGS = bindings("levels", [
        ("escape", "app.back", "Back", "Back to where you were"),
        ("t", "range('today')", "Today", "Today's figures"),
        ("w", "range('week')", "This week", "Monday to today"),
        ("m", "range('month')", "30 days", "The last 30 business days, today included"),
        ("q", "range('quarter')", "90 days", "The last 90 business days, today included"),
        ("r", "choose_range", "Range", "Type the first and last day (YYYY-MM-DD YYYY-MM-DD)"),
        ("c", "toggle_chart", "Charts/numbers", "Charts, or the same numbers as tables"),
        ("o", "overdue", "Overdue", "Go to the most overdue tickets (Enter opens one)"),
        ("d", "decisions", "Decisions", "Supervisors: what waits for a decision, with the actions"),
        ("f5", "reload", "Refresh", "Count again", False),
    ])
    # fmt: on

    def __init__(self) -> None:
        super().__init__()
        self.range = "week"
        self.chosen: tuple[date, date] | None = None  # a typed range, when range == "range"
        self.figures: ServiceLevels | None = None
        self.loads = 0  # bumped when figures reach the screen; tests wait on it

    def now(self) -> datetime | None:
        """The instant the figures are for: now (tests fix it)."""
        return None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="levels"):
            yield Static("Counting…", id="levels-title", classes="section-title")
            yield Static("", id="levels-summary")
            yield Static("", id="levels-decisions")
            yield ServiceLevelCharts(id="levels-charts")
            yield Static("Per agent", id="levels-agents-title", classes="section-title")
            yield DataTable(id="levels-agents", cursor_type="row", zebra_stripes=True)
            yield Static("Most overdue open tickets now", classes="section-title")
            yield DataTable(id="levels-overdue", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#levels-agents", DataTable).add_columns(
            "Agent", "Open now", "Resolved", "First responses met", "Calls taken"
        )
        self.query_one("#levels-overdue", DataTable).add_columns(
            "Ticket", "Late", "Clock", "Subject"
        )
        self.query_one(ServiceLevelCharts).display = False  # until the team's figures come
        self.action_reload()

    # -- which days ----------------------------------------------------------------
    def _days(self, today: date) -> tuple[date, date]:
        if self.range == "range" and self.chosen:
            return self.chosen
        if self.range == "today":
            return today, today
        return today - timedelta(days=today.weekday()), today

    def action_range(self, which: str) -> None:
        self.range = which
        self.action_reload()

    def action_choose_range(self) -> None:
        def chosen(typed: str) -> None:
            try:
                first, last = (date.fromisoformat(part) for part in typed.split())
            except ValueError:
                self.notify(
                    "Type two days as YYYY-MM-DD YYYY-MM-DD, the first day first "
                    "(2026-11-02 2026-11-30).",
                    title="Not a range",
                    severity="error",
                    markup=False,
                )
                return
            self.range, self.chosen = "range", (first, last)
            self.action_reload()

        ask_for_line(
            self,
            Prompt(
                "Service levels for a range of days",
                "The first and the last day, included: 2026-11-02 2026-11-30.",
                placeholder="YYYY-MM-DD YYYY-MM-DD",
                confirm="Show",
                max_length=40,
            ),
            chosen,
        )

    def action_reload(self) -> None:
        staff, at, pick = self.staff, self.now(), self._days
        business_days = BUSINESS_DAYS.get(self.range)

        def read(session: Any) -> ServiceLevels:
            if business_days:
                first, last = recent_business_days(session, count=business_days, now=at)
            else:
                today = (at or datetime.now(UTC)).astimezone(get_district(session).zone).date()
                first, last = pick(today)
            return service_levels(session, actor=staff, first_day=first, last_day=last, now=at)

        self.query_one("#levels-title", Static).update("Counting…")
        self.call(read, done=self._show, write=False, group="levels")

    # -- showing -------------------------------------------------------------------
    def _show(self, figures: ServiceLevels) -> None:
        self.figures = figures
        name = RANGES.get(self.range, "Range")
        zone_now = figures.now.astimezone(ZoneInfo(figures.time_zone))
        self.query_one("#levels-title", Static).update(
            plain_content(
                f"Service levels · {name} · {figures.first_day} to {figures.last_day} · "
                f"as of {zone_now:%H:%M}"
            )
        )
        self.query_one("#levels-summary", Static).update(plain(_summary(figures), multiline=True))
        charts = self.query_one(ServiceLevelCharts)
        charts.display = figures.team is not None
        if figures.team is not None:
            charts.fill(figures.team)
        self._fill_agents(figures)
        self._fill_overdue(figures)
        self.loads += 1
        if self.staff.role == Role.SUPERVISOR:
            staff, at = self.staff, self.now()
            self.call(
                lambda s: decision_counts(s, actor=staff, now=at),
                done=self._show_decisions,
                write=False,
                group="levels-decisions",
            )

    def _show_decisions(self, counts: DecisionCounts) -> None:
        self.query_one("#levels-decisions", Static).update(decisions_line(counts))

    def action_decisions(self) -> None:
        self.show(DecisionsScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decisions":
            return self.staff.role == Role.SUPERVISOR
        return True

    def _fill_agents(self, figures: ServiceLevels) -> None:
        table = self.query_one("#levels-agents", DataTable)
        table.clear()
        for a in figures.agents:
            fr = a.first_response
            table.add_row(
                plain(a.name),
                f"{a.open_now:,}",
                f"{a.resolved:,}",
                f"{fr.met:,} of {fr.met + fr.breached:,} ({percent(fr.met_percent)})",
                f"{a.calls_taken:,}",
            )
        title = "Per agent" if figures.team else "Your figures (team figures are for supervisors)"
        self.query_one("#levels-agents-title", Static).update(title)

    def _fill_overdue(self, figures: ServiceLevels) -> None:
        table = self.query_one("#levels-overdue", DataTable)
        table.clear()
        for late in figures.oldest_breaching:
            table.add_row(
                late.label,
                f"{business_time(late.late_seconds)} late",
                late.clock,
                plain(late.subject),
                key=str(late.ticket_id),
            )

    def action_toggle_chart(self) -> None:
        charts = self.query_one(ServiceLevelCharts)
        charts.show_numbers(charts.as_chart)

    def action_overdue(self) -> None:
        table = self.query_one("#levels-overdue", DataTable)
        table.focus()
        table.scroll_visible()

    @on(DataTable.RowSelected, "#levels-overdue")
    def _open_ticket(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenTicket(int(event.row_key.value), area=self.area))


def _summary(f: ServiceLevels) -> str:
    """The figures a stand-up needs, in words: what came in, how the clocks did, how
    long answers took, what is open and how old."""
    lines = []
    if f.busy_periods:
        lines.append(
            "Busy period: "
            + "; ".join(f"{p.name} (targets at {p.stretch_percent}%)" for p in f.busy_periods)
        )
    t = f.team
    if t is None:
        return "\n".join([*lines, "Team figures are for supervisors; below are your own."])
    channels = ", ".join(f"{c.label} {c.count:,}" for c in t.by_channel if c.count)
    return "\n".join(
        [
            *lines,
            f"Received: {count_of(t.received, 'ticket')}" + (f" ({channels})" if channels else ""),
            clock_line("First responses", t.first_response),
            clock_line("Resolutions", t.resolution),
            time_line("Time to first response", t.first_response_time),
            time_line(
                "Time to resolution", t.resolution_time, "; waiting on the guardian left out"
            ),
            f"Open now: {count_of(t.open_now, 'ticket')}, {t.pending_on_guardian:,} pending on "
            "the guardian; by age: " + ", ".join(f"{b.label} {b.count:,}" for b in t.open_by_age),
        ]
    )

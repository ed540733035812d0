"""The service-level dashboard's charts (textual-plotext): tickets received each business
day, first responses and resolutions met each business day (% of those decided), the
backlog at each day's close, and the open tickets by age now. ``show_numbers`` swaps
every chart for a table of the same numbers, for a screen reader or to copy them.

Side by side in pairs from 100 columns, one under the other below that; at most five
day labels under a chart, so they stay legible in half of 100 columns."""

import math
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from helpdesk_tui.services.reports import DayFigures, TeamFigures, percent
from helpdesk_tui.widgets.formatting import plain

CHARTS = (
    ("received", "Received each business day"),
    ("met", "Met each business day (% of those decided)"),
    ("backlog", "Open at the close of each business day"),
    ("ages", "Open now by age"),
)
AGE_LABELS = ("< 1 day", "1-3 days", "3-5 days", "5+ days")  # business days


class ServiceLevelCharts(Vertical):
    """The four charts and, in their place when asked, the tables of their numbers."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.as_chart = True

    def compose(self) -> ComposeResult:
        for pair in (CHARTS[:2], CHARTS[2:]):
            with Horizontal(classes="chart-pair"):
                for key, title in pair:
                    with Vertical(classes="chart-cell"):
                        yield Static(title, classes="section-title")
                        yield PlotextPlot(id=f"chart-{key}", classes="chart")
        yield Static("The same numbers", id="chart-tables-title", classes="section-title")
        yield DataTable(id="levels-days", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="levels-ages", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#levels-days", DataTable).add_columns(
            "Day",
            "Received",
            "First responses due",
            "met",
            "met %",
            "Resolutions due",
            "met",
            "met %",
            "Open at close",
            "Busy period",
        )
        self.query_one("#levels-ages", DataTable).add_columns("Open now, by age", "Tickets")
        self.show_numbers(False)

    def show_numbers(self, numbers: bool) -> None:
        self.as_chart = not numbers
        for pair in self.query(".chart-pair"):
            pair.display = not numbers
        for table in ("#chart-tables-title", "#levels-days", "#levels-ages"):
            self.query_one(table).display = numbers

    def fill(self, team: TeamFigures) -> None:
        days = team.daily
        labels = [f"{d.day:%m-%d}" for d in days]
        _bars(self.query_one("#chart-received", PlotextPlot), labels, [d.received for d in days])
        self._fill_met(days, labels)
        closed = [d for d in days if d.open_at_close is not None]
        _bars(
            self.query_one("#chart-backlog", PlotextPlot),
            [f"{d.day:%m-%d}" for d in closed],
            [d.open_at_close or 0 for d in closed],
            empty="No business day of the range has closed yet",
        )
        _bars(
            self.query_one("#chart-ages", PlotextPlot),
            list(AGE_LABELS),
            [b.count for b in team.open_by_age],
            every_label=True,
        )
        self._fill_tables(team)

    def _fill_met(self, days: Sequence[DayFigures], labels: list[str]) -> None:
        plot = self.query_one("#chart-met", PlotextPlot)
        plt = _clear(plot)
        drawn = False
        for name, pick in (
            ("first responses", lambda d: d.first_response),
            ("resolutions", lambda d: d.resolution),
        ):
            points = [
                (i + 1, pick(d).met_percent)
                for i, d in enumerate(days)
                if pick(d).met_percent is not None
            ]
            if points:
                xs, ys = zip(*points, strict=True)
                plt.plot(list(xs), list(ys), label=name, marker="hd")
                drawn = True
        if drawn:
            _day_ticks(plt, labels)
            plt.ylim(0, 130)  # the legend's two lines above 100%, clear of the lines
            plt.yticks([0, 25, 50, 75, 100])
        else:
            plt.title("Nothing was due and decided yet")
        plot.refresh()

    def _fill_tables(self, team: TeamFigures) -> None:
        table = self.query_one("#levels-days", DataTable)
        table.clear()
        for d in team.daily:
            fr, res = d.first_response, d.resolution
            table.add_row(
                f"{d.day} {d.day:%a}",
                f"{d.received:,}",
                f"{fr.due:,}",
                f"{fr.met:,}",
                percent(fr.met_percent),
                f"{res.due:,}",
                f"{res.met:,}",
                percent(res.met_percent),
                "not yet" if d.open_at_close is None else f"{d.open_at_close:,}",
                plain(d.busy_period or ""),
            )
        ages = self.query_one("#levels-ages", DataTable)
        ages.clear()
        for band in team.open_by_age:
            ages.add_row(band.label, f"{band.count:,}")


def _clear(plot: PlotextPlot) -> Plot:
    plt = plot.plt
    plt.clear_data()
    plt.clear_figure()
    return plt


def _day_ticks(plt: Plot, labels: list[str]) -> None:
    """Every few days a label, five at most, from the first day: legible in a chart 45
    columns wide. (Labels closer together collide, and plotext then keeps one or the
    other by the order of a set, so a chart could change from one run to the next.)"""
    if labels:
        shown = range(0, len(labels), max(1, math.ceil(len(labels) / 5)))
        plt.xticks([i + 1 for i in shown], [labels[i] for i in shown])


def _bars(
    plot: PlotextPlot,
    labels: list[str],
    counts: list[int],
    *,
    empty: str = "No business day of the range has begun yet",
    every_label: bool = False,
) -> None:
    plt = _clear(plot)
    if counts:
        plt.bar(labels, counts, width=0.6, marker="hd")  # half blocks: bars stay apart
        if not every_label:
            _day_ticks(plt, labels)
        top = max(max(counts), 1)
        plt.yticks(sorted({round(top * i / 4) for i in range(5)}))  # whole tickets
    else:
        plt.title(empty)
    plot.refresh()

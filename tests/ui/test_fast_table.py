"""FastTable draws exactly what DataTable draws: the same characters in the same styles,
cell by cell, for the cells it draws itself and for those it leaves to DataTable."""

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable

from helpdesk_tui.widgets.fast_table import FastTable

ROWS: list[tuple[object, ...]] = [
    (Text("Emily Moore"), Text("active"), Text("Liam Moore (Grade 3, Lincoln)")),
    (Text("Renée Núñez-Ó'Brien"), Text("disabled", style="bold red"), Text("")),
    (Text("Đặng Văn Lâm Michał Łukasz"), Text("key outstanding", style="yellow"), Text("x" * 80)),
    (
        Text("王小明 李华 张伟"),
        Text("no account", style="dim"),
        Text("王" * 30),
    ),  # wide, cut mid-glyph
    (Text("ab"), Text("[b]markup[/b]"), "a [b]str[/b] cell"),  # markup: DataTable draws it
    (Text.assemble(("two", "bold"), " styles"), Text("a\nb"), Text("tab\there")),
    (Text("right", justify="right"), Text("ellipsis " * 4, overflow="ellipsis"), Text("")),
]


def cells(segments: list[Segment]) -> list[tuple[str, Style | None]]:
    """One (character, style) per character: how a strip was cut into segments aside."""
    return [(ch, seg.style) for seg in segments for ch in seg.text]


class Tables(App[None]):
    def compose(self) -> ComposeResult:
        for table in (
            DataTable(id="stock", zebra_stripes=True),
            FastTable(id="fast", zebra_stripes=True),
        ):
            table.cursor_type = "row"
            table.add_column("Guardian", width=18)
            table.add_column("Portal", width=11)
            table.add_column("Students")  # sized by its content
            table.add_rows(ROWS)
            yield table


async def test_fast_table_draws_the_cells_datatable_draws() -> None:
    app = Tables()
    async with app.run_test(size=(90, 20)) as pilot:
        await pilot.pause()
        stock, fast = app.query_one("#stock", DataTable), app.query_one("#fast", FastTable)

        async def lines(
            table: DataTable[str], cursor_row: int
        ) -> list[list[tuple[str, Style | None]]]:
            table.focus()  # each drawn focused, as the lookup's list is while chosen from
            table.move_cursor(row=cursor_row)
            await pilot.pause()
            region = Region(0, 0, table.size.width, table.size.height)
            return [cells(list(strip)) for strip in table.render_lines(region)]

        assert stock.size == fast.size
        for cursor_row in (0, 3):  # the cursor's row drawn in the cursor's style
            drawn, ours = await lines(stock, cursor_row), await lines(fast, cursor_row)
            assert len(drawn) >= len(ROWS) + 1  # the header and every row
            for y, (want, got) in enumerate(zip(drawn, ours, strict=True)):
                assert got == want, f"line {y} with the cursor on row {cursor_row}"
        # It drew the plain cells itself (so the test compares the fast path), and left
        # the markup, multi-line and differently justified ones to DataTable.
        assert fast._plain_cell(0, 0) is not None and fast._plain_cell(3, 2) is not None
        assert fast._plain_cell(4, 2) is None and fast._plain_cell(5, 1) is None
        assert fast._plain_cell(6, 0) is None and fast._plain_cell(6, 1) is None

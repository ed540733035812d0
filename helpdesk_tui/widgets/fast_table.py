"""A DataTable that draws its plain one-line cells straight into segments.

DataTable renders every cell through Rich's layout (Padding, Styled, wrapping, then
cropping): about 60 µs a cell, and all of a table's visible cells again after any
change. The lookup changes its page on every keystroke, so that was most of a frame.
A cell holding one line of text with at most one style (what the lookup shows) is
drawn here with the same cropping and padding Rich applies, in a few microseconds;
anything else (markup spans, several lines, a header, other justifications) is left to
DataTable. tests/ui/test_fast_table.py checks both draw the same cells.
"""

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets._data_table import CellCacheKey  # the cache DataTable keeps per cell
from textual.widgets.data_table import ColumnKey, RowKey

_PLAIN_JUSTIFY = (None, "default", "left")
_CROPPING = (None, "fold", "crop")


class FastTable(DataTable[str]):
    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        plain = self._plain_cell(row_index, column_index)
        if plain is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key, column_key, cell = plain
        key: CellCacheKey = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        lines = self._cell_render_cache.get(key)
        if lines is None:
            lines = [
                self._segments(cell, row_index, column_index, base_style, width, cursor, hover)
            ]
            self._cell_render_cache[key] = lines
        return lines

    def _plain_cell(
        self, row_index: int, column_index: int
    ) -> tuple[RowKey, ColumnKey, Text] | None:
        """The cell's keys and Text if this class can draw it, else None (DataTable does)."""
        if row_index < self.fixed_rows or column_index < self.fixed_columns or row_index < 0:
            return None
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None or self.rows[row_key].height != 1:
            return None
        cell = self._data.get(row_key, {}).get(column_key)
        if not isinstance(cell, Text) or cell.spans or cell.justify not in _PLAIN_JUSTIFY:
            return None
        if cell.overflow not in _CROPPING or "\n" in cell.plain or "\t" in cell.plain:
            return None
        return row_key, column_key, cell

    def _segments(
        self,
        cell: Text,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> list[Segment]:
        """What Rich draws for the cell: padding, the text cropped or padded to the
        column, with the row's style under the cell's and the cursor's over both."""
        component, post = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pre = base_style + Style.from_meta({"row": row_index, "column": column_index})
        pre += component
        own = self.app.console.get_style(cell.style) if cell.style else None
        pad = self.cell_padding
        inner = Segment.adjust_line_length([Segment(cell.plain, own)], max(0, width - 2 * pad))
        line = [Segment(" " * pad), *inner, Segment(" " * pad)] if pad else inner
        segments = Segment.apply_style(line, pre, post or None)
        return Segment.adjust_line_length(list(segments), width, style=pre + post)

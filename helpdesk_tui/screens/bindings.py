"""Key bindings as a table: each row is key, action, label, tooltip (and whether the
footer shows it). Every binding gets an id, ``<screen>.<action>``, for keymaps."""

from collections.abc import Iterable

from textual.binding import Binding, BindingType

Row = tuple[str, str, str, str] | tuple[str, str, str, str, bool]


def bindings(screen: str, rows: Iterable[Row]) -> list[BindingType]:
    made: list[BindingType] = []
    for row in rows:
        key, action, label, tooltip = row[:4]
        show = row[4] if len(row) == 5 else True
        name = action.removeprefix("app.").split("(")[0].replace("_", "-")
        made.append(Binding(key, action, label, id=f"{screen}.{name}", tooltip=tooltip, show=show))
    return made

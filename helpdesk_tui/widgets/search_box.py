"""The lookup box: an Input that explains, instead of just beeping, when a paste is too long."""

from textual.widgets import Input


class SearchBox(Input):
    def restricted(self) -> None:
        self.app.bell()
        self.notify(
            f"The search box takes at most {self.max_length} characters, so the paste was not "
            "inserted. Copy just the name, email, phone, student number or key.",
            title="Too long to search",
            severity="warning",
        )

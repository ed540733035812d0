"""The line under the header that says the database cannot be used right now; it
disappears by itself once the database answers again."""

from textual.widgets import Static

from helpdesk_tui.widgets.formatting import plain_content


class ProblemBanner(Static):
    DEFAULT_CSS = """
    ProblemBanner {
        background: $error;
        color: $text;
        text-style: bold;
        padding: 0 1;
        height: auto;
        display: none;
    }
    ProblemBanner.-shown {
        display: block;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "database_problem", self._show)

    def _show(self, problem: str) -> None:
        self.set_class(bool(problem), "-shown")
        self.update(
            plain_content(
                f"Database unavailable ({problem}): retrying… What you type is kept; finish "
                "once this line goes away."
                if problem
                else ""
            )
        )

"""One line that says who else has this ticket or guardian open right now."""

import threading

from textual import work
from textual.widgets import Static

from helpdesk_tui.services.presence import HEARTBEAT, heartbeat, leave


class PresenceLine(Static):
    DEFAULT_CSS = """
    PresenceLine {
        color: $warning;
        text-style: bold;
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, target: str, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.target = target
        self.others: list[str] = []
        self.beats = 0  # bumped after each heartbeat; tests wait on it

    def on_mount(self) -> None:
        self.display = False
        self.beat()
        self.set_interval(HEARTBEAT.total_seconds(), self.beat)

    @work(thread=True, exclusive=True, group="presence")
    def beat(self) -> None:
        app = self.app
        with app.database.write() as session:  # type: ignore[attr-defined]
            others = heartbeat(session, actor=app.staff, target=self.target)  # type: ignore[attr-defined]
        app.call_from_thread(self._show, others)

    def _show(self, others: list[str]) -> None:
        self.others = others
        self.display = bool(others)
        self.update(f"Also open right now by: {', '.join(others)}" if others else "")
        self.beats += 1

    def on_unmount(self) -> None:
        """Say goodbye without holding up the screen change (a stale heartbeat expires
        by itself anyway, so a lost goodbye does no harm)."""
        app, target = self.app, self.target
        staff = getattr(app, "staff", None)
        if staff is None:
            return

        def goodbye() -> None:
            with app.database.write() as session:  # type: ignore[attr-defined]
                leave(session, actor=staff, target=target)

        threading.Thread(target=goodbye, name="presence-leave", daemon=True).start()

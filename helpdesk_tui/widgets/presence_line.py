"""One line that says who else has this ticket or guardian open right now."""

import logging
import threading

from textual.widgets import Static

from helpdesk_tui.services.presence import HEARTBEAT, heartbeat, leave
from helpdesk_tui.widgets.desk import desk_of, every, signed_in
from helpdesk_tui.widgets.formatting import plain_content
from helpdesk_tui.widgets.service_call import run_service

log = logging.getLogger(__name__)


class PresenceLine(Static):
    DEFAULT_CSS = """
    PresenceLine {
        color: $warning;
        text-style: bold;
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, target: str, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.target = target
        self.others: list[str] = []
        self.beats = 0  # bumped after each heartbeat; tests wait on it

    def on_mount(self) -> None:
        self.display = False
        self.beat()
        every(self, HEARTBEAT.total_seconds(), self.beat)

    def beat(self) -> None:
        staff, target = signed_in(self), self.target
        run_service(
            self,
            lambda s: heartbeat(s, actor=staff, target=target),
            done=self._show,
            group="presence",
        )

    def _show(self, others: list[str]) -> None:
        self.others = others
        self.display = bool(others)
        self.update(plain_content(f"Also open right now by: {', '.join(others)}" if others else ""))
        self.beats += 1

    def on_unmount(self) -> None:
        """Say goodbye without holding up the screen change (a stale heartbeat expires
        by itself anyway, so a lost goodbye does no harm)."""
        desk = desk_of(self)
        staff, target = desk.staff, self.target
        if staff is None:
            return

        def goodbye() -> None:
            try:
                desk.database.run(lambda s: leave(s, actor=staff, target=target))
            except Exception as exc:  # the heartbeat expires by itself; say why in the log
                log.info("presence goodbye for %s not saved: %s", target, exc)

        threading.Thread(target=goodbye, name="presence-leave", daemon=True).start()

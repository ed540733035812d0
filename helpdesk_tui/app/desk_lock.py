"""The idle lock: a desk nobody has used (no key, mouse or paste) for the district's
``desk_idle_lock_minutes`` (read at sign-in), or whose user pressed Ctrl+L, shows the
locked desk until the signed-in person types their password again (checked, throttled
and audited like a sign-in); then they are back exactly where they were.

The locked desk is a mode of its own rather than a screen pushed over the current one:
whatever a late answer opens meanwhile (a dialog, a guardian) goes onto its area's
stack, under the lock, never over it."""

import logging
import time
from collections.abc import Callable

from textual.app import App

from helpdesk_tui.screens.sign_in import DeskLockedScreen
from helpdesk_tui.services.kernel.actors import StaffMember

log = logging.getLogger(__name__)

IDLE_CHECK_SECONDS = 15.0  # how often the app checks whether the desk was left idle
LOCKED = "locked"  # the mode of the locked desk


class DeskLock:
    def __init__(
        self,
        app: App[None],
        *,
        staff: Callable[[], StaffMember | None],
        sign_out: Callable[[], object],
    ) -> None:
        self.app = app
        self._staff = staff  # who is signed in; None also while signing out
        self._sign_out = sign_out
        self.idle_minutes: int | None = None  # the district's policy, read at sign-in
        self.last_input_at = time.monotonic()  # time.monotonic() of the last input
        self.over: str | None = None  # while locked: the area under the lock

    @property
    def locked(self) -> bool:
        return self.over is not None

    def signed_in(self, idle_minutes: int) -> None:
        self.idle_minutes = idle_minutes
        self.last_input_at = time.monotonic()

    def signed_out(self) -> None:
        """The session's screens are gone, the locked desk with them."""
        self.idle_minutes = None
        self.over = None

    def input_seen(self) -> None:
        self.last_input_at = time.monotonic()

    def check(self, now: float | None = None) -> None:
        """Lock if nobody has used the desk for the idle minutes. The app's timer calls
        this every IDLE_CHECK_SECONDS; a test calls it with its own clock (``now``, in
        time.monotonic() seconds)."""
        if self.idle_minutes is None:
            return
        now = time.monotonic() if now is None else now
        if now - self.last_input_at >= self.idle_minutes * 60:
            self.lock(idle_minutes=self.idle_minutes)

    def lock(self, *, idle_minutes: int | None) -> None:
        """Hide every screen behind the locked desk; ``idle_minutes`` None: on demand."""
        staff = self._staff()
        if staff is None or self.locked:
            return
        log.info("desk locked: %s (%s)", staff.username, idle_minutes or "on demand")
        self.over = self.app.current_mode

        def locked_desk() -> DeskLockedScreen:
            return DeskLockedScreen(
                idle_minutes=idle_minutes, unlocked=self._unlocked, sign_out=self._sign_out
            )

        self.app.add_mode(LOCKED, locked_desk)
        self.app.switch_mode(LOCKED)

    def _unlocked(self, who: StaffMember) -> None:
        staff = self._staff()
        if self.over is None or staff is None or who.id != staff.id:
            return
        if (who.role, who.school_id) != (staff.role, staff.school_id):
            # Another supervisor changed the account while the desk was locked: the
            # rights of the first sign-in no longer hold, so sign in afresh.
            log.info("desk unlocked by %s, whose role or school changed: signed out", who.username)
            self.app.notify(
                "Your role or school was changed while the desk was locked: sign in again.",
                title="Signed out",
                severity="warning",
                timeout=15,
            )
            self._sign_out()
            return
        log.info("desk unlocked: %s", who.username)
        self.last_input_at = time.monotonic()
        self.app.switch_mode(self.over)
        self.over = None
        self.app.remove_mode(LOCKED)

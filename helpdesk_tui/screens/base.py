"""The bases of every screen: typed access to the desk (the signed-in staff member, the
database), service calls through the one failure path, periodic checks that tests can
drive, the database banner under the header, and leaving or opening a dialog safely
when an answer comes back late (the user may be looking at another area by then)."""

from collections.abc import Callable
from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.events import Mount, ScreenResume, ScreenSuspend
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header

from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.widgets.desk import Desk, desk_of, every, signed_in
from helpdesk_tui.widgets.problem_banner import ProblemBanner
from helpdesk_tui.widgets.service_call import run_service, tell_refused

T = TypeVar("T")
ResultT = TypeVar("ResultT")


class DeskScreen(Screen[ResultT]):
    """Subclasses compose their body in ``compose_body``; the header, the banner and
    the footer are the same on every screen."""

    def __init__(self) -> None:
        super().__init__()
        self.area = ""  # the app's mode (lookup, queue ...) this screen lives in
        self._leave_when_shown = False
        self._covered_by_dialog = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield ProblemBanner()
        yield from self.compose_body()
        yield Footer(compact=True)  # more keys in sight on 80 columns

    def compose_body(self) -> ComposeResult:
        yield from ()

    @on(Mount)
    def _remember_area(self) -> None:
        self.area = self.app.current_mode

    @property
    def desk(self) -> Desk:
        return desk_of(self)

    @property
    def staff(self) -> StaffMember:
        return signed_in(self)

    def call(
        self,
        call: Callable[[Any], T],
        *,
        done: Callable[[T], object],
        refused: Callable[[DomainError], object] | None = None,
        failed: Callable[[], object] | None = None,
        write: bool = True,
        group: str = "action",
    ) -> None:
        """``call(session)`` through the one failure path (widgets/service_call.py).
        Capture what it needs (``staff = self.staff``) before the lambda: it runs in a
        worker thread."""
        run_service(self, call, done=done, refused=refused, failed=failed, write=write, group=group)

    def act(
        self,
        call: Callable[[Any], T],
        *,
        done: Callable[[T], object],
        reload: Callable[[], object],
        again: Callable[[], object] | None = None,
    ) -> None:
        """A change in its own transaction, then ``reload`` whatever the outcome (another
        desk may have changed the record meanwhile). A refusal is shown; ``again`` asks
        once more with what was typed if the change could not be made."""

        def finished(result: T) -> None:
            done(result)
            reload()

        def refused(exc: DomainError) -> None:
            tell_refused(self, exc)
            reload()

        self.call(call, done=finished, refused=refused, failed=again)

    def every(self, seconds: float, callback: Callable[[], object]) -> None:
        every(self, seconds, callback)

    def show(self, dialog: Screen[T], callback: Callable[[T | None], None] | None = None) -> None:
        """Open ``dialog`` over this screen, in this screen's area even if the user has
        gone to another one meanwhile (they find it when they come back)."""
        self.app.push_screen(dialog, callback, mode=self.area or None)

    def leave(self) -> None:
        """Go back from this screen: now if it is in front, else as soon as it is, so a
        late answer never closes what the user is looking at."""
        if self.is_current:
            self.app.call_later(self.app.run_action, "back")
        else:
            self._leave_when_shown = True

    @on(ScreenSuspend)
    def _note_what_covers_it(self) -> None:
        # Handled once the covering screen is in front.
        self._covered_by_dialog = isinstance(self.app.screen, ModalScreen)

    @property
    def back_from_elsewhere(self) -> bool:
        """Shown again after another screen or area (what happened there may change
        what this one shows), rather than after one of its own dialogs, whose outcome
        reloads what it changed."""
        return not self._covered_by_dialog

    @on(ScreenResume)
    def _leave_if_asked(self) -> None:
        if self._leave_when_shown:
            self._leave_when_shown = False
            self.app.call_later(self.app.run_action, "back")


class DeskModal(ModalScreen[ResultT]):
    """A dialog that may close itself on a late answer from the database."""

    def __init__(self) -> None:
        super().__init__()
        self._dismissal: tuple[ResultT | None] | None = None

    def finish(self, result: ResultT | None = None) -> None:
        """Dismiss with ``result`` now if this dialog is in front, else as soon as it is
        (never the palette or another dialog opened over it meanwhile)."""
        if self.is_current:
            self.dismiss(result)
        else:
            self._dismissal = (result,)

    @on(ScreenResume)
    def _finish_if_asked(self) -> None:
        if self._dismissal is not None:
            (result,) = self._dismissal
            self._dismissal = None
            self.dismiss(result)

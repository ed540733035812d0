"""The base of every full screen: typed access to the desk (the signed-in staff member,
the database), service calls through the one failure path, periodic checks that tests
can drive, and the database banner under the header."""

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.widgets.desk import Desk, desk_of, every, signed_in
from helpdesk_tui.widgets.problem_banner import ProblemBanner
from helpdesk_tui.widgets.service_call import run_service

T = TypeVar("T")
ResultT = TypeVar("ResultT")


class DeskScreen(Screen[ResultT]):
    """Subclasses compose their body in ``compose_body``; the header, the banner and
    the footer are the same on every screen."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield ProblemBanner()
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

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
        unavailable: Callable[[], object] | None = None,
        write: bool = True,
        group: str = "action",
    ) -> None:
        run_service(
            self,
            call,
            done=done,
            refused=refused,
            unavailable=unavailable,
            write=write,
            group=group,
        )

    def every(self, seconds: float, callback: Callable[[], object]) -> None:
        every(self, seconds, callback)

"""What screens and widgets use of the app they run in: the signed-in staff member, the
database's transactions, where files go, and how the app hears that the database is
unavailable. HelpdeskApp implements this protocol (and mypy checks that it does), so
screens are typed without importing the app."""

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from textual.dom import DOMNode

from helpdesk_tui.services.kernel.actors import StaffMember

T = TypeVar("T")


class Transactions(Protocol):
    def run(self, call: Callable[[Any], T], *, write: bool = True) -> T: ...

    def ping(self) -> None: ...


class Desk(Protocol):
    @property
    def staff(self) -> StaffMember | None: ...

    @property
    def database(self) -> Transactions: ...

    @property
    def letters_dir(self) -> Path: ...

    @property
    def reports_dir(self) -> Path: ...

    @property
    def attachments_dir(self) -> Path:
        """Where staff save the files guardians sent (their Downloads folder)."""
        ...

    @property
    def timers_enabled(self) -> bool:
        """False in tests, which run each periodic check themselves."""
        ...

    @property
    def database_problem(self) -> str:
        """Why the database cannot be used right now; empty when it can."""
        ...

    def database_unavailable(self, problem: str) -> None:
        """Show that the database cannot be used, and keep checking until it can."""
        ...

    def database_reachable(self) -> None:
        """A call just went through: clear the banner if one is shown."""
        ...

    def deliver_mail_now(self) -> None:
        """Someone is waiting for a message just queued (a caller for a code): send
        what is due now rather than at the next round."""
        ...


def desk_of(node: DOMNode) -> Desk:
    return cast(Desk, node.app)


def signed_in(node: DOMNode) -> StaffMember:
    """The staff member every service call acts as. Screens past the sign-in exist only
    while someone is signed in."""
    staff = desk_of(node).staff
    if staff is None:
        raise RuntimeError("no staff member is signed in")
    return staff


def every(node: DOMNode, seconds: float, callback: Callable[[], object]) -> None:
    """Run ``callback`` every ``seconds`` while ``node`` is mounted, unless the app's
    timers are off (tests call such callbacks when they choose). While the database is
    unavailable the checks pause: the app's own probe finds out when it is back."""
    desk = desk_of(node)

    def tick() -> None:
        if not desk.database_problem:
            callback()

    if desk.timers_enabled:
        node.set_interval(seconds, tick)

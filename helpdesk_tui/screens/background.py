"""Running one service call in a thread worker, so the screen never blocks: a write
is one transaction; the result or the domain error comes back on the UI thread."""

from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode

from helpdesk_tui.services.kernel.errors import DomainError

T = TypeVar("T")


def run_in_thread(
    node: DOMNode,
    call: Callable[[Any], T],
    *,
    done: Callable[[T], None],
    failed: Callable[[DomainError], None],
    write: bool = True,
    group: str = "action",
) -> None:
    """``call(session)`` in a write transaction (or a read session), then ``done`` or
    ``failed`` on the UI thread. A refused action's audit row is committed first."""
    app = node.app

    def job() -> None:
        database = app.database  # type: ignore[attr-defined]
        try:
            with database.write() if write else database.read() as session:
                result = call(session)
        except DomainError as exc:
            app.call_from_thread(failed, exc)
            return
        app.call_from_thread(done, result)

    node.run_worker(job, thread=True, exclusive=True, group=group)


def run_action(
    node: DOMNode,
    call: Callable[[Any], T],
    *,
    done: Callable[[T], None],
    reload: Callable[[], None],
) -> None:
    """A staff action in its own transaction: ``done`` with the result, or the reason it
    was refused as a notification; either way the screen reloads what it shows, since
    the refusal may come from another desk having changed the record meanwhile."""

    def finished(result: T) -> None:
        done(result)
        reload()

    def failed(exc: DomainError) -> None:
        node.notify(str(exc), title="Not done", severity="error", timeout=10)
        reload()

    run_in_thread(node, call, done=finished, failed=failed)

"""The one way the UI calls a service: in a thread worker, in one transaction (retried
inside Database.run while the database is briefly locked or unreachable), with the
outcome delivered on the UI thread to a screen that is still there.

- done: the result.
- refused: a domain refusal (DomainError), shown as a notification unless the caller
  handles it. A write whose connection was lost while it committed comes here too,
  saying it may or may not have been done: it is never run again by itself.
- the database still unavailable after the retries: the app shows its banner and keeps
  checking; ``failed`` lets the caller give back what the user typed.
- anything else is a bug: logged with its traceback, the user is told, ``failed`` gives
  back what was typed, and the app goes on. A bug in one of the callbacks above is
  caught the same way.

A read superseded by a newer read in the same group (a search per keystroke) delivers
nothing; a write always reports back, and reads never cancel writes. Every failure
leaves one line in the log; never a secret (services never put one in an error message,
and the log scrubs anything shaped like one).
"""

import contextlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from helpdesk_tui.services.kernel.errors import DatabaseUnavailable, DomainError, OutcomeUnknown
from helpdesk_tui.services.kernel.text import clean_text
from helpdesk_tui.widgets.desk import desk_of

log = logging.getLogger(__name__)
T = TypeVar("T")


def run_service(
    node: DOMNode,
    call: Callable[[Any], T],
    *,
    done: Callable[[T], object],
    refused: Callable[[DomainError], object] | None = None,
    failed: Callable[[], object] | None = None,
    write: bool = True,
    group: str = "action",
) -> Worker[None]:
    """``call(session)`` off the UI thread; see the module docstring for what follows."""
    desk = desk_of(node)
    where = f"{type(node).__name__}/{group}"

    def deliver(callback: Callable[..., object], *args: Any) -> None:
        def on_ui_thread() -> None:
            if not _still_shown(node):  # the screen closed while the call ran
                return
            try:
                callback(*args)
            except Exception:
                log.exception("%s: showing the outcome failed", where)
                _tell_failed(node)

        with contextlib.suppress(RuntimeError):  # the app is shutting down
            node.app.call_from_thread(on_ui_thread)

    def job() -> None:
        if not write and get_current_worker().is_cancelled:
            return  # superseded before it started
        try:
            result = desk.database.run(call, write=write)
        except DomainError as exc:
            log.info("%s refused: %s", where, exc)
            deliver(refused or (lambda e: tell_refused(node, e)), exc)
        except OutcomeUnknown as exc:
            log.warning("%s: outcome unknown (%s)", where, exc)
            deliver(refused or (lambda e: tell_refused(node, e)), DomainError(str(exc)))
        except DatabaseUnavailable as exc:
            log.warning("%s failed: database unavailable (%s)", where, exc)
            deliver(desk.database_unavailable, str(exc))
            if failed is not None:
                deliver(failed)
        except Exception:
            log.exception("%s failed unexpectedly", where)
            deliver(_tell_failed, node)
            if failed is not None:
                deliver(failed)
        else:
            deliver(desk.database_reachable)
            if not write and get_current_worker().is_cancelled:
                return  # a newer read in this group superseded this one
            deliver(done, result)

    # Reads in a group supersede each other (a search per keystroke); writes never
    # cancel anything, and are never cancelled by a read.
    return node.run_worker(
        job,
        thread=True,
        exclusive=not write,
        group=group if write else f"{group}:read",
        name=where,
        exit_on_error=False,
    )


def _still_shown(node: DOMNode) -> bool:
    """Attached, and not being taken down: while a screen is removed it is still
    attached for a moment with its widgets already gone (Textual keeps no public flag
    for that, hence its own private ones)."""
    leaving = any(getattr(node, flag, False) for flag in ("_closing", "_closed", "_pruning"))
    return node.is_attached and not leaving


def tell_refused(node: DOMNode, exc: DomainError) -> None:
    """A refusal, as staff read it. Its words may name a guardian or a student: never
    read as markup, and nothing in them reaches the terminal as a control."""
    node.app.notify(
        clean_text(str(exc)), title="Not done", severity="error", timeout=10, markup=False
    )


def _tell_failed(node: DOMNode) -> None:
    node.app.notify(
        "Something went wrong. It is in the log; try again, and tell the district's IT if "
        "it happens again.",
        title="Not done",
        severity="error",
        timeout=15,
    )

"""The queue's search box: it searches every ticket the staff member may open (by
number, words of the subject or messages, or the requester) and tells the queue what
it found. Typing searches after a short pause (a search per keystroke would queue up
on a large district); Enter searches at once, and asks the queue to go to the result."""

from textual import on
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from helpdesk_tui.services.tickets import MAX_SEARCH_LENGTH, SearchPage, search_tickets
from helpdesk_tui.widgets.desk import signed_in
from helpdesk_tui.widgets.formatting import count_of, markup, plain_content
from helpdesk_tui.widgets.search_box import SearchBox
from helpdesk_tui.widgets.service_call import run_service

PAUSE = 0.25  # seconds after the last key before a search runs
PLACEHOLDER = "Ticket number (HD-1042), words of the subject or messages, or a requester's name"


class TicketSearchBox(SearchBox):
    class Found(Message):
        """What a search found (``found`` None and ``error`` set when it was refused);
        ``go``: Enter was pressed, so open the ticket or move to the list."""

        def __init__(self, found: SearchPage | None, error: str = "", go: bool = False) -> None:
            super().__init__()
            self.found = found
            self.error = error
            self.go = go

    def __init__(self) -> None:
        super().__init__(
            placeholder=PLACEHOLDER, id="ticket-search", max_length=MAX_SEARCH_LENGTH, compact=True
        )
        self.found: SearchPage | None = None
        self._pause: Timer | None = None

    def restricted(self) -> None:
        self.app.bell()
        self.notify(
            f"Ticket search takes at most {self.max_length} characters, so the paste was not "
            "inserted. Copy just the ticket number, a few words or the name.",
            title="Too long to search",
            severity="warning",
        )

    def _wait(self) -> None:
        if self._pause is not None:
            self._pause.stop()
            self._pause = None

    def clear_search(self) -> None:
        self._wait()
        self.found = None
        with self.prevent(Input.Changed):
            self.value = ""

    @on(Input.Changed)
    def _typed(self) -> None:
        self._wait()
        self._pause = self.set_timer(PAUSE, self.search)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self._wait()
        if self.found is not None and self.found.text == self.value:
            self.post_message(self.Found(self.found, go=True))
        else:
            self.search(go=True)

    def search(self, *, go: bool = False) -> None:
        staff, typed = signed_in(self), self.value
        run_service(
            self,
            lambda s: search_tickets(s, actor=staff, text=typed),
            done=lambda found: self._done(found, go),
            refused=lambda exc: self._done(None, go, typed, str(exc)),
            write=False,
            group="ticket-search",
        )

    def _done(self, found: SearchPage | None, go: bool, typed: str = "", error: str = "") -> None:
        if (found.text if found else typed) != self.value or not self.display:
            return  # stale: the box changed (or was closed) while it ran
        self.found = found
        self.post_message(self.Found(found, error, go))


def heading(view_label: str) -> Content:
    """The line over the table while search results are shown."""
    return markup(
        "[reverse] Search [/] every status, newest first  ·  Esc: back to $view", view=view_label
    )


def summary(found: SearchPage | None, error: str = "") -> Content:
    """Short, to fit beside the box at 80 columns."""
    if error:
        return plain_content(error)
    if found is None or not found.text.strip():
        return Content("Type a number, words or a name")
    if not found.rows:
        return markup("No ticket matches “$text”", text=found.text.strip())
    if found.by_number:
        return Content("Enter opens it")
    if found.more:
        return Content(f"{len(found.rows)} newest shown; add a word to narrow")
    return Content(f"{count_of(len(found.rows), 'ticket')}; ↓ and Enter opens one")

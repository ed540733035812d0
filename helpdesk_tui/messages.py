"""Messages screens post for the app to route. Which screen opens, and onto which stack,
is the app's decision, so no screen imports (or builds) another. ``area`` is the app's
mode the asking screen lives in: the new screen opens there, even if the user has gone
to another area by the time the answer came back."""

from textual.message import Message


class OpenGuardian(Message):
    """Show this guardian's record (the lookup, a key check, a ticket, a report asked)."""

    def __init__(self, guardian_id: int, *, area: str = "") -> None:
        super().__init__()
        self.guardian_id = guardian_id
        self.area = area


class OpenTicket(Message):
    """Show this ticket (the queue, or a call just started on the guardian's record)."""

    def __init__(self, ticket_id: int, *, area: str = "") -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.area = area

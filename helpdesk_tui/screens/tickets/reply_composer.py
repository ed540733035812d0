"""Writing a reply: choose a canned answer in the guardian's language (or the other
one), read and edit the filled-in text, then send. A reply someone else sent in the
meantime is caught by the service and shown here before anything goes out."""

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static, TextArea

from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.tickets import CannedText, TicketDetail, canned_for
from helpdesk_tui.vocabulary import Language
from helpdesk_tui.widgets.desk import signed_in
from helpdesk_tui.widgets.formatting import plain_content
from helpdesk_tui.widgets.service_call import run_service


@dataclass(frozen=True)
class Draft:
    body: str
    seen_replies: int


class ReplyComposer(ModalScreen[Draft | None]):
    CSS_PATH = "tickets.tcss"
    BINDINGS = [
        Binding(
            "ctrl+s", "send", "Send", id="reply.send", tooltip="Send the reply to the guardian"
        ),
        Binding("escape", "cancel", "Cancel", id="reply.cancel", tooltip="Discard the draft"),
    ]

    def __init__(
        self, detail: TicketDetail, *, draft: str = "", answered_meanwhile: bool = False
    ) -> None:
        super().__init__()
        self.detail = detail
        self.draft = draft  # a reply that was not sent, given back to finish
        self.answered_meanwhile = answered_meanwhile  # someone replied while it was written
        self.canned: list[CannedText] = []
        self.warned = ""  # the answer whose untrue claim was pointed out

    def compose(self) -> ComposeResult:
        d = self.detail
        with Vertical(classes="dialog", id="reply-dialog"):
            yield Label(plain_content(f"Reply on {d.label} to {d.who}"), classes="dialog-title")
            with Horizontal(classes="reply-pickers"):
                yield Select(
                    [(lang.label, lang.value) for lang in Language],
                    value=d.language,
                    allow_blank=False,
                    id="reply-language",
                    compact=True,
                )
                yield Select([], prompt="canned answer", id="reply-canned", compact=True)
            yield TextArea(self.draft, id="reply-body")
            yield Static(
                "Someone else replied while you wrote (see the conversation). Your draft is "
                "below: send it only if it still adds something."
                if self.answered_meanwhile
                else "",
                id="reply-error",
                classes="error",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Send (ctrl+s)", variant="primary", id="reply-send")
                yield Button("Cancel", id="reply-cancel")

    def on_mount(self) -> None:
        self.query_one("#reply-body", TextArea).focus()
        self._load_canned(self.detail.language)

    def _load_canned(self, lang: str) -> None:
        ticket_id, staff = self.detail.id, signed_in(self)
        run_service(
            self,
            lambda s: canned_for(s, actor=staff, ticket_id=ticket_id, lang=lang),
            done=self._show_canned,
            refused=self._no_canned,
            write=False,
            group="canned",
        )

    def _no_canned(self, exc: DomainError) -> None:
        self.query_one("#reply-error", Static).update(plain_content(f"No canned answers: {exc}"))

    def _show_canned(self, canned: list[CannedText]) -> None:
        self.canned = canned
        picker = self.query_one("#reply-canned", Select)
        picker.set_options(
            [(c.title if c.done else f"{c.title} (not done yet)", c.key) for c in canned]
        )
        body = self.query_one("#reply-body", TextArea)
        true_now = [c for c in canned if c.done]
        if true_now and not body.text.strip():  # a draft given back is never replaced
            # The first answer that is true now: what the timeline shows was done, else
            # the category's own answer if it claims nothing, else "we are on it".
            picker.value = true_now[0].key
        body.focus()

    @on(Select.Changed, "#reply-language")
    def _language(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._load_canned(event.value)

    @on(Select.Changed, "#reply-canned")
    def _chosen(self, event: Select.Changed) -> None:
        chosen = next((c for c in self.canned if c.key == event.value), None)
        if chosen:
            self.query_one("#reply-body", TextArea).text = chosen.body

    @on(Button.Pressed, "#reply-send")
    def action_send(self) -> None:
        body = self.query_one("#reply-body", TextArea).text.strip()
        error = self.query_one("#reply-error", Static)
        if not body:
            error.update("Write the reply, or pick a canned answer.")
            return
        untrue = self._untrue_claim(body)
        if untrue is not None and self.warned != untrue.key:
            self.warned = untrue.key  # said once: a second ctrl+s sends it as it is
            error.update(
                plain_content(
                    f"This reply tells the family: {untrue.claims}. The ticket's timeline "
                    "shows no such action yet. Do it first (Esc keeps nothing), edit the "
                    "text, or press ctrl+s again to send it anyway."
                )
            )
            return
        self.dismiss(Draft(body, self.detail.reply_count))

    def _untrue_claim(self, body: str) -> CannedText | None:
        """The canned answer this body still carries whose claim is not on the
        timeline (its first paragraph after the greeting, unedited)."""
        for c in self.canned:
            if c.done:
                continue
            paragraphs = [p.strip() for p in c.body.split("\n\n") if p.strip()]
            if len(paragraphs) > 1 and paragraphs[1] in body:
                return c
        return None

    @on(Button.Pressed, "#reply-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

"""One ticket: who it is from, the running clock, the conversation (replies, notes and
the guardian's messages told apart), the timeline; reply, note, wait on the guardian,
resolve, merge, and open the guardian."""

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static
from textual.worker import get_current_worker

from helpdesk_tui.screens.background import run_action, run_in_thread
from helpdesk_tui.screens.reason_prompt import Prompt, ReasonPrompt
from helpdesk_tui.screens.reply_composer import Draft, ReplyComposer
from helpdesk_tui.services import tickets
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.presence import target_for
from helpdesk_tui.services.tickets import TicketDetail, get_ticket_detail, merge_tickets
from helpdesk_tui.widgets.formatting import time_left, when
from helpdesk_tui.widgets.presence_line import PresenceLine

# Actions on the guardian worth naming in the closing note.
CLOSING_ACTIONS = (
    "verification",
    "key_reissued",
    "account_unlocked",
    "account_disabled",
    "username_sent",
    "password_reset_sent",
    "verification_resent",
    "username_changed",
    "account_reset",
)
MESSAGE_STYLES = {
    "incoming": ("From the guardian", "blue"),
    "reply": ("Reply to the guardian", "green"),
    "note": ("Internal note (staff only)", "yellow"),
}


class TicketDetailScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="ticket.back", tooltip="Back to the queue"),
        Binding(
            "r",
            "reply",
            "Reply",
            id="ticket.reply",
            tooltip="Reply to the guardian (canned answers EN/ES)",
        ),
        Binding("n", "note", "Note", id="ticket.note", tooltip="Add an internal note"),
        Binding(
            "p",
            "pending",
            "Pending",
            id="ticket.pending",
            tooltip="Waiting on the guardian: stop the clocks",
        ),
        Binding("o", "reopen", "Reopen", id="ticket.reopen", tooltip="Open again: the clocks run"),
        Binding(
            "s", "resolve", "Resolve", id="ticket.resolve", tooltip="Resolve with a closing note"
        ),
        Binding("c", "claim", "Claim", id="ticket.claim", tooltip="Assign to me"),
        Binding(
            "m",
            "merge",
            "Merge",
            id="ticket.merge",
            tooltip="Merge this duplicate into another ticket",
        ),
        Binding("g", "guardian", "Guardian", id="ticket.guardian", tooltip="Open the guardian"),
        Binding("f5", "refresh", "Refresh", id="ticket.refresh", tooltip="Load the ticket again"),
    ]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.detail: TicketDetail | None = None
        self.loads = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ticket"):
            yield Static("", id="ticket-title")
            yield Static("", id="ticket-clock")
            yield Static("", id="ticket-who")
            yield PresenceLine(target_for("ticket", self.ticket_id), id="presence")
            yield Label("Conversation", classes="section-title")
            yield VerticalScroll(id="conversation")
            yield Label("Timeline", classes="section-title")
            yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#timeline", DataTable).add_columns("Time", "Staff", "What", "Detail")
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    def on_screen_resume(self) -> None:
        """Back from the guardian (or a dialog): what was done there is on the timeline."""
        if self.detail is not None:
            self.action_refresh()

    @work(thread=True, exclusive=True, group="ticket")
    def _load(self) -> None:
        try:
            with self.app.database.read() as session:  # type: ignore[attr-defined]
                detail = get_ticket_detail(session, actor=self.app.staff, ticket_id=self.ticket_id)  # type: ignore[attr-defined]
        except DomainError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if not get_current_worker().is_cancelled:  # a newer load supersedes this one
            self.app.call_from_thread(self._show, detail)

    def _show(self, d: TicketDetail) -> None:
        self.detail = d
        merged = f"  ·  merged into {d.merged_into}" if d.merged_into else ""
        self.query_one("#ticket-title", Static).update(
            f"{d.label}  ·  {d.subject}  ·  [b]{d.status}[/]  ·  {d.priority}  ·  {d.category}  ·  {d.channel}{merged}"
        )
        if d.status == "pending":
            clock = "[dim]Clocks paused: waiting on the guardian.[/]"
        elif d.due_at is None or d.seconds_left is None:
            clock = "No clock running."
        else:
            colour = (
                "red" if d.seconds_left < 0 else "yellow" if d.seconds_left <= 7200 else "green"
            )
            clock = f"{d.clock.capitalize()} due {when(d.due_at)}: [{colour}]{time_left(d.seconds_left)}[/] (business time)"
        self.query_one("#ticket-clock", Static).update(clock)
        self.query_one("#ticket-who", Static).update(
            f"From {d.who}{' (g opens the guardian)' if d.guardian_id else ''}  ·  "
            f"{d.school or 'no school'}  ·  assigned to {d.assignee or 'nobody'}  ·  opened {when(d.created_at)}"
        )
        conversation = self.query_one("#conversation", VerticalScroll)
        conversation.remove_children()
        blocks = []
        for m in d.messages:
            title, colour = MESSAGE_STYLES.get(m.kind, (m.kind, "white"))
            block = Static(m.body, classes=f"message message-{m.kind}")
            block.border_title = f"{title} · {m.author} · {when(m.at)}"
            block.styles.border = ("round", colour)
            blocks.append(block)
        if not blocks:
            blocks.append(Static("No messages yet.", classes="hint"))
        conversation.mount_all(blocks)
        table = self.query_one("#timeline", DataTable)
        table.clear()
        for e in d.events:
            table.add_row(when(e.at), e.staff, e.kind.replace("_", " "), e.detail)
        self.refresh_bindings()
        self.loads += 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        d = self.detail
        if d is None:
            return True if action in ("refresh",) else None
        closed = d.status == "closed"
        rules = {
            "reply": not closed,
            "note": not closed,
            "pending": d.status in ("new", "open"),
            "reopen": d.status in ("pending", "resolved"),
            "resolve": d.status in ("new", "open", "pending"),
            "claim": not closed and d.assignee_id != self.app.staff.id,  # type: ignore[attr-defined]
            "merge": not closed,
            "guardian": d.guardian_id is not None,
        }
        allowed = rules.get(action, True)
        return True if allowed else None

    # -- actions -----------------------------------------------------------------
    def _act(self, call, message: str) -> None:  # type: ignore[no-untyped-def]
        run_action(
            self, call, done=lambda _: self.notify(message, timeout=4), reload=self.action_refresh
        )

    def action_reply(self) -> None:
        if self.detail:
            self.app.push_screen(ReplyComposer(self.detail), callback=self._send)

    def _send(self, draft: Draft | None) -> None:
        if draft is None or self.detail is None:
            return
        actor, tid, subject = self.app.staff, self.ticket_id, self.detail.subject  # type: ignore[attr-defined]

        def sent(_: object) -> None:
            self.notify("Reply queued to the guardian.", timeout=4)
            self.action_refresh()

        def refused(exc: DomainError) -> None:
            if isinstance(exc, tickets.StaleReply):
                self._reopen_draft(draft.body)  # show the new reply, keep the draft
            else:
                self.notify(str(exc), title="Not sent", severity="error", timeout=10)

        run_in_thread(
            self,
            lambda s: tickets.reply(
                s,
                actor=actor,
                ticket_id=tid,
                subject=subject,
                body=draft.body,
                seen_replies=draft.seen_replies,
            ),
            done=sent,
            failed=refused,
        )

    def _reopen_draft(self, body: str) -> None:
        actor, tid = self.app.staff, self.ticket_id  # type: ignore[attr-defined]

        def reopened(detail: TicketDetail) -> None:
            self._show(detail)
            self.app.push_screen(ReplyComposer(detail, draft=body), callback=self._send)

        run_in_thread(
            self,
            lambda s: get_ticket_detail(s, actor=actor, ticket_id=tid),
            done=reopened,
            failed=lambda exc: self.notify(str(exc), severity="error"),
            write=False,
        )

    def _ask(self, prompt: Prompt, then) -> None:  # type: ignore[no-untyped-def]
        self.app.push_screen(ReasonPrompt(prompt), callback=lambda v: v is not None and then(v))

    def action_note(self) -> None:
        actor, tid = self.app.staff, self.ticket_id  # type: ignore[attr-defined]
        self._ask(
            Prompt(
                "Internal note",
                "Staff only; never sent to the guardian.",
                placeholder="Note",
                confirm="Add note",
                max_length=2000,
            ),
            lambda text: self._act(
                lambda s: tickets.add_note(s, actor=actor, ticket_id=tid, body=text), "Note added."
            ),
        )

    def action_pending(self) -> None:
        actor, tid = self.app.staff, self.ticket_id  # type: ignore[attr-defined]
        self._act(
            lambda s: tickets.set_pending(s, actor=actor, ticket_id=tid),
            "Waiting on the guardian; clocks stopped.",
        )

    def action_reopen(self) -> None:
        actor, tid = self.app.staff, self.ticket_id  # type: ignore[attr-defined]
        self._act(
            lambda s: tickets.reopen(s, actor=actor, ticket_id=tid), "Open again; the clocks run."
        )

    def action_resolve(self) -> None:
        actor, tid = self.app.staff, self.ticket_id  # type: ignore[attr-defined]
        self._ask(
            Prompt(
                "Resolve",
                "The closing note below says what was done during this ticket; Enter "
                "resolves with it, or edit it first.",
                placeholder="What was done",
                confirm="Resolve",
                required=False,
                max_length=2000,
                initial=self._closing_note(),
            ),
            lambda text: self._act(
                lambda s: tickets.resolve(s, actor=actor, ticket_id=tid, note=text), "Resolved."
            ),
        )

    def _closing_note(self) -> str:
        """The canned closing note: the category and what was done on the guardian."""
        d = self.detail
        if d is None:
            return ""
        done = [
            e.kind.replace("_", " ")
            for e in d.events
            if e.kind in CLOSING_ACTIONS and not e.detail.startswith("REFUSED")
        ]
        what = ", ".join(dict.fromkeys(done)) or "question answered"
        return f"Resolved ({d.channel}, {d.category}): {what}."

    def action_claim(self) -> None:
        actor, tid = self.app.staff, self.ticket_id  # type: ignore[attr-defined]
        self._act(lambda s: tickets.claim(s, actor=actor, ticket_id=tid), "Assigned to you.")

    def action_merge(self) -> None:
        actor, tid = self.app.staff, self.ticket_id  # type: ignore[attr-defined]

        def merge(text: str) -> None:
            number = "".join(ch for ch in text if ch.isdigit())
            if not number:
                self.notify("Type the other ticket's number, such as HD-1042.", severity="error")
                return
            self._act(
                lambda s: merge_tickets(
                    s, actor=actor, duplicate_id=tid, into_id=tickets.ticket_id_for(s, int(number))
                ),
                f"Merged into HD-{number}; this ticket is closed.",
            )

        self._ask(
            Prompt(
                "Merge this duplicate",
                "Its conversation moves to the other ticket and it closes with a link.",
                placeholder="Other ticket, e.g. HD-1042",
                confirm="Merge",
                max_length=20,
            ),
            merge,
        )

    def action_guardian(self) -> None:
        if self.detail and self.detail.guardian_id:
            from helpdesk_tui.screens.guardian_detail import GuardianDetailScreen

            self.app.push_screen(GuardianDetailScreen(self.detail.guardian_id))

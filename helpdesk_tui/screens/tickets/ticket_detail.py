"""One ticket: who it is from, the running clock, the conversation (replies, notes and
the guardian's messages told apart), the timeline; reply, note, wait on the guardian,
resolve, merge, and open the guardian."""

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Label, Static

from helpdesk_tui.messages import OpenGuardian
from helpdesk_tui.screens.bindings import bindings
from helpdesk_tui.screens.dialogs import Prompt, ask_for_line
from helpdesk_tui.screens.tickets.attachments_dialog import AttachmentsDialog
from helpdesk_tui.screens.tickets.reply_composer import Draft, ReplyComposer
from helpdesk_tui.screens.tickets.ticket_corrections import TicketCorrections
from helpdesk_tui.services import tickets
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.presence import target_for
from helpdesk_tui.vocabulary import (
    MessageKind,
    TicketStatus,
)
from helpdesk_tui.widgets.formatting import count_of, markup, plain, plain_content, time_left, when
from helpdesk_tui.widgets.presence_line import PresenceLine

MESSAGE_COLOURS = {
    MessageKind.INCOMING: "dodgerblue",  # "blue" was hard to read on the dark theme
    MessageKind.REPLY: "green",
    MessageKind.NOTE: "yellow",
}


class TicketDetailScreen(TicketCorrections):
    CSS_PATH = "tickets.tcss"
    # fmt: off
    BINDINGS = bindings("ticket", [
        # The footer shows them in this order: the daily ones first.
        ("r", "reply", "Reply", "Reply to the guardian (canned answers EN/ES)"),
        ("n", "note", "Note", "Add an internal note"),
        ("s", "resolve", "Resolve", "Resolve with a closing note"),
        ("p", "pending", "Pending", "Waiting on the guardian: stop the clocks"),
        ("c", "claim", "Claim", "Assign to me"),
        ("g", "guardian", "Guardian", "Open the guardian"),
        ("e", "category", "Category", "Correct the category (the service targets follow)"),
        ("u", "priority", "Priority", "Change the priority (the due times follow)"),
        ("l", "link", "Link family", "Link the family this ticket is for"),
        ("a", "attachments", "Files", "Save a file the guardian emailed (never opened here)"),
        ("o", "reopen", "Reopen", "Open again: the clocks run"),
        ("m", "merge", "Merge", "Merge this duplicate into another ticket"),
        ("escape", "app.back", "Back", "Back to where you were"),
        ("f5", "refresh", "Refresh", "Load the ticket again", False),
    ])
    # fmt: on

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.route = f"ticket:{ticket_id}"  # the app reopens this screen, not a copy
        self.detail: tickets.TicketDetail | None = None
        self.loads = 0

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="ticket"):
            yield Static("", id="ticket-title")
            yield Static("", id="ticket-clock")
            yield Static("", id="ticket-who")
            yield PresenceLine(target_for("ticket", self.ticket_id), id="presence")
            yield Label("Conversation", classes="section-title")
            yield VerticalScroll(id="conversation")
            yield Label("Timeline", classes="section-title")
            yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#timeline", DataTable).add_columns("Time", "Staff", "What", "Detail")
        self.action_refresh()

    def action_refresh(self) -> None:
        staff, tid = self.staff, self.ticket_id
        self.call(
            lambda s: tickets.get_ticket_detail(s, actor=staff, ticket_id=tid),
            done=self._show,
            write=False,
            group="ticket",
        )

    def on_screen_resume(self) -> None:
        """Back from the guardian (or another area): what was done there is on the
        timeline."""
        if self.detail is not None and self.back_from_elsewhere:
            self.action_refresh()

    def _show(self, d: tickets.TicketDetail) -> None:
        self.detail = d
        merged = f"  ·  merged into {d.merged_into}" if d.merged_into else ""
        # The subject, names and messages come from outside (an email, the SIS): they go
        # in as plain text, never as markup.
        self.query_one("#ticket-title", Static).update(
            markup(
                "$label  ·  $subject  ·  [b]$status[/]  ·  $rest",
                label=d.label,
                subject=d.subject,
                status=d.status.label,
                rest=f"{d.priority.label}  ·  {d.category.label}  ·  {d.channel.label}{merged}",
            )
        )
        if d.status == TicketStatus.PENDING:
            clock = "[dim]Clocks paused: waiting on the guardian.[/]"
        elif d.due_at is None or d.seconds_left is None:
            clock = "No clock running."
        else:
            left = d.seconds_left
            colour = "red" if left < 0 else "yellow" if left <= 7200 else "green"
            clock = f"{d.clock.capitalize()} due {when(d.due_at)}: [{colour}]{time_left(left)}[/] (business time)"
        self.query_one("#ticket-clock", Static).update(clock)
        self.query_one("#ticket-who", Static).update(
            plain_content(
                f"From {d.who}{' (g opens the guardian)' if d.guardian_id else ''}  ·  "
                f"{d.school or 'no school'}  ·  assigned to {d.assignee or 'nobody'}  ·  "
                f"opened {when(d.created_at)}"
            )
        )
        conversation = self.query_one("#conversation", VerticalScroll)
        conversation.remove_children()
        blocks = []
        for m in d.messages:
            block = Static(
                plain_content(m.body, multiline=True), classes=f"message message-{m.kind}"
            )
            files = f" · {count_of(m.attachments, 'attachment')} (a)" if m.attachments else ""
            block.border_title = plain_content(
                f"{m.kind.label.capitalize()} · {m.author} · {when(m.at)}{files}"
            )
            block.styles.border = ("round", MESSAGE_COLOURS[m.kind])
            blocks.append(block)
        if not blocks:
            blocks.append(Static("No messages yet.", classes="hint"))
        conversation.mount_all(blocks)
        table = self.query_one("#timeline", DataTable)
        table.clear()
        for e in d.events:
            what = (
                plain(f"{e.what} ({e.outcome})", style="red")
                if e.came_to_nothing
                else plain(e.what)
            )
            table.add_row(when(e.at), plain(e.staff), what, plain(e.detail))
        self.refresh_bindings()
        self.loads += 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        d = self.detail
        if d is None:
            return True if action == "refresh" else None
        closed = d.status == TicketStatus.CLOSED
        rules = {
            "reply": not closed,
            "note": not closed,
            "pending": d.status in (TicketStatus.NEW, TicketStatus.OPEN),
            "reopen": d.status in (TicketStatus.PENDING, TicketStatus.RESOLVED),
            "resolve": d.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED),
            "claim": not closed and d.assignee_id != self.staff.id,
            "merge": not closed,
            "guardian": d.guardian_id is not None,
            "attachments": any(m.attachments for m in d.messages),
            "category": not closed,
            "priority": not closed,
            "link": not closed,
        }
        return True if rules.get(action, True) else None

    # -- actions -----------------------------------------------------------------
    def _act(
        self,
        call: Callable[[Any], object],
        message: str,
        again: Callable[[], object] | None = None,
    ) -> None:
        """A change to the ticket; it reloads whatever the outcome."""
        self.act(
            call,
            done=lambda _: self.notify(message, timeout=4, markup=False),
            reload=self.action_refresh,
            again=again,
        )

    def action_reply(self, draft: str = "") -> None:
        if self.detail:
            self.show(ReplyComposer(self.detail, draft=draft), callback=self._send)

    def _send(self, draft: Draft | None) -> None:
        if draft is None or self.detail is None:
            return
        staff, tid, subject = self.staff, self.ticket_id, self.detail.subject

        def sent(_: object) -> None:
            self.notify("Reply queued to the guardian.", timeout=4)
            self.action_refresh()

        def refused(exc: DomainError) -> None:
            if isinstance(exc, tickets.StaleReply):
                self._reopen_draft(draft.body)  # show the new reply, keep the draft
            else:
                self.notify(str(exc), title="Not sent", severity="error", timeout=10, markup=False)
                self.action_reply(draft.body)

        self.call(
            lambda s: tickets.reply(
                s,
                actor=staff,
                ticket_id=tid,
                subject=subject,
                body=draft.body,
                seen_replies=draft.seen_replies,
            ),
            done=sent,
            refused=refused,
            failed=lambda: self.action_reply(draft.body),
        )

    def _reopen_draft(self, body: str) -> None:
        staff, tid = self.staff, self.ticket_id

        def reopened(detail: tickets.TicketDetail) -> None:
            self._show(detail)
            composer = ReplyComposer(detail, draft=body, answered_meanwhile=True)
            self.show(composer, callback=self._send)

        self.call(
            lambda s: tickets.get_ticket_detail(s, actor=staff, ticket_id=tid),
            done=reopened,
            failed=lambda: self.action_reply(body),
            write=False,
        )

    def action_note(self, typed: str = "") -> None:
        staff, tid = self.staff, self.ticket_id
        ask_for_line(
            self,
            Prompt(
                "Internal note",
                "Staff only; never sent to the guardian.",
                placeholder="Note",
                confirm="Add note",
                max_length=2000,
                initial=typed,
            ),
            lambda text: self._act(
                lambda s: tickets.add_note(s, actor=staff, ticket_id=tid, body=text),
                "Note added.",
                again=lambda: self.action_note(text),
            ),
        )

    def action_pending(self) -> None:
        staff, tid = self.staff, self.ticket_id
        self._act(
            lambda s: tickets.set_pending(s, actor=staff, ticket_id=tid),
            "Waiting on the guardian; clocks stopped.",
        )

    def action_reopen(self) -> None:
        staff, tid = self.staff, self.ticket_id
        self._act(
            lambda s: tickets.reopen(s, actor=staff, ticket_id=tid), "Open again; the clocks run."
        )

    def action_resolve(self, typed: str | None = None) -> None:
        staff, tid = self.staff, self.ticket_id
        ask_for_line(
            self,
            Prompt(
                "Resolve",
                "The closing note below says what was done during this ticket; Enter "
                "resolves with it, or edit it first.",
                placeholder="What was done",
                confirm="Resolve",
                required=False,
                max_length=2000,
                initial=(tickets.closing_note(self.detail) if self.detail else "")
                if typed is None
                else typed,
            ),
            lambda text: self._act(
                lambda s: tickets.resolve(s, actor=staff, ticket_id=tid, note=text),
                "Resolved.",
                again=lambda: self.action_resolve(text),
            ),
        )

    def action_claim(self) -> None:
        staff, tid = self.staff, self.ticket_id
        self._act(lambda s: tickets.claim(s, actor=staff, ticket_id=tid), "Assigned to you.")

    def action_merge(self, typed: str = "") -> None:
        staff, tid = self.staff, self.ticket_id

        def merge(text: str) -> None:
            number = "".join(ch for ch in text if ch.isdigit())
            if not number:
                self.notify("Type the other ticket's number, such as HD-1042.", severity="error")
                return
            self._act(
                lambda s: tickets.merge_tickets(
                    s, actor=staff, duplicate_id=tid, into_id=tickets.ticket_id_for(s, int(number))
                ),
                f"Merged into HD-{number}; this ticket is closed.",
                again=lambda: self.action_merge(text),
            )

        ask_for_line(
            self,
            Prompt(
                "Merge this duplicate",
                "Its conversation moves to the other ticket and it closes with a link.",
                placeholder="Other ticket, e.g. HD-1042",
                confirm="Merge",
                max_length=20,
                initial=typed,
            ),
            merge,
        )

    def action_attachments(self) -> None:
        if self.detail:
            dialog = AttachmentsDialog(
                self.ticket_id, label=self.detail.label, folder=self.desk.attachments_dir
            )
            self.show(dialog, callback=lambda _: self.action_refresh())  # "attachment saved"

    def action_guardian(self) -> None:
        if self.detail and self.detail.guardian_id:
            self.post_message(OpenGuardian(self.detail.guardian_id, area=self.area))

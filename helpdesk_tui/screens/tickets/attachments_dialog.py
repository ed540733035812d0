"""The files that came with a ticket's emails: name, kind, size, and whose email at
what time. Enter saves the highlighted one to the staff member's folder and says where;
the helpdesk never opens or runs a file (staff open the saved copy themselves)."""

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from helpdesk_tui.screens.base import DeskModal
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.tickets import (
    AttachmentFile,
    AttachmentView,
    attachment_content,
    attachments_of,
    write_attachment,
)
from helpdesk_tui.widgets.desk import signed_in
from helpdesk_tui.widgets.formatting import count_of, markup, plain, plain_content, when
from helpdesk_tui.widgets.service_call import run_service

NAME_WIDTH = 34  # the list shows the start of a long name; the saved line shows it all


def _short(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else f"{name[: NAME_WIDTH - 1]}…"


class AttachmentsDialog(DeskModal[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="attachments.close", tooltip="Back to the ticket")
    ]

    def __init__(self, ticket_id: int, *, label: str, folder: Path) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.label = label
        self.folder = folder
        self.files: tuple[AttachmentView, ...] = ()
        self.saved: list[Path] = []  # where this dialog saved files, in order

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="attachments-dialog"):
            yield Label(
                plain_content(f"Attachments on {self.label}"),
                classes="dialog-title",
                id="attachments-title",
            )
            yield Static(
                plain_content(
                    f"Enter saves the highlighted file to {self.folder}. The helpdesk "
                    "never opens a file: open the saved copy yourself. Esc closes."
                ),
                id="attachments-hint",
            )
            yield DataTable(id="attachments", cursor_type="row", zebra_stripes=True)
            yield Static("", id="attachments-status")

    def on_mount(self) -> None:
        self.query_one("#attachments", DataTable).add_columns("Name", "Type", "Size", "From")
        staff, tid = signed_in(self), self.ticket_id
        run_service(
            self,
            lambda s: attachments_of(s, actor=staff, ticket_id=tid),
            done=self._show,
            refused=self._refused_list,
            failed=lambda: self.finish(None),
            write=False,
            group="attachments",
        )

    def _show(self, files: tuple[AttachmentView, ...]) -> None:
        self.files = files
        table = self.query_one("#attachments", DataTable)
        table.clear()
        for f in files:
            table.add_row(
                plain(_short(f.filename)),
                plain(f.kind),
                plain(f.size_words),
                plain(f"{f.author} · {when(f.at)}"),
                key=str(f.id),
            )
        status = self.query_one("#attachments-status", Static)
        if files:
            status.update(plain_content(f"{count_of(len(files), 'file')} from the guardian."))
            table.focus()
        else:
            status.update("No files came with this ticket's emails.")

    def _refused_list(self, error: DomainError) -> None:
        self.notify(str(error), title="Attachments", severity="error", markup=False)
        self.finish(None)

    @on(DataTable.RowSelected, "#attachments")
    def _save(self, event: DataTable.RowSelected) -> None:
        chosen = next((f for f in self.files if str(f.id) == event.row_key.value), None)
        if chosen is None:
            return
        staff, folder, file_id = signed_in(self), self.folder, chosen.id
        self.query_one("#attachments-status", Static).update(
            plain_content(f"Saving {chosen.filename}…")
        )

        def to_disk(file: AttachmentFile) -> None:
            # Written once the "attachment saved" audit row is committed, outside the
            # write transaction (a slow or network Downloads folder holds no lock).
            run_service(
                self,
                lambda _session: write_attachment(file, folder),
                done=self._saved,
                refused=self._not_saved,
                failed=lambda: self._not_saved(None),
                write=False,
                group="save",
            )

        run_service(
            self,
            lambda s: attachment_content(s, actor=staff, attachment_id=file_id),
            done=to_disk,
            refused=self._not_saved,
            failed=lambda: self._not_saved(None),
            group="save",
        )

    def _saved(self, path: Path) -> None:
        self.saved.append(path)
        self.query_one("#attachments-status", Static).update(
            markup("Saved as [b]$path[/b]  (open it from there yourself).", path=path)
        )

    def _not_saved(self, error: DomainError | None) -> None:
        why = str(error) if error else "The database could not be reached; try again."
        self.query_one("#attachments-status", Static).update(
            markup("[b]Not saved:[/b] $why", why=why)
        )

    def action_close(self) -> None:
        self.dismiss(None)

"""The new key, shown once: read it out, copy it, or print the letter. When this
closes the key is gone from the screen and from the app."""

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.recovery import IssuedKey, save_key_letter
from helpdesk_tui.vocabulary import Delivery
from helpdesk_tui.widgets.formatting import count_of, day, markup, plain_content
from helpdesk_tui.widgets.service_call import run_service


class KeyShownModal(ModalScreen[str]):
    CSS_PATH = "guardian.tcss"
    BINDINGS = [
        Binding("c", "copy", "Copy key", id="key.copy", tooltip="Copy the key to the clipboard"),
        Binding("p", "letter", "Print letter", id="key.letter", tooltip="Save the letter as a PDF"),
        Binding(
            "escape,enter",
            "close",
            "Done",
            id="key.close",
            tooltip="Close; the key is not shown again",
        ),
        Binding(
            "s",
            "close('resolve')",
            "Done, resolve call",
            id="key.resolve",
            tooltip="Close, then resolve this call's ticket with a note of what was done",
        ),
    ]

    def __init__(self, issued: IssuedKey, *, letters_dir: Path, staff_name: str) -> None:
        super().__init__()
        self.issued: IssuedKey | None = issued
        self.letters_dir = letters_dir
        self.staff_name = staff_name
        self.letter_path: Path | None = None

    def compose(self) -> ComposeResult:
        issued = self.issued
        assert issued is not None
        delivery = (
            f"Emailed to {issued.emailed_to}."
            if issued.emailed_to
            else "Deliver it with the printed letter (saved below)."
        )
        with Vertical(classes="dialog", id="key-dialog"):
            yield Label(
                plain_content(f"New activation key for {issued.guardian_name}"),
                classes="dialog-title",
            )
            yield Static(issued.key, id="key-value", markup=False)
            yield Static(
                plain_content(
                    f"Expires {day(issued.expires_at)}. {delivery} "
                    f"{count_of(issued.notices, 'notice')} queued to the addresses on file."
                    + (
                        f" {issued.revoked_previous} unused key revoked."
                        if issued.revoked_previous
                        else ""
                    )
                ),
                id="key-facts",
            )
            yield Static(
                "This is the only time the key is shown. It is not stored: after Done, "
                "only its last four characters remain.",
                classes="hint",
            )
            yield Static("", id="letter-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done", variant="primary", id="key-done")
                yield Button("Copy (c)", id="key-copy")
                yield Button("Letter PDF (p)", id="key-letter")
                yield Button("Done, resolve call (s)", id="key-resolve")

    def on_mount(self) -> None:
        self.query_one("#key-done", Button).focus()
        if self.issued and self.issued.delivery == Delivery.LETTER:
            self.action_letter()

    @on(Button.Pressed, "#key-copy")
    def action_copy(self) -> None:
        if self.issued:
            self.app.copy_to_clipboard(self.issued.key)
            self.notify("Key copied to the clipboard.", timeout=3)

    @on(Button.Pressed, "#key-letter")
    def action_letter(self) -> None:
        issued = self.issued
        if issued is None:
            return
        if self.letter_path is not None and self.letter_path.exists():
            # One copy of the live key on disk at a time: a second would only linger.
            self.query_one("#letter-status", Static).update(
                markup(
                    "The letter is already saved: $path\nPrint it, then delete the file "
                    "(it holds the key); P saves it again after that.",
                    path=self.letter_path,
                )
            )
            return

        staff_name, folder = self.staff_name, self.letters_dir
        run_service(
            self,
            lambda s: save_key_letter(s, issued=issued, staff_name=staff_name, folder=folder),
            done=self._letter_saved,
            refused=self._letter_failed,
            write=False,
            group="letter",
        )

    def _letter_saved(self, path: Path) -> None:
        self.letter_path = path
        self.query_one("#letter-status", Static).update(
            markup(
                "Letter saved: $path\nPrint it, then delete the file (it holds the key).",
                path=path,
            )
        )

    def _letter_failed(self, exc: DomainError) -> None:
        self.query_one("#letter-status", Static).update(
            markup("[red]Letter not saved: $error[/]", error=exc)
        )

    @on(Button.Pressed, "#key-resolve")
    def _resolve(self) -> None:
        self.action_close("resolve")

    @on(Button.Pressed, "#key-done")
    def action_close(self, then: str | None = None) -> None:
        self.issued = None
        self.query_one("#key-value", Static).update("")
        self.dismiss(then)

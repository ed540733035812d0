"""The staff screen's dialogs: a new account, a choice from a short list (a role, a
school), and a temporary password shown once."""

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from helpdesk_tui.screens.base import DeskModal
from helpdesk_tui.services.staff import MAX_CREDENTIAL_LENGTH
from helpdesk_tui.vocabulary import Role
from helpdesk_tui.widgets.formatting import plain_content

CANCEL = Binding("escape", "cancel", "Cancel", id="staff-dialog.cancel", tooltip="Do nothing")


@dataclass(frozen=True, slots=True)
class NewStaff:
    username: str
    full_name: str
    role: str
    school_code: str | None
    password: str


class AddStaffDialog(DeskModal[NewStaff]):
    """A new account's details; the password typed twice. ``error`` says what was wrong
    with the last try (whose details, but not the password, are filled in again)."""

    BINDINGS = [CANCEL]

    def __init__(self, last: NewStaff | None = None, error: str = "") -> None:
        super().__init__()
        self.last = last
        self.error = error

    def compose(self) -> ComposeResult:
        last = self.last
        with Vertical(classes="dialog", id="add-staff"):
            yield Label("Add a staff account", classes="dialog-title")
            yield Input(last.username if last else "", placeholder="Username", id="add-username")
            yield Input(last.full_name if last else "", placeholder="Full name", id="add-name")
            yield Select(
                [(r.label, r.value) for r in Role],
                value=last.role if last else Role.AGENT.value,
                allow_blank=False,
                id="add-role",
            )
            yield Input(
                (last.school_code or "") if last else "",
                placeholder="School code (a school clerk only)",
                id="add-school",
            )
            for box, hint in (("add-password", "Password"), ("add-again", "Password again")):
                yield Input(
                    placeholder=hint, password=True, id=box, max_length=MAX_CREDENTIAL_LENGTH
                )
            yield Static(self.error, id="add-error", classes="error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", variant="primary", id="add-confirm")
                yield Button("Cancel", id="add-cancel")

    def on_mount(self) -> None:
        self.query_one("#add-username", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        """Enter goes to the next box; in the last one it adds."""
        if event.input.id == "add-again":
            self._confirm()
        else:
            self.focus_next()

    @on(Button.Pressed, "#add-confirm")
    def _confirm(self) -> None:
        def value(box: str) -> str:
            return self.query_one(f"#{box}", Input).value

        password = value("add-password")
        if not password or password != value("add-again"):
            self.query_one("#add-error", Static).update(
                "Type the same password in both password boxes."
            )
            return
        role = self.query_one("#add-role", Select).value
        self.finish(
            NewStaff(
                username=value("add-username").strip(),
                full_name=value("add-name").strip(),
                role=str(role),
                school_code=value("add-school").strip() or None,
                password=password,
            )
        )

    @on(Button.Pressed, "#add-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoicePicker(DeskModal[str]):
    """One of a few choices, by arrow keys and Enter: answers the chosen value."""

    BINDINGS = [CANCEL]

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices  # (value, words)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker"):
            yield Label(plain_content(self.title_text), classes="dialog-title")
            yield OptionList(
                *(Option(plain_content(words), id=value) for value, words in self.choices),
                id="picker-options",
            )
            yield Static("↑↓ choose · Enter confirms · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one("#picker-options", OptionList)
        values = [value for value, _ in self.choices]
        options.highlighted = values.index(self.current) if self.current in values else 0
        options.focus()

    @on(OptionList.OptionSelected, "#picker-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.finish(event.option.id or "")

    def action_cancel(self) -> None:
        self.dismiss(None)


class ShownOnce(DeskModal[None]):
    """A reset's temporary password: shown here once, never stored in the clear."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="shown-once.close", tooltip="Close"),
    ]

    def __init__(self, message: str, password: str) -> None:
        super().__init__()
        self.message = message
        self.password = password

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="shown-once"):
            yield Label("Temporary password", classes="dialog-title")
            yield Static(self.message, markup=False)
            yield Static(self.password, id="temporary-password", markup=False)
            yield Static(
                "It is shown only now: give it to the person (check first that they are "
                "who they say). It only lets them choose a new password when they sign in.",
                classes="hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done", variant="primary", id="shown-once-done")

    def on_mount(self) -> None:
        self.query_one("#shown-once-done", Button).focus()

    @on(Button.Pressed, "#shown-once-done")
    def action_close(self) -> None:
        self.dismiss(None)

"""One dialog for every setting: the values to type (or choose), checked in place as
they are typed, with the preview line ("a ticket created now would be due ...") under
them; Save checks once more, asks for confirmation when the change moves due dates, and
saves. A refusal is shown in the dialog, with what was typed kept."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from helpdesk_tui.screens.base import DeskModal
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.widgets.formatting import plain_content
from helpdesk_tui.widgets.service_call import run_service

Values = dict[str, str]
UNCHANGED = "Change a value: what it would do shows here before anything is saved."


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, words): a choice, not a box
    max_length: int = 300


@dataclass(frozen=True, slots=True)
class Checked:
    """What a change would do: the preview line, and whether it moves due dates."""

    line: str
    moves_due_dates: bool = False


@dataclass(frozen=True)
class Edit:
    """A setting to change: ``check(values)`` and ``save(values)`` give the service
    calls (``call(session)``, run in a worker) that preview and make the change."""

    title: str
    explanation: str
    fields: tuple[Field, ...]
    check: Callable[[Values], Callable[[Any], Checked]]
    save: Callable[[Values], Callable[[Any], str]]
    confirm: str = "Save"


class SettingDialog(DeskModal[str]):
    """Answers the saved change's message; nothing when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="setting.cancel", tooltip="Save nothing"),
        Binding("ctrl+s", "save", "Save", id="setting.save", tooltip="Check, then save"),
    ]

    def __init__(self, edit: Edit) -> None:
        super().__init__()
        self.edit = edit
        self.checks = 0  # previews shown; tests wait on it
        self.saving = False
        self.first_values: Values = {}

    def compose(self) -> ComposeResult:
        edit = self.edit
        with Vertical(classes="dialog", id="setting-dialog"):
            yield Label(plain_content(edit.title), classes="dialog-title")
            yield Static(plain_content(edit.explanation), classes="hint")
            for field in edit.fields:
                yield Label(plain_content(field.label), classes="field-label")
                if field.choices:
                    yield Select(
                        [(words, value) for value, words in field.choices],
                        value=field.value,
                        allow_blank=False,
                        id=f"field-{field.key}",
                        compact=True,
                    )
                else:
                    yield Input(
                        field.value,
                        placeholder=field.placeholder,
                        id=f"field-{field.key}",
                        max_length=field.max_length,
                        compact=True,  # a dialog of four values fits 24 lines
                    )
            yield Static("", id="setting-preview", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(edit.confirm, variant="primary", id="setting-save")
                yield Button("Cancel", id="setting-cancel")

    def on_mount(self) -> None:
        self.first_values = self.values()
        if self.edit.fields:
            self.query_one(f"#field-{self.edit.fields[0].key}").focus()
        else:
            self.query_one("#setting-save", Button).focus()
        self._check()

    def values(self) -> Values:
        found: Values = {}
        for field in self.edit.fields:
            widget = self.query_one(f"#field-{field.key}")
            value = widget.value if isinstance(widget, Input | Select) else ""
            found[field.key] = "" if value is Select.BLANK else str(value)
        return found

    def _show(self, text: str, *, error: bool) -> None:
        preview = self.query_one("#setting-preview", Static)
        preview.update(plain_content(text, multiline=True))
        preview.set_class(error, "error")
        self.checks += 1

    # -- checking as values are typed ----------------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._check()

    def _check(self) -> None:
        values = self.values()
        if self.edit.fields and values == self.first_values and any(values.values()):
            # Nothing typed yet: say how it works rather than "nothing to change".
            self._show(UNCHANGED, error=False)
            return
        call = self.edit.check(values)
        run_service(
            self,
            call,
            done=lambda checked: self._show(checked.line, error=False),
            refused=lambda exc: self._show(str(exc), error=True),
            write=False,
            group="setting-check",
        )

    # -- saving --------------------------------------------------------------------------
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter goes to the next box; in the last one it saves."""
        boxes = [f"field-{f.key}" for f in self.edit.fields if not f.choices]
        if boxes and event.input.id != boxes[-1]:
            self.focus_next()
        else:
            self.action_save()

    @on(Button.Pressed, "#setting-save")
    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        values = self.values()
        run_service(
            self,
            self.edit.check(values),
            done=lambda checked: self._checked(values, checked),
            refused=self._refused,
            failed=self._stopped,
            write=False,
            group="setting-final-check",
        )

    def _checked(self, values: Values, checked: Checked) -> None:
        self._show(checked.line, error=False)
        if checked.moves_due_dates and self.edit.fields:
            # A dialog without values to type is itself the confirmation.
            self.app.push_screen(
                ConfirmMove(checked.line, self.edit.confirm),
                lambda yes: self._write(values) if yes else self._stopped(),
            )
        else:
            self._write(values)

    def _write(self, values: Values) -> None:
        run_service(
            self,
            self.edit.save(values),
            done=self.finish,
            refused=self._refused,
            failed=lambda: self._stopped("Not saved: the database did not answer; try again."),
        )

    def _refused(self, exc: DomainError) -> None:
        self._show(str(exc), error=True)
        self.saving = False

    def _stopped(self, message: str = "") -> None:
        if message:
            self._show(message, error=True)
        self.saving = False

    @on(Button.Pressed, "#setting-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmMove(DeskModal[bool]):
    """ "This moves due dates": saved only when confirmed."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="confirm-move.cancel", tooltip="Save nothing"),
    ]

    def __init__(self, line: str, confirm: str) -> None:
        super().__init__()
        self.line = line
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-move"):
            yield Label("This moves due dates", classes="dialog-title")
            yield Static(plain_content(self.line), markup=False)
            yield Static("Save it all the same?", classes="hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm, variant="warning", id="confirm-move-yes")
                yield Button("Cancel", id="confirm-move-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-move-yes", Button).focus()

    @on(Button.Pressed, "#confirm-move-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-move-no")
    def action_cancel(self) -> None:
        self.dismiss(False)

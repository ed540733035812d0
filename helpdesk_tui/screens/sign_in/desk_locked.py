"""The locked desk: the screen that replaces everything while a desk is left idle (or
locked with Ctrl+L). It shows who is signed in and asks for their password, checked
like a sign-in (the same throttle, lockout and audit); the right one takes them back
exactly where they were. Someone else at the desk signs out instead."""

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.sign_in.sign_in_screen import NOT_CHECKED
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.staff import MAX_CREDENTIAL_LENGTH, authenticate, record_desk_locked


class DeskLockedScreen(DeskScreen[None]):
    """The app shows this in a mode of its own, so nothing opened meanwhile by a late
    answer (a dialog, a guardian) can appear over it. ``unlocked`` is called with the
    staff member once their password is right; ``sign_out`` ends the session."""

    CSS_PATH = "sign_in.tcss"

    def __init__(
        self,
        *,
        idle_minutes: int | None,
        unlocked: Callable[[StaffMember], object],
        sign_out: Callable[[], object],
    ) -> None:
        super().__init__()
        self.idle_minutes = idle_minutes
        self._unlocked = unlocked
        self._sign_out = sign_out

    def compose_body(self) -> ComposeResult:
        staff = self.staff
        why = (
            f"Nobody used this desk for {self.idle_minutes} minutes, so it hid the screen."
            if self.idle_minutes
            else "This desk is locked: the screen is hidden."
        )
        with Vertical(id="desk-locked-box"):
            yield Label("Desk locked", id="desk-locked-title")
            yield Static(why, classes="hint")
            yield Static(
                f"Signed in: {staff.full_name} ({staff.username}, {staff.role_label}).",
                id="desk-locked-who",
                markup=False,
            )
            yield Static("Type your password to go back to where you were.")
            yield Input(
                placeholder="Password",
                password=True,
                id="unlock-password",
                max_length=MAX_CREDENTIAL_LENGTH,
            )
            with Horizontal(id="desk-locked-buttons"):
                yield Button("Unlock", variant="primary", id="unlock")
                yield Button("Sign out instead", id="sign-out-instead")
            yield Static("", id="unlock-message")

    def on_mount(self) -> None:
        self.query_one("#unlock-password", Input).focus()
        staff, minutes = self.staff, self.idle_minutes
        self.call(
            lambda s: record_desk_locked(s, actor=staff, idle_minutes=minutes),
            done=lambda _: None,
            group="desk-locked",
        )

    @on(Input.Submitted, "#unlock-password")
    @on(Button.Pressed, "#unlock")
    def _submit(self) -> None:
        password = self.query_one("#unlock-password", Input).value
        if not password:
            self._show_error("Type your password.")
            return
        staff = self.staff
        database = self.desk.database
        self.query_one("#unlock", Button).disabled = True
        self.query_one("#unlock-message", Static).update("Checking…")
        # authenticate runs its own transactions (the password check outside them); the
        # session this call is given is not used.
        self.call(
            lambda _session: authenticate(database, username=staff.username, password=password),
            done=self._checked,
            refused=lambda exc: self._failed(str(exc)),
            failed=lambda: self._failed(NOT_CHECKED),
            write=False,
            group="unlock",
        )

    def _checked(self, who: StaffMember) -> None:
        if who.id != self.staff.id:  # cannot happen: the username is the signed-in one's
            self._failed("That is not the account signed in here. Sign out instead.")
            return
        self._unlocked(who)

    def _failed(self, message: str) -> None:
        self.query_one("#unlock", Button).disabled = False
        password = self.query_one("#unlock-password", Input)
        password.value = ""
        password.focus()
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        widget = self.query_one("#unlock-message", Static)
        widget.update(message)
        widget.set_class(True, "error")

    @on(Button.Pressed, "#sign-out-instead")
    def _sign_out_instead(self) -> None:
        self._sign_out()

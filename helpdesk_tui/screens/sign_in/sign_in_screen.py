"""Staff sign-in. A wrong username or password gets one message that says neither;
repeated failures are slowed down, then lock the account (see services/staff). After a
supervisor reset the password, the temporary one leads to a second step on this screen:
a new password, typed twice, before anything else opens."""

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError, SignInFailed
from helpdesk_tui.services.staff import (
    MAX_CREDENTIAL_LENGTH,
    DeskPolicy,
    PasswordChangeRequired,
    authenticate,
    desk_policy,
    set_own_password,
)

NOT_CHECKED = (
    "The password could not be checked just now (see the line above); try again in a moment."
)
CHOOSE_NEW = (
    "A supervisor reset your password: choose a new one (8 or more characters, with a "
    "letter, a digit and a symbol). Esc goes back."
)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who signed in, and the district's desk policy (the idle lock) read then."""

    staff: StaffMember
    policy: DeskPolicy


class SignInScreen(DeskScreen[SignedIn | None]):
    CSS_PATH = "sign_in.tcss"
    BINDINGS = [
        Binding(
            "escape", "leave", "Quit", id="sign-in.quit", tooltip="Close the app without signing in"
        ),
    ]

    def __init__(self, *, demo: bool = False) -> None:
        super().__init__()
        self.demo = demo
        self._temporary: tuple[str, str] | None = None  # username, temporary password

    def compose_body(self) -> ComposeResult:
        with Vertical(id="sign-in-box"):
            yield Label("Sign in to the Parent Portal helpdesk", id="sign-in-title")
            yield Input(
                placeholder="Staff username", id="username", max_length=MAX_CREDENTIAL_LENGTH
            )
            yield Input(
                placeholder="Password",
                password=True,
                id="password",
                max_length=MAX_CREDENTIAL_LENGTH,
            )
            yield Button("Sign in", variant="primary", id="sign-in")
            with Vertical(id="new-password-box"):
                yield Static(CHOOSE_NEW, id="new-password-hint")
                for box, hint in (("new-password", "New password"), ("again", "Again")):
                    yield Input(
                        placeholder=hint, password=True, id=box, max_length=MAX_CREDENTIAL_LENGTH
                    )
                yield Button("Set password and sign in", variant="primary", id="set-password")
            yield Static("", id="sign-in-message")
            if self.demo:
                yield Static(
                    "Demo district: demo-agent, demo-clerk or demo-supervisor, "
                    "password demo-password",
                    classes="hint",
                )

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    @on(Input.Submitted, "#username")
    def _to_password(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#sign-in")
    def _submit(self) -> None:
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        if not username.strip() or not password:
            self._show_error("Type your staff username and password.")
            return
        self.query_one("#sign-in", Button).disabled = True
        self.query_one("#sign-in-message", Static).update("Checking…")
        database = self.desk.database

        def sign_in(session: Any) -> SignedIn:
            # The policy first, in this call's read; authenticate runs its own
            # transactions (the password check outside them).
            policy = desk_policy(session)
            staff = authenticate(database, username=username, password=password)
            return SignedIn(staff, policy)

        self.call(
            sign_in,
            done=self.dismiss,
            refused=lambda exc: self._refused(exc, username, password),
            failed=lambda: self._failed(NOT_CHECKED),
            write=False,
            group="sign-in",
        )

    def _refused(self, exc: DomainError, username: str, password: str) -> None:
        if not isinstance(exc, PasswordChangeRequired):
            self._failed(str(exc))
            return
        self._temporary = (username, password)
        self._show_step(new_password=True)
        self._show_error("")

    def _show_step(self, *, new_password: bool) -> None:
        """The sign-in boxes, or the new password's (after a reset)."""
        for selector in ("#username", "#password", "#sign-in"):
            self.query_one(selector).display = not new_password
        self.query_one("#new-password-box").display = new_password
        self.query_one("#sign-in", Button).disabled = False
        for box in ("#password", "#new-password", "#again"):
            self.query_one(box, Input).value = ""
        self.query_one("#new-password" if new_password else "#password", Input).focus()

    @on(Input.Submitted, "#new-password")
    def _to_again(self) -> None:
        self.query_one("#again", Input).focus()

    @on(Input.Submitted, "#again")
    @on(Button.Pressed, "#set-password")
    def _set_password(self) -> None:
        if self._temporary is None:
            return
        new = self.query_one("#new-password", Input).value
        again = self.query_one("#again", Input).value
        if not new or new != again:
            self._retry_new("Type the same new password in both boxes.")
            return
        username, temporary = self._temporary
        self.query_one("#set-password", Button).disabled = True
        self.query_one("#sign-in-message", Static).update("Checking…")
        database = self.desk.database

        def change(session: Any) -> SignedIn:
            policy = desk_policy(session)
            staff = set_own_password(
                database, username=username, temporary_password=temporary, new_password=new
            )
            return SignedIn(staff, policy)

        self.call(
            change,
            done=self.dismiss,
            refused=self._new_refused,
            failed=lambda: self._retry_new(NOT_CHECKED),
            write=False,
            group="sign-in",
        )

    def _new_refused(self, exc: DomainError) -> None:
        if isinstance(exc, SignInFailed):
            # The temporary password no longer works (a lock, another reset): start over.
            self._temporary = None
            self._show_step(new_password=False)
            self._show_error(str(exc))
            return
        self._retry_new(str(exc))  # a password rule broken: type another

    def _retry_new(self, message: str) -> None:
        self.query_one("#set-password", Button).disabled = False
        for box in ("#new-password", "#again"):
            self.query_one(box, Input).value = ""
        self.query_one("#new-password", Input).focus()
        self._show_error(message)

    def _failed(self, message: str) -> None:
        self.query_one("#sign-in", Button).disabled = False
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        widget = self.query_one("#sign-in-message", Static)
        widget.update(message)
        widget.set_class(bool(message), "error")

    def action_leave(self) -> None:
        if self._temporary is not None:  # back from the new password to signing in
            self._temporary = None
            self._show_step(new_password=False)
            return
        self.dismiss(None)

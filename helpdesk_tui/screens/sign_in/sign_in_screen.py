"""Staff sign-in. A wrong username or password gets one message that says neither;
repeated failures are slowed down, then lock the account (see services/staff)."""

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.staff import (
    MAX_CREDENTIAL_LENGTH,
    DeskPolicy,
    authenticate,
    desk_policy,
)

NOT_CHECKED = (
    "The password could not be checked just now (see the line above); try again in a moment."
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
            refused=lambda exc: self._failed(str(exc)),
            failed=lambda: self._failed(NOT_CHECKED),
            write=False,
            group="sign-in",
        )

    def _failed(self, message: str) -> None:
        self.query_one("#sign-in", Button).disabled = False
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        widget = self.query_one("#sign-in-message", Static)
        widget.update(message)
        widget.set_class(True, "error")

    def action_leave(self) -> None:
        self.dismiss(None)

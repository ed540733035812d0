"""'My key was already used': type or paste the key the parent reads out and see whose
it is, what became of it and which login redeemed it."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static

from helpdesk_tui.messages import OpenGuardian
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.recovery import KeyCheck, check_key
from helpdesk_tui.vocabulary import KeyStatus
from helpdesk_tui.widgets.formatting import day, markup, plain_content, when


class KeyCheckScreen(DeskScreen[None]):
    CSS_PATH = "lookup.tcss"
    BINDINGS = [
        Binding("escape", "app.back", "Back", id="keycheck.back", tooltip="Back to where you were"),
        Binding(
            "ctrl+o",
            "open_owner",
            "Key's guardian",
            id="keycheck.owner",
            tooltip="Open the guardian the key was issued to (to reissue)",
        ),
        Binding(
            "ctrl+r",
            "open_redeemer",
            "Account's guardian",
            id="keycheck.redeemer",
            tooltip="Open the guardian whose login used the key (to disable it)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: KeyCheck | None = None
        self.checks = 0

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Key check: type or paste the key; case, braces, dashes and spaces do not matter.",
            classes="hint",
            id="keycheck-hint",
        )
        yield Input(
            placeholder="{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", id="key-input", max_length=200
        )
        yield Static("", id="keycheck-result")

    def on_mount(self) -> None:
        self.query_one("#key-input", Input).focus()

    @on(Input.Submitted, "#key-input")
    def _check(self, event: Input.Submitted) -> None:
        staff, text = self.staff, event.value
        self.call(
            lambda s: check_key(s, actor=staff, key_text=text),
            done=self._show,
            refused=self._failed,
        )

    def _failed(self, exc: DomainError) -> None:
        self.result = None
        self.query_one("#keycheck-result", Static).update(markup("[red]$error[/]", error=exc))
        self.refresh_bindings()
        self.checks += 1

    def _show(self, k: KeyCheck) -> None:
        self.result = k
        # Names, usernames and reasons were typed elsewhere: put in as plain text.
        lines = [
            markup("[b]Key …$last4[/]: [b]$status[/]", last4=k.last4, status=k.status),
            markup(
                "Issued to: [b]$name[/] (guardian #$id) on $at by $by",
                name=k.guardian_name,
                id=k.guardian_id,
                at=when(k.issued_at),
                by=k.issued_by,
            ),
            plain_content(f"Expires: {day(k.expires_at)}"),
        ]
        if k.status == KeyStatus.REDEEMED:
            lines.append(
                markup(
                    "Redeemed $at by login [b]$login[/] ($state), the account of $owner.",
                    at=when(k.redeemed_at),
                    login=k.account_username,
                    state=k.account_status,
                    owner=k.account_guardian_name or "unknown",
                )
            )
            lines.append(
                Content(
                    "If someone else in the family used this key, verify the caller, then "
                    "disable that login with a reason (ctrl+r opens it) and reissue (ctrl+o)."
                )
            )
        elif k.status == KeyStatus.REVOKED:
            lines.append(
                plain_content(
                    f"Revoked {when(k.revoked_at)}: {k.revoke_reason or 'no reason recorded'}. "
                    "A newer key replaced it."
                )
            )
        elif k.status == KeyStatus.EXPIRED:
            lines.append(
                Content("Expired: verify the caller and reissue (ctrl+o opens the guardian).")
            )
        else:
            lines.append(
                Content(
                    "Still unused and valid: the parent can redeem it now at the portal's New "
                    "User page."
                )
            )
        self.query_one("#keycheck-result", Static).update(Content("\n").join(lines))
        self.refresh_bindings()
        self.checks += 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_owner":
            return True if self.result else None
        if action == "open_redeemer":
            return True if self.result and self.result.account_guardian_id else None
        return True

    def action_open_owner(self) -> None:
        if self.result:
            self.post_message(OpenGuardian(self.result.guardian_id, area=self.area))

    def action_open_redeemer(self) -> None:
        if self.result and self.result.account_guardian_id:
            self.post_message(OpenGuardian(self.result.account_guardian_id, area=self.area))

"""'My key was already used': type or paste the key the parent reads out and see whose
it is, what became of it and which login redeemed it."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from helpdesk_tui.screens.background import run_in_thread
from helpdesk_tui.screens.guardian_detail import GuardianDetailScreen
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.recovery import KeyCheck, check_key
from helpdesk_tui.widgets.formatting import day, when


class KeyCheckScreen(Screen[None]):
    BINDINGS = [
        Binding(
            "escape", "app.pop_screen", "Back", id="keycheck.back", tooltip="Back to the lookup"
        ),
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

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Key check: type or paste the key; case, braces, dashes and spaces do not matter.",
            classes="hint",
            id="keycheck-hint",
        )
        yield Input(
            placeholder="{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", id="key-input", max_length=200
        )
        yield Static("", id="keycheck-result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#key-input", Input).focus()

    @on(Input.Submitted, "#key-input")
    def _check(self, event: Input.Submitted) -> None:
        actor, text = self.app.staff, event.value  # type: ignore[attr-defined]

        def check(session):  # type: ignore[no-untyped-def]
            return check_key(session, actor=actor, key_text=text)

        run_in_thread(self, check, done=self._show, failed=self._failed)

    def _failed(self, exc: DomainError) -> None:
        self.result = None
        self.query_one("#keycheck-result", Static).update(f"[red]{exc}[/]")
        self.refresh_bindings()
        self.checks += 1

    def _show(self, k: KeyCheck) -> None:
        self.result = k
        lines = [
            f"[b]Key …{k.last4}[/]: [b]{k.status}[/]",
            f"Issued to: [b]{k.guardian_name}[/] (guardian #{k.guardian_id}) on {when(k.issued_at)} by {k.issued_by}",
            f"Expires: {day(k.expires_at)}",
        ]
        if k.status == "redeemed":
            owner = k.account_guardian_name or "unknown"
            lines.append(
                f"Redeemed {when(k.redeemed_at)} by login [b]{k.account_username}[/] "
                f"({k.account_status}), the account of {owner}."
            )
            lines.append(
                "If someone else in the family used this key, verify the caller, then disable "
                "that login with a reason (ctrl+r opens it) and reissue (ctrl+o)."
            )
        elif k.status == "revoked":
            lines.append(
                f"Revoked {when(k.revoked_at)}: {k.revoke_reason or 'no reason recorded'}. A newer key replaced it."
            )
        elif k.status == "expired":
            lines.append("Expired: verify the caller and reissue (ctrl+o opens the guardian).")
        else:
            lines.append(
                "Still unused and valid: the parent can redeem it now at the portal's New User page."
            )
        self.query_one("#keycheck-result", Static).update("\n".join(lines))
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
            self.app.push_screen(GuardianDetailScreen(self.result.guardian_id))

    def action_open_redeemer(self) -> None:
        if self.result and self.result.account_guardian_id:
            self.app.push_screen(GuardianDetailScreen(self.result.account_guardian_id))

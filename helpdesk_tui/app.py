"""HelpdeskApp: sign-in first, then the lookup; every key binding is also a command."""

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from helpdesk_tui.data.engine import Database
from helpdesk_tui.screens.sign_in import SignInScreen
from helpdesk_tui.services.staff import StaffMember


class HelpdeskApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Parent Portal Helpdesk"
    BINDINGS = [
        Binding(
            "ctrl+q", "quit", "Quit", id="quit", tooltip="Leave the helpdesk app", priority=True
        ),
    ]

    def __init__(self, database: Database, *, demo: bool = False) -> None:
        super().__init__()
        self.database = database
        self.demo = demo
        self.staff: StaffMember | None = None

    def on_mount(self) -> None:
        self._show_sign_in()

    def _show_sign_in(self) -> None:
        self.staff = None
        self.sub_title = "sign in"
        self.push_screen(SignInScreen(demo=self.demo), callback=self._signed_in)

    def _signed_in(self, staff: StaffMember | None) -> None:
        if staff is None:
            self.exit()
            return
        # Imported here, not at the top: the sign-in screen shows sooner without it.
        from helpdesk_tui.screens.guardian_lookup import GuardianLookupScreen

        self.staff = staff
        self.sub_title = f"{staff.full_name} · {staff.role_label}"
        self.push_screen(GuardianLookupScreen())

    def action_sign_out(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._show_sign_in()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers every enabled key binding of the current screen (our own,
        not the widgets' scrolling and focus keys), so each action can be found by name
        as well as by key."""
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not isinstance(active.node, Screen) or not active.enabled:
                continue
            if not binding.description or binding.action in seen:
                continue
            if binding.action in ("quit", "command_palette"):
                continue
            seen.add(binding.action)
            yield SystemCommand(
                f"{binding.description} ({key})",
                binding.tooltip or binding.description,
                partial(active.node.run_action, binding.action),
            )
        if self.staff is not None:
            yield SystemCommand(
                "Sign out", "End your session and show the sign-in screen", self.action_sign_out
            )
        yield from super().get_system_commands(screen)

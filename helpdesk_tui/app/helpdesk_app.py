"""HelpdeskApp: sign-in first, then the areas staff work in, each a Textual mode with its
own screen stack (lookup, queue, key check, reports). Screens ask for a guardian or a
ticket by message; the app decides where it opens. Every key binding is also a command
in the palette. A desk left idle (or Ctrl+L) locks: a screen in a mode of its own hides
everything until the password is typed again. The app provides the Desk protocol
screens are typed against."""

import contextlib
import gc
import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from helpdesk_tui.app.areas import AREAS
from helpdesk_tui.app.background_jobs import BackgroundJobs, DeskHooks
from helpdesk_tui.app.desk_folders import DeskFolders, Folder
from helpdesk_tui.app.desk_lock import IDLE_CHECK_SECONDS, LOCKED, DeskLock
from helpdesk_tui.config import Settings
from helpdesk_tui.data.engine import Database
from helpdesk_tui.messages import OpenGuardian, OpenTicket
from helpdesk_tui.screens.sign_in import SignedIn, SignInScreen
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DatabaseUnavailable
from helpdesk_tui.services.kernel.text import clean_text
from helpdesk_tui.vocabulary import Role
from helpdesk_tui.widgets.desk import Desk

log = logging.getLogger(__name__)

PROBE_SECONDS = 3.0  # while the database is unavailable, how often to try it again
SIGNED_OUT = "signed-out"  # the mode that holds the sign-in screen after a sign-out
# App actions that would show or change what is under a locked desk.
_NOT_WHILE_LOCKED = frozenset(
    ["area", "back", "command_palette", "lock_desk"]
    + ["switch_mode", "switch_screen", "push_screen", "pop_screen"]  # Textual's own
)


class HelpdeskApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Parent Portal Helpdesk"
    # Screens get -narrow under 100 columns (an 80x24 terminal) and lay out tighter,
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # and -short under 32 lines
    BINDINGS = [
        Binding(
            "ctrl+q", "quit", "Quit", id="quit", tooltip="Leave the helpdesk app", priority=True
        ),
        Binding(
            "ctrl+f",
            "area('lookup')",
            "Find guardian",
            id="area.lookup",
            tooltip="The lookup: find a guardian by name, email, phone, number or key",
            show=False,
        ),
        Binding(
            "f2",
            "area('keys')",
            "Key check",
            id="area.keys",
            tooltip="Whose key is this? Type a key a parent reads out ('already used')",
            show=False,
        ),
        Binding(
            "f3", "area('queue')", "Queue", id="area.queue", tooltip="The ticket queues", show=False
        ),
        Binding(
            "f4",
            "area('reports')",
            "Portal usage",
            id="area.reports",
            tooltip="Supervisors: accounts, keys and lockouts per school, with CSV export",
            show=False,
        ),
        Binding(
            "f8",
            "area('levels')",
            "Service levels",
            id="area.levels",
            tooltip="Service levels in business time: the team's (supervisors) or your own",
            show=False,
        ),
        Binding(
            "f9", "area('staff')", "Staff", id="area.staff", tooltip="Staff accounts", show=False
        ),
        Binding(
            "f10",
            "area('settings')",
            "Settings",
            id="area.settings",
            tooltip="Supervisors: verification and desk policies, hours, holidays, closures, "
            "busy periods and service targets",
            show=False,
        ),
        Binding(
            "ctrl+l",
            "lock_desk",
            "Lock desk",
            id="lock-desk",
            tooltip="Hide the screen until you type your password again (stepping away)",
            show=False,
        ),
    ]

    letters_dir = Folder("letters")  # key letters: live keys
    reports_dir = Folder("reports")  # report exports: names
    attachments_dir = Folder("attachments")  # files guardians emailed, saved by staff
    database_problem = reactive("")  # why the database cannot be used now; "" when it can

    def __init__(
        self,
        database: Database,
        *,
        demo: bool = False,
        settings: Settings | None = None,
        timers: bool = True,
    ) -> None:
        super().__init__()
        self.database = database
        self.demo = demo
        self.settings = settings
        self.timers_enabled = timers
        self.staff: StaffMember | None = None
        self.folders = DeskFolders(self, settings.data_dir if settings else None)
        self.jobs = BackgroundJobs(
            self,
            database,
            settings,
            demo=demo,
            hooks=DeskHooks(
                lambda: self.staff,
                self.update_sub_title,
                self.database_unavailable,
                self._sign_out_locked,
            ),
        )
        self._came_from: list[str] = []  # the areas visited, to go back with Esc
        self._probe: Timer | None = None
        self.desk_lock = DeskLock(self, staff=self._lockable, sign_out=self._sign_out_locked)

    def on_unmount(self) -> None:
        self.folders.remove_temp()

    def on_mount(self) -> None:
        # What start-up made lives as long as the app: out of the collector's way, so a
        # full collection while typing in the lookup does not hold a frame back.
        gc.freeze()
        self._show_sign_in()
        if self.timers_enabled:
            self.jobs.start()
            self.set_interval(IDLE_CHECK_SECONDS, self.desk_lock.check)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent | events.Paste):
            self.desk_lock.input_seen()
        await super().on_event(event)

    # -- signing in and out ------------------------------------------------------------
    def _show_sign_in(self) -> None:
        self.staff = None
        self.sub_title = "sign in"
        self.push_screen(SignInScreen(demo=self.demo), callback=self._signed_in)

    def _signed_in(self, signed_in: SignedIn | None) -> None:
        if signed_in is None:
            self.exit()
            return
        staff = signed_in.staff
        self.staff = staff
        self.desk_lock.signed_in(signed_in.policy.idle_lock_minutes)
        log.info("signed in: %s (%s)", staff.username, staff.role)
        self.update_sub_title()
        for area, screen in AREAS.items():
            self.add_mode(area, screen)
        self._came_from = []
        self.switch_mode("lookup")
        if SIGNED_OUT in self._modes:
            self.remove_mode(SIGNED_OUT)
        self.jobs.signed_in()

    async def action_sign_out(self) -> None:
        """Back to the sign-in screen; every screen of the session is closed, so the next
        person starts clean."""
        if self.staff is None or SIGNED_OUT in self._modes:
            return  # nobody signed in, or a sign-out already on its way
        log.info("signed out: %s", self.staff.username)
        self.add_mode(SIGNED_OUT, Screen)
        await self.switch_mode(SIGNED_OUT)
        for area in [*AREAS, LOCKED]:
            if area in self._modes:
                await self.remove_mode(area)
        self.desk_lock.signed_out()
        self._show_sign_in()

    def _lockable(self) -> StaffMember | None:
        """Who a locked desk would be for: nobody before sign-in or while signing out."""
        return None if SIGNED_OUT in self._modes else self.staff

    def _sign_out_locked(self) -> None:
        self.run_worker(self.action_sign_out(), group="sign-out")

    def action_lock_desk(self) -> None:
        """Ctrl+L: hide the screen now, before stepping away."""
        self.desk_lock.lock(idle_minutes=None)

    def update_sub_title(self) -> None:
        if self.staff is None:
            return
        who = f"{clean_text(self.staff.full_name)} · {self.staff.role_label}"
        down = "[MAILBOX DOWN]" if self.jobs.mailbox_error else ""
        jobs = self.jobs
        # What waits for a decision first: at 80 columns the end of the line is cut.
        parts = (jobs.decisions_line, who, jobs.calls_line, jobs.mail_line, down)
        self.sub_title = " · ".join(p for p in parts if p)

    # -- the areas and going back ------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.desk_lock.locked and action in _NOT_WHILE_LOCKED:
            return False
        if action == "lock_desk":
            return self.staff is not None
        if action == "area":
            if self.staff is None:
                return False
            if parameters in (("reports",), ("staff",), ("settings",)):
                return self.staff.role == Role.SUPERVISOR
            if parameters == ("levels",):
                return self.staff.role in (Role.SUPERVISOR, Role.AGENT)
        return True

    def action_area(self, area: str) -> None:
        """Go to an area; its screens stay as they were left."""
        if self.staff is None or area == self.current_mode:
            return
        if self.current_mode in self._came_from:
            self._came_from.remove(self.current_mode)
        self._came_from.append(self.current_mode)
        self.switch_mode(area)

    async def action_back(self) -> None:
        """Esc: back to the screen before, or to the area this one was reached from."""
        if len(self.screen_stack) > 1:
            await self.pop_screen()
        elif self._came_from:
            await self.switch_mode(self._came_from.pop())
        elif self.current_mode != "lookup" and self.staff is not None:
            await self.switch_mode("lookup")

    # -- opening a guardian or a ticket ------------------------------------------------
    @on(OpenGuardian)
    def _open_guardian(self, message: OpenGuardian) -> None:
        from helpdesk_tui.screens.guardian import GuardianDetailScreen

        gid = message.guardian_id
        self._open(f"guardian:{gid}", lambda: GuardianDetailScreen(gid), message.area)

    @on(OpenTicket)
    def _open_ticket(self, message: OpenTicket) -> None:
        from helpdesk_tui.screens.tickets import TicketDetailScreen

        tid = message.ticket_id
        self._open(f"ticket:{tid}", lambda: TicketDetailScreen(tid), message.area)
        self.jobs.refresh_header()  # a call's ticket counts at once

    def _open(self, route: str, make: Callable[[], Screen[None]], area: str) -> None:
        """Push the screen onto the stack of the area that asked (where the user finds
        it, even if they moved on meanwhile); if it is already open there, move it to
        the top instead. Esc then returns to the screen the user came from, and going
        back and forth between a guardian and their ticket never grows the stack."""
        mode = area if area in self._screen_stacks else (self.desk_lock.over or self.current_mode)
        stack = self._screen_stacks[mode]
        existing = next((s for s in stack if getattr(s, "route", None) == route), None)
        if existing is not None and existing is stack[-1]:
            return
        if existing is not None:
            # Textual has no public way to move a screen within a stack; the screen
            # stays mounted, so taking it out and pushing it again keeps its state.
            stack.remove(existing)
            self.push_screen(existing, mode=mode)
            return
        self.push_screen(make(), mode=mode)

    # -- the database banner -------------------------------------------------------------
    def database_unavailable(self, problem: str) -> None:
        if not self.database_problem:
            self.notify(
                f"The database cannot be used right now ({problem}). Retrying; what you "
                "typed is kept.",
                title="Database unavailable",
                severity="error",
                timeout=10,
                markup=False,  # a driver's words, not markup: "[Errno 111] ..."
            )
            if self.timers_enabled:
                self._probe = self.set_interval(PROBE_SECONDS, self.check_database)
        self.database_problem = problem

    def deliver_mail_now(self) -> None:
        self.jobs.deliver_mail()

    def database_reachable(self) -> None:
        if not self.database_problem:
            return
        log.info("database reachable again")
        self.database_problem = ""
        if self._probe is not None:
            self._probe.stop()
            self._probe = None
        self.notify("The database is reachable again.", title="Database", timeout=6)

    def check_database(self) -> None:
        """Try the database now (the banner's timer does this every few seconds)."""

        if any(w.group == "database-probe" and not w.is_finished for w in self.workers):
            return  # the last try has not answered yet

        def probe() -> None:
            try:
                self.database.ping()
            except DatabaseUnavailable:
                return
            except Exception:
                log.exception("checking the database failed")
                return
            with contextlib.suppress(RuntimeError):  # the app is shutting down
                self.call_from_thread(self.database_reachable)

        self.run_worker(probe, thread=True, group="database-probe", exit_on_error=False)

    # -- the command palette -------------------------------------------------------------
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every enabled key binding of the current screen and the
        app (not the widgets' scrolling and focus keys), so each action can be found by
        name as well as by key."""
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not isinstance(active.node, Screen | App) or not active.enabled:
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


if TYPE_CHECKING:

    def _provides_the_desk(app: HelpdeskApp) -> Desk:
        return app  # mypy checks here that the app gives screens all they use

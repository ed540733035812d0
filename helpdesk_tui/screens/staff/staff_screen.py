"""Staff administration for supervisors (F9 from anywhere): every staff account with
its role, school, state and last sign-in; A adds one, D disables or enables the
highlighted one (with a reason), R changes its role or a clerk's school, P resets its
password (a temporary password, shown once). Every change is audited by the services;
a refusal (the last supervisor, your own account) is shown."""

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.bindings import bindings
from helpdesk_tui.screens.dialogs import Prompt, ask_for_line
from helpdesk_tui.screens.staff.staff_dialogs import (
    AddStaffDialog,
    ChoicePicker,
    NewStaff,
    ShownOnce,
)
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.staff import (
    StaffAccount,
    TemporaryPassword,
    add_staff,
    disable_staff,
    enable_staff,
    list_staff,
    new_temporary_password,
    reset_staff_password,
    school_choices,
    set_staff_role,
)
from helpdesk_tui.vocabulary import Role
from helpdesk_tui.widgets.formatting import plain, short_school

# What a supervisor decides with first (80 columns show it): who, role, state.
COLUMNS = ("Name", "Username", "Role", "State", "School", "Last sign-in")


class StaffScreen(DeskScreen[None]):
    CSS_PATH = "staff.tcss"
    # fmt: off
    BINDINGS = bindings("staff", [
        ("escape", "app.back", "Back", "Back to where you were"),
        ("a", "add", "Add", "Add a staff account"),
        ("d", "toggle_active", "Disable/enable", "Disable the highlighted account, or enable it again"),
        ("r", "role", "Role/school", "Change the highlighted account's role, or a clerk's school"),
        ("p", "reset_password", "Reset password", "A temporary password; a new one at their next sign-in"),
        ("f5", "reload", "Refresh", "List the accounts again", False),
    ])
    # fmt: on

    def __init__(self) -> None:
        super().__init__()
        self.accounts: list[StaffAccount] = []
        self.loads = 0  # bumped when the list reaches the screen; tests wait on it

    def compose_body(self) -> ComposeResult:
        yield Static("Staff accounts", classes="section-title", id="staff-title")
        yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
        yield Static(
            "a add · d disable/enable · r role or school · p reset password",
            id="staff-status",
            classes="hint",
        )

    def on_mount(self) -> None:
        table = self.query_one("#staff-table", DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.action_reload()

    # -- the list ----------------------------------------------------------------------
    def action_reload(self) -> None:
        staff = self.staff
        self.call(
            lambda s: list_staff(s, actor=staff),
            done=self._show,
            refused=self._refused,
            write=False,
            group="staff-list",
        )

    def _refused(self, exc: DomainError) -> None:
        self.notify(str(exc), title="Staff", severity="error", timeout=8, markup=False)
        if not self.accounts:
            self.leave()

    def _show(self, accounts: list[StaffAccount]) -> None:
        self.accounts = accounts
        table = self.query_one("#staff-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for a in accounts:  # names are typed by people: never read as markup
            table.add_row(
                plain(a.full_name),
                plain(a.username),
                a.role.label,
                plain(a.status, style="" if a.active and a.locked_at is None else "red"),
                plain(short_school(a.school_name or "")),
                a.last_sign_in,
            )
        if accounts:
            table.move_cursor(row=min(max(keep, 0), len(accounts) - 1))
        self.loads += 1

    def _chosen(self) -> StaffAccount | None:
        row = self.query_one("#staff-table", DataTable).cursor_row
        if not 0 <= row < len(self.accounts):
            self.notify("Choose an account first (↑↓).", severity="warning")
            return None
        return self.accounts[row]

    def _said(self, message: str) -> None:
        self.notify(message, title="Staff", markup=False)

    # -- adding --------------------------------------------------------------------------
    def action_add(self, last: NewStaff | None = None, error: str = "") -> None:
        self.show(AddStaffDialog(last, error), self._add)

    def _add(self, new: NewStaff | None) -> None:
        if new is None:
            return
        staff = self.staff
        self.call(
            lambda s: add_staff(
                s,
                actor=staff,
                username=new.username,
                full_name=new.full_name,
                role=new.role,
                password=new.password,
                school_code=new.school_code,
            ),
            done=self._added,
            refused=lambda exc: self.action_add(new, str(exc)),
            failed=lambda: self.action_add(new, "Not added: try again."),
        )

    def _added(self, message: str) -> None:
        self._said(message)
        self.action_reload()

    # -- disabling and enabling ----------------------------------------------------------
    def action_toggle_active(self) -> None:
        account = self._chosen()
        if account is None:
            return
        who = f"{account.full_name} ({account.username})"
        if account.active:
            prompt = Prompt(
                title=f"Disable {who}?",
                explanation="They can no longer sign in; their history stays. "
                "Enable the account again with d.",
                confirm="Disable",
            )
        else:
            prompt = Prompt(
                title=f"Enable {who}?",
                explanation="They can sign in again with their password.",
                confirm="Enable",
            )
        ask_for_line(self, prompt, lambda reason: self._set_active(account, reason))

    def _set_active(self, account: StaffAccount, reason: str) -> None:
        staff, name = self.staff, account.username
        service = enable_staff if not account.active else disable_staff
        self.act(
            lambda s: service(s, actor=staff, username=name, reason=reason),
            done=self._said,
            reload=self.action_reload,
        )

    # -- role and school -----------------------------------------------------------------
    def action_role(self) -> None:
        account = self._chosen()
        if account is None:
            return
        roles = [(r.value, r.label) for r in Role]
        title = f"Role of {account.full_name} ({account.username})"
        self.show(
            ChoicePicker(title, roles, current=account.role.value),
            lambda role: self._role_chosen(account, role),
        )

    def _role_chosen(self, account: StaffAccount, role: str | None) -> None:
        if not role:
            return
        if role != Role.CLERK:
            self._set_role(account, role, None)
            return
        self.call(
            school_choices,
            done=lambda schools: self.show(
                ChoicePicker(
                    f"School of {account.full_name} ({account.username})",
                    [(code, f"{name} ({code})") for code, name in schools],
                    current=account.school_code or "",
                ),
                lambda code: self._set_role(account, role, code) if code else None,
            ),
            write=False,
            group="staff-schools",
        )

    def _set_role(self, account: StaffAccount, role: str, school_code: str | None) -> None:
        """Confirmed with a reason first: rights change at once, and their desks sign out."""
        where = f" at {school_code}" if school_code else ""
        prompt = Prompt(
            title=f"Make {account.full_name} ({account.username}) {Role(role).label}{where}?",
            explanation="What they may see and do changes now; desks they have open sign out.",
            confirm="Change",
        )
        ask_for_line(
            self, prompt, lambda reason: self._role_with(account, role, school_code, reason)
        )

    def _role_with(
        self, account: StaffAccount, role: str, school_code: str | None, reason: str
    ) -> None:
        staff, name = self.staff, account.username
        self.act(
            lambda s: set_staff_role(
                s, actor=staff, username=name, role=role, school_code=school_code, reason=reason
            ),
            done=self._said,
            reload=self.action_reload,
        )

    # -- password reset ------------------------------------------------------------------
    def action_reset_password(self) -> None:
        account = self._chosen()
        if account is None:
            return
        prompt = Prompt(
            title=f"Reset the password of {account.full_name} ({account.username})?",
            explanation="Their password stops working now. You get a temporary password, "
            "shown once, to give them; with it they choose a new one when they sign in.",
            confirm="Reset",
        )
        ask_for_line(self, prompt, lambda reason: self._reset(account, reason))

    def _reset(self, account: StaffAccount, reason: str) -> None:
        # The temporary password is made (and hashed, a tenth of a second) in a worker,
        # outside the write.
        self.call(
            lambda _s: new_temporary_password(),
            done=lambda temporary: self._reset_with(account, reason, temporary),
            write=False,
            group="staff-temporary",
        )

    def _reset_with(self, account: StaffAccount, reason: str, temporary: TemporaryPassword) -> None:
        staff, name = self.staff, account.username
        self.act(
            lambda s: reset_staff_password(
                s, actor=staff, username=name, reason=reason, temporary=temporary
            ),
            done=lambda message: self.show(ShownOnce(message, temporary.text)),
            reload=self.action_reload,
        )

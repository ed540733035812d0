"""Choosing how a new key reaches the guardian, with the warning when a login
already exists."""

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.vocabulary import AccountStatus, Delivery
from helpdesk_tui.widgets.formatting import markup, plain_content


@dataclass(frozen=True)
class ReissueChoice:
    delivery: Delivery
    email_to: str | None
    reason: str


class ReissueKeyModal(ModalScreen[ReissueChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reissue.cancel", tooltip="Issue nothing")]

    def __init__(
        self,
        detail: GuardianDetail,
        *,
        title: str = "Reissue activation key",
        chosen: ReissueChoice | None = None,
    ) -> None:
        super().__init__()
        self.detail = detail
        self.title_text = title
        self.chosen = chosen  # what was chosen before the database failed: shown again
        self.addresses = list(detail.emails)
        account = detail.account
        if account and account.security_email and account.security_email not in self.addresses:
            self.addresses.append(account.security_email)

    def compose(self) -> ComposeResult:
        d = self.detail
        with Vertical(classes="dialog"):
            yield Label(plain_content(f"{self.title_text} for {d.name}"), classes="dialog-title")
            if d.account and d.account.status == AccountStatus.ACTIVE:
                yield Static(
                    markup(
                        "[bold yellow]$name already has an active login ($login).[/] A key "
                        "cannot make a second one; unlocking or sending the username is usually "
                        "what they need. To go on, give the reason.",
                        name=d.name,
                        login=d.account.username,
                    ),
                    id="account-warning",
                )
            yield Label("Deliver the key by", classes="section-title")
            before = self.chosen
            with RadioSet(id="delivery"):
                for i, address in enumerate(self.addresses):
                    picked = before.email_to == address if before else i == 0
                    yield RadioButton(
                        plain_content(f"Email to {address}"), value=picked, id=f"email-{i}"
                    )
                yield RadioButton(
                    "Printed letter (post, or hand it over at the counter)",
                    value=before.delivery == Delivery.LETTER if before else not self.addresses,
                    id="letter",
                )
            yield Input(
                before.reason if before else "",
                placeholder="Reason (kept in the audit trail)",
                id="reissue-reason",
                max_length=300,
            )
            yield Static(
                "Only addresses already on file are offered; never type one the caller gives.",
                classes="hint",
            )
            yield Static("", id="reissue-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Issue key", variant="primary", id="reissue-confirm")
                yield Button("Cancel", id="reissue-cancel")

    def on_mount(self) -> None:
        # The usual choice is made (the first email on file, else the letter): Enter
        # issues it; with a login in place the reason comes first. Shift+Tab changes how.
        account = self.detail.account
        needs_reason = account is not None and account.status == AccountStatus.ACTIVE
        self.query_one("#reissue-reason" if needs_reason else "#reissue-confirm").focus()

    @on(Input.Submitted, "#reissue-reason")
    @on(Button.Pressed, "#reissue-confirm")
    def _confirm(self) -> None:
        reason = " ".join(self.query_one("#reissue-reason", Input).value.split())
        account = self.detail.account
        if account and account.status == AccountStatus.ACTIVE and not reason:
            self.query_one("#reissue-error", Static).update(
                "Give the reason for a new key while a login exists, or cancel."
            )
            self.query_one("#reissue-reason", Input).focus()
            return
        pressed = self.query_one("#delivery", RadioSet).pressed_button
        if pressed is None or pressed.id == "letter":
            self.dismiss(ReissueChoice(Delivery.LETTER, None, reason))
            return
        index = int((pressed.id or "email-0").split("-")[1])
        self.dismiss(ReissueChoice(Delivery.EMAIL, self.addresses[index], reason))

    @on(Button.Pressed, "#reissue-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

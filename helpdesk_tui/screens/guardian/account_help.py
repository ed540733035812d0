"""Username and password help: pick what the verified guardian needs."""

from enum import StrEnum

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.widgets.formatting import plain_content


class HelpChoice(StrEnum):
    SEND_USERNAME = "send_username"
    RESET_LINK = "reset_link"
    RESEND_VERIFICATION = "resend_verification"
    CHANGE_USERNAME = "change_username"
    RESET_ACCOUNT = "reset_account"


def help_options(detail: GuardianDetail) -> list[Option]:
    account = detail.account
    verified = bool(account and account.security_email and account.security_email_verified)
    unverified = bool(account and account.security_email and not account.security_email_verified)
    why_not = " (needs a verified security email)"
    return [
        Option(
            "Send the username to the security email" + ("" if verified else why_not),
            id=HelpChoice.SEND_USERNAME,
            disabled=not verified,
        ),
        Option(
            "Send a password-reset link to the security email" + ("" if verified else why_not),
            id=HelpChoice.RESET_LINK,
            disabled=not verified,
        ),
        Option(
            "Resend the security-email verification link",
            id=HelpChoice.RESEND_VERIFICATION,
            disabled=not unverified,
        ),
        Option("Change the username (the guardian asked for it)", id=HelpChoice.CHANGE_USERNAME),
        Option(
            "Reset the account: close this login and issue a new key", id=HelpChoice.RESET_ACCOUNT
        ),
    ]


class AccountHelpModal(ModalScreen[HelpChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="help.cancel", tooltip="Do nothing")]

    def __init__(self, detail: GuardianDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        account = self.detail.account
        assert account is not None
        email = account.security_email or "none"
        state = "verified" if account.security_email_verified else "not verified"
        with Vertical(classes="dialog"):
            yield Label(
                plain_content(f"Username and password help: {self.detail.name}"),
                classes="dialog-title",
            )
            yield Static(
                plain_content(
                    f"Login {account.username} · security email {email} ({state}). Staff "
                    "never see or set passwords; results go only to contacts on file."
                ),
                classes="hint",
            )
            yield OptionList(*help_options(self.detail), id="help-options")

    def on_mount(self) -> None:
        self.query_one("#help-options", OptionList).focus()

    @on(OptionList.OptionSelected, "#help-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(HelpChoice(event.option.id) if event.option.id else None)

    def action_cancel(self) -> None:
        self.dismiss(None)

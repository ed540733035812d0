"""What each action on a guardian asks staff before it runs: the question, what it
will do, and the line to type (a reason, a note, a new username)."""

from helpdesk_tui.screens.dialogs import Prompt
from helpdesk_tui.services.guardians import GuardianDetail


def disable(d: GuardianDetail, reason: str = "") -> Prompt:
    assert d.account is not None
    return Prompt(
        f"Disable {d.account.username}?",
        "The login stops working until someone unlocks it. Say why (for example: created "
        "with another parent's key).",
        confirm="Disable",
        initial=reason,
    )


def change_username(name: str = "") -> Prompt:
    return Prompt(
        "Change the username",
        "Letters and digits only, not all digits, 3 to 40 characters. If the name is taken "
        "you will be told so, not by whom.",
        placeholder="New username",
        confirm="Change",
        max_length=40,
        initial=name,
    )


def clear_block(reason: str = "") -> Prompt:
    return Prompt(
        "Clear the verification block",
        "Say what you reviewed (for example: spoke to the parent at the school).",
        initial=reason,
    )


def clear_restriction(names: str, reason: str = "") -> Prompt:
    return Prompt(
        f"Clear the restriction with {names}",
        "Only after reviewing the custody papers or court order. The reason is kept in the "
        "audit trail.",
        initial=reason,
    )


def reveal_contact(reason: str = "") -> Prompt:
    return Prompt(
        "Reveal contact details and birth dates",
        "Only when you must read them without verifying the caller (for example: a letter "
        "came back). Never read them out to a caller. The reason is kept in the audit trail.",
        confirm="Reveal",
        initial=reason,
    )

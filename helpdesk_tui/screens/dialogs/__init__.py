"""Small dialogs any screen may use: ask for one line (a reason, a note) and confirm."""

from helpdesk_tui.screens.dialogs.reason_prompt import Prompt, ReasonPrompt, ask_for_line

__all__ = ["Prompt", "ReasonPrompt", "ask_for_line"]

"""What the helpdesk writes to guardians: letters and emails (English, Spanish), the
portal's messages, canned ticket replies."""

from helpdesk_tui.services.texts.canned import CLAIMS, LIBRARY, fill, replies_for
from helpdesk_tui.services.texts.letters import (
    LETTER_LABELS,
    Letter,
    code_email,
    key_email,
    key_steps,
    language_of,
    link_email,
    notice,
    username_email,
)
from helpdesk_tui.services.texts.portal_messages import portal_notice
from helpdesk_tui.services.texts.reminders import pending_reminder, spoken_date

__all__ = [
    "CLAIMS",
    "LETTER_LABELS",
    "LIBRARY",
    "Letter",
    "code_email",
    "fill",
    "key_email",
    "key_steps",
    "language_of",
    "link_email",
    "notice",
    "pending_reminder",
    "portal_notice",
    "replies_for",
    "spoken_date",
    "username_email",
]

"""Portal logins, shared by the helpdesk's recovery and the portal's self-service:
username and password rules, single-use link tokens, and the emails that carry them."""

from helpdesk_tui.services.accounts.link_mail import queue_link, queue_username
from helpdesk_tui.services.accounts.rules import password_problem, username_key, username_problem
from helpdesk_tui.services.accounts.tokens import find_token, retire_tokens, spend_token

__all__ = [
    "find_token",
    "password_problem",
    "queue_link",
    "queue_username",
    "retire_tokens",
    "spend_token",
    "username_key",
    "username_problem",
]

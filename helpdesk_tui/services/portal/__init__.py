"""The parent portal's side: redeem a key, sign in (access log, lockout and a
per-source throttle), and self-service recovery (security email, forgot password or
username, reset).

The functions that hash or verify a password (sign-in, redeem, reset, security email)
take the ``Database`` and run their own short transactions, so argon2 never runs
inside one (services/kernel/locks.py); the rest take a session like other services.
"""

from helpdesk_tui.services.portal.common import PortalError
from helpdesk_tui.services.portal.login import SignedIn, SignInRefused, SignInThrottled, sign_in
from helpdesk_tui.services.portal.redeem import KeyAlreadyUsed, UsernameTaken, redeem_key
from helpdesk_tui.services.portal.self_service import (
    FORGOT_ANSWER,
    RESET_LINKS_PER_HOUR,
    forgot_password,
    forgot_username,
    reset_password,
    set_security_email,
    verify_security_email,
)
from helpdesk_tui.services.portal.throttle import IP_THROTTLE, USERNAME_THROTTLE, Throttle

__all__ = [
    "FORGOT_ANSWER",
    "IP_THROTTLE",
    "KeyAlreadyUsed",
    "PortalError",
    "RESET_LINKS_PER_HOUR",
    "SignInRefused",
    "SignInThrottled",
    "SignedIn",
    "Throttle",
    "USERNAME_THROTTLE",
    "UsernameTaken",
    "forgot_password",
    "forgot_username",
    "redeem_key",
    "reset_password",
    "set_security_email",
    "sign_in",
    "verify_security_email",
]

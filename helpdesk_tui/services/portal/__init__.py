"""The parent portal's side: redeem a key, sign in (access log and lockout), and
self-service recovery (security email, forgot password or username, reset)."""

from helpdesk_tui.services.portal.common import PortalError
from helpdesk_tui.services.portal.login import AccountDisabled, SignInRefused, sign_in
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

__all__ = [
    "AccountDisabled",
    "FORGOT_ANSWER",
    "KeyAlreadyUsed",
    "PortalError",
    "RESET_LINKS_PER_HOUR",
    "SignInRefused",
    "UsernameTaken",
    "forgot_password",
    "forgot_username",
    "redeem_key",
    "reset_password",
    "set_security_email",
    "sign_in",
    "verify_security_email",
]

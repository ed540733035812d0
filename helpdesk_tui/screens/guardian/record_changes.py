"""What just happened to a guardian elsewhere (on the portal, at another desk), named
for staff who have the record open, so they notice it while on the phone."""

from typing import Literal

from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.vocabulary import AccountStatus

Severity = Literal["information", "warning", "error"]


def what_changed(before: GuardianDetail, after: GuardianDetail) -> tuple[str, Severity]:
    was, now = before.account, after.account
    if (
        now
        and now.status == AccountStatus.DISABLED
        and (was is None or was.status != AccountStatus.DISABLED)
    ):
        return f"The login was just disabled: {now.disabled_reason}.", "warning"
    if now and (was is None or was.username != now.username):
        return f"A login ({now.username}) was just created with a key.", "information"
    if now and was and now.last_login_at != was.last_login_at:
        return f"{now.username} just signed in on the portal.", "information"
    if now and was and now.security_email_verified and not was.security_email_verified:
        return f"{now.security_email} was just verified.", "information"
    if now and was and now.security_email != was.security_email:
        return (
            f"The security email was just set to {now.security_email} (not verified).",
            "information",
        )
    if now and was and now.failed_login_count > was.failed_login_count:
        return f"A failed sign-in just now ({now.failed_login_count} in a row).", "warning"
    done = after.fingerprint.others_what if after.fingerprint else ""
    if done:
        return f"Just now: {done}.", "information"
    return "Updated with what just happened on the portal or another desk.", "information"

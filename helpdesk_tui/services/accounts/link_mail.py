"""The two recovery emails, queued the same way whether the helpdesk sends them (staff
on the phone) or the portal does (the guardian's own "forgot ..."): a single-use link,
and the username. The link and the name travel as the outbox's erasable secret."""

from datetime import datetime

from sqlmodel import Session

from helpdesk_tui.data.tables import Guardian, PortalAccount
from helpdesk_tui.services.accounts.tokens import TOKEN_HOURS, issue_token
from helpdesk_tui.services.kernel.district import DistrictInfo
from helpdesk_tui.services.mail import queue
from helpdesk_tui.services.texts import language_of, link_email, username_email
from helpdesk_tui.vocabulary import TokenPurpose


def queue_link(
    session: Session,
    *,
    account: PortalAccount,
    guardian: Guardian,
    district: DistrictInfo,
    purpose: TokenPurpose,
    to: str,
    now: datetime,
) -> None:
    """A password-reset or security-email verification link for ``account``."""
    token = issue_token(session, account_id=account.id or 0, purpose=purpose, now=now)
    param = "reset" if purpose == TokenPurpose.RESET else "verify"
    queue(
        session,
        kind=f"link:{purpose}",
        to=to,
        letter=link_email(
            language_of(guardian.preferred_language),
            purpose=purpose,
            name=f"{guardian.first_name} {guardian.last_name}",
            district=district.name,
            hours=TOKEN_HOURS[purpose],
        ),
        now=now,
        guardian_id=guardian.id,
        secret=f"{district.portal_url}?{param}={token}",
    )


def queue_username(
    session: Session,
    *,
    account: PortalAccount,
    guardian: Guardian,
    district: DistrictInfo,
    to: str,
    now: datetime,
) -> None:
    queue(
        session,
        kind="username",
        to=to,
        letter=username_email(
            language_of(guardian.preferred_language),
            name=f"{guardian.first_name} {guardian.last_name}",
            district=district.name,
            portal_url=district.portal_url,
        ),
        now=now,
        guardian_id=guardian.id,
        secret=account.username,
    )

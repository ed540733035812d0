"""Single-use link tokens (password reset, security-email verification): random,
kept only as a SHA-256 digest, expiring, and spent on first use."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from helpdesk_tui.data.tables import AccountToken
from helpdesk_tui.vocabulary import TokenPurpose

TOKEN_HOURS = {TokenPurpose.RESET: 2, TokenPurpose.VERIFY_EMAIL: 48}
MAX_TOKEN_TEXT = 500  # a pasted link, not a blob


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, *, account_id: int, purpose: TokenPurpose, now: datetime) -> str:
    """A new token for ``purpose``; earlier unused ones for the same purpose stop working,
    so only the newest link in the guardian's mailbox opens anything."""
    retire_tokens(session, account_id=account_id, purpose=purpose, now=now)
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            account_id=account_id,
            purpose=purpose,
            digest=token_digest(token),
            created_at=now,
            expires_at=now + timedelta(hours=TOKEN_HOURS[purpose]),
        )
    )
    return token


def retire_tokens(
    session: Session, *, account_id: int, purpose: TokenPurpose | None, now: datetime
) -> None:
    """Spend the account's unused tokens of ``purpose`` (None: of every purpose)."""
    which = [col(AccountToken.purpose) == purpose] if purpose else []
    session.exec(
        update(AccountToken)
        .where(
            col(AccountToken.account_id) == account_id,
            col(AccountToken.used_at).is_(None),
            *which,
        )
        .values(used_at=now)
    )


def token_from_link(text: str) -> str:
    """The token itself, whether the guardian pasted the token or the whole link
    (``https://portal...?reset=TOKEN``)."""
    text = text.strip()[:MAX_TOKEN_TEXT]
    _, sep, query = text.partition("?")
    if sep:
        for part in query.split("&"):
            name, _, value = part.partition("=")
            if name in ("reset", "verify") and value:
                return value
    return text


def find_token(
    session: Session, *, text: str, purpose: TokenPurpose, now: datetime, lock: bool = False
) -> AccountToken | None:
    """The unexpired, unused token of ``purpose`` that ``text`` holds, or None when there
    is none (unknown, used, expired); not spent. ``lock``: its row locked to the end of
    the transaction (the account's guardian locked first: services/kernel/locks.py)."""
    token = token_from_link(text)
    if not token or not token.isascii():  # ours are URL-safe base64: nothing else matches
        return None
    query = select(AccountToken).where(
        col(AccountToken.digest) == token_digest(token),
        col(AccountToken.purpose) == purpose,
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.exec(query).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def spend_token(
    session: Session, *, text: str, purpose: TokenPurpose, now: datetime
) -> AccountToken | None:
    """The unexpired, unused token of ``purpose`` that ``text`` holds, marked used in the
    caller's transaction; None when there is none (unknown, used, expired)."""
    row = find_token(session, text=text, purpose=purpose, now=now, lock=True)
    if row is not None:
        row.used_at = now
    return row

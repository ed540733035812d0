"""How staff sign-in slows guessing down, then stops it, per name tried.

- After FIRST_DELAYED failures in a row, an attempt within 2^(n-3) s of the last failure
  (n failures so far; capped at MAX_WAIT) is refused without checking the password, and
  does not count: it says how long to wait.
- At the district's ``staff_lockout_threshold`` failures (5) the account locks; a locked
  account answers like a wrong password, even to the right one, until a supervisor
  unlocks it (``helpdesk staff unlock``).
- A name that is no account gets the same treatment, counted from its audit rows
  (``staff_id`` empty, ``detail`` UNKNOWN_NAME), so neither the words nor the waits
  tell a guesser which names exist.

With the default threshold one name gets at most 5 password checks (the waits before
the 4th and 5th are 1 s and 2 s), then none until a supervisor unlocks it.
"""

import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import AuditEvent
from helpdesk_tui.vocabulary import AuditAction

FIRST_DELAYED = 3  # failures in a row before each attempt must wait
MAX_WAIT = timedelta(minutes=15)  # the longest wait (reached with a threshold of 14 or more)
MAX_NAME = 64  # a staff username's length, and what the audit keeps of a name tried

# What a refused attempt's audit row says (never shown: every refusal reads the same).
UNKNOWN_NAME = "unknown username"
WRONG_PASSWORD = "wrong password"
INACTIVE = "inactive account"
LOCKED = "account locked"


def clean_name(username: str) -> str:
    """A name as typed, made safe to look up and to keep: control and format characters
    (NUL, escapes, direction overrides) dropped, trimmed, case folded, and composed
    (NFC: "josé" is one name whether the accent was typed as one character or two)."""
    kept = "".join(c for c in username if not unicodedata.category(c).startswith("C"))
    return unicodedata.normalize("NFC", kept.strip().casefold())


@dataclass(frozen=True, slots=True)
class Failures:
    """Failed sign-ins in a row for one name, and whether it is locked."""

    count: int
    last_at: datetime | None
    locked: bool


@dataclass(frozen=True, slots=True)
class Refusal:
    """An attempt refused before any password is checked: what the audit keeps and
    what the person is told."""

    detail: str
    message: str


def wait_left(failures: Failures, now: datetime) -> timedelta | None:
    """How long this name must still wait before its password is checked again."""
    if failures.count < FIRST_DELAYED or failures.last_at is None:
        return None
    delay = min(timedelta(seconds=2 ** min(failures.count - FIRST_DELAYED, 20)), MAX_WAIT)
    left = failures.last_at + delay - now
    return left if left > timedelta(0) else None


def refusal(failures: Failures, now: datetime, *, generic: str) -> Refusal | None:
    """Why this attempt is refused without a password check, or None to check it."""
    if failures.locked:
        return Refusal(LOCKED, generic)
    left = wait_left(failures, now)
    if left is None:
        return None
    seconds = math.ceil(left.total_seconds())
    if seconds < 90:
        amount = f"{seconds} second{'' if seconds == 1 else 's'}"
    else:
        amount = f"{math.ceil(seconds / 60)} minutes"
    return Refusal(
        f"too soon after {failures.count} failures (wait {seconds} s)",
        f"Too many wrong passwords in a row: wait {amount}, then try again.",
    )


def unknown_name_failures(session: Session, name: str, *, threshold: int) -> Failures:
    """The failures of a name that is no account, from its audit rows."""
    count, last_at = session.exec(
        select(func.count(), func.max(col(AuditEvent.at))).where(
            col(AuditEvent.action) == AuditAction.STAFF_SIGN_IN_FAILED,
            col(AuditEvent.staff_id).is_(None),
            col(AuditEvent.staff_username) == name,
            col(AuditEvent.detail) == UNKNOWN_NAME,
        )
    ).one()
    return Failures(count, last_at, locked=count >= threshold)

"""The emailed one-time code: sent to an address on file, read back by the caller.
Only its argon2 hash is kept. Argon2 is slow on purpose (tens of milliseconds), so it
never runs inside a write transaction, where every other desk would queue behind it:

- ``new_code()`` makes a code and its hash before the transaction that sends it;
- ``check_code`` compares what the caller read back with the newest code's hash in a
  read transaction, and ``confirm_code`` then records the try in a short write that
  checks nothing changed meanwhile.
"""

import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from helpdesk_tui.data.passwords import hash_password, verify_password
from helpdesk_tui.data.tables import Guardian, VerificationCode
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.masking import mask_email
from helpdesk_tui.services.mail import queue
from helpdesk_tui.services.texts import code_email, language_of
from helpdesk_tui.services.verification.checklist import (
    CODE_WRONG,
    VerificationError,
    mine,
    require_proof_allowed,
    set_proof,
)
from helpdesk_tui.services.verification.code_mail import RESEND_SECONDS, newest_code
from helpdesk_tui.services.verification.contacts import email_on_file
from helpdesk_tui.services.verification.lifecycle import open_verification
from helpdesk_tui.vocabulary import AuditAction, Proof, VerificationOutcome

CODE_MINUTES = 10
CODE_TRIES = 5


@dataclass(frozen=True, slots=True)
class NewCode:
    """A fresh 6-digit code and its argon2 hash, made before the write that sends it."""

    code: str = field(repr=False)
    code_hash: str = field(repr=False)


def new_code() -> NewCode:
    """Slow (argon2): call it before the write transaction, never inside one."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    return NewCode(code, hash_password(code))


def send_code(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    to: str,
    code: NewCode,
    now: datetime | None = None,
) -> str:
    """Email ``code`` to an address already on file, named by its place in the record
    ("email", "alt_email", "security_email") or as the address itself; returns where
    it went (masked). The caller reads it back (``check_code``, ``confirm_code``)."""
    now = resolve_now(now)
    v = open_verification(session, actor, verification_id, now)
    require_proof_allowed(session, actor, v, Proof.EMAIL_CODE, now)
    guardian = session.get(Guardian, v.guardian_id)
    assert guardian is not None
    address = email_on_file(session, guardian, to)
    _not_too_soon(session, v.id or 0, now)
    if address is None:
        raise audit.deny(
            session,
            actor=actor,
            action=AuditAction.VERIFICATION_CODE_SENT,
            guardian_id=guardian.id,
            message="Codes go only to an email already on file. Pick one of the guardian's "
            "addresses; never one the caller dictates.",
            now=now,
        )
    session.add(
        VerificationCode(
            verification_id=v.id or 0,
            code_hash=code.code_hash,
            sent_to=address,
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    )
    district = get_district(session)
    queue(
        session,
        kind="verification_code",
        to=address,
        letter=code_email(
            language_of(guardian.preferred_language),
            name=f"{guardian.first_name} {guardian.last_name}",
            district=district.name,
            minutes=CODE_MINUTES,
        ),
        now=now,
        guardian_id=guardian.id,
        secret=code.code,
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.VERIFICATION_CODE_SENT,
        guardian_id=guardian.id,
        verification_id=v.id,
        detail=f"to {mask_email(address)}",
        now=now,
    )
    return mask_email(address)


@dataclass(frozen=True, slots=True)
class CodeReading:
    """What the caller read back, compared with the newest code sent (``code_id``)."""

    verification_id: int
    code_id: int | None
    matched: bool


@dataclass(frozen=True, slots=True)
class CodeCheck:
    confirmed: bool
    message: str


def _not_too_soon(session: Session, verification_id: int, now: datetime) -> None:
    """A new code only a minute after the last: the first may still be on its way, and
    each new one makes the one the caller may be reading out useless."""
    last = newest_code(session, verification_id)
    if last is None:
        return
    wait = last.created_at + timedelta(seconds=RESEND_SECONDS) - now
    if wait > timedelta(0):
        raise VerificationError(
            f"A code went to {mask_email(last.sent_to)} just now; give it "
            f"{math.ceil(wait.total_seconds())} s more to arrive before sending another."
        )


def _unusable(sent: VerificationCode | None, now: datetime) -> CodeCheck | None:
    """Why the newest code cannot be tried now, if it cannot."""
    if sent is None:
        return CodeCheck(False, "No code has been sent yet; send one to an address on file.")
    if sent.confirmed_at is not None:
        return CodeCheck(True, "The code was already confirmed.")
    if sent.expires_at <= now:
        return CodeCheck(False, f"The code expired after {CODE_MINUTES} minutes; send a new one.")
    if sent.tries >= CODE_TRIES:
        return CodeCheck(False, f"All {CODE_TRIES} tries are used; send a new code.")
    return None


def check_code(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    code: str,
    now: datetime | None = None,
) -> CodeReading:
    """Compare the code read back (spaces and dashes ignored) with the newest code's
    hash. Reads only: run it in a read transaction, then ``confirm_code``."""
    now = resolve_now(now)
    v = mine(session, actor, verification_id, now)
    if v.outcome != VerificationOutcome.OPEN:
        raise VerificationError(
            f"This verification has already {VerificationOutcome.label_of(v.outcome)}; "
            "start a new one."
        )
    sent = newest_code(session, verification_id)
    if sent is None or _unusable(sent, now) is not None:
        return CodeReading(verification_id, sent.id if sent else None, matched=False)
    digits = "".join(ch for ch in code if ch.isdigit())
    matched = len(digits) == 6 and verify_password(sent.code_hash, digits)
    return CodeReading(verification_id, sent.id, matched)


def confirm_code(
    session: Session,
    *,
    actor: StaffMember,
    verification_id: int,
    reading: CodeReading,
    now: datetime | None = None,
) -> CodeCheck:
    """Record a reading from ``check_code``. A wrong code uses one of the five tries
    and is kept as a failed proof unless a code is confirmed later; the result is
    returned, not raised, so the count of tries is committed."""
    now = resolve_now(now)
    if reading.verification_id != verification_id:
        raise VerificationError("That reading belongs to another verification; check it again.")
    v = open_verification(session, actor, verification_id, now)
    sent = newest_code(session, verification_id)
    refused = _unusable(sent, now)
    if refused is not None or sent is None:
        return refused or CodeCheck(False, "No code has been sent yet.")
    if reading.code_id != sent.id:
        return CodeCheck(False, "A newer code was sent meanwhile; ask for the newest one.")
    sent.tries += 1
    if not reading.matched:
        set_proof(v, CODE_WRONG, mask_email(sent.sent_to))
        left = CODE_TRIES - sent.tries
        return CodeCheck(
            False,
            f"That code does not match. {left} {'try' if left == 1 else 'tries'} left."
            if left
            else "That code does not match, and no tries are left; send a new code.",
        )
    sent.confirmed_at = now
    set_proof(v, Proof.EMAIL_CODE, mask_email(sent.sent_to))
    return CodeCheck(True, "Code confirmed.")

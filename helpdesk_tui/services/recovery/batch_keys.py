"""Activation keys for many families in one transaction, for a batch run
(services/key_batches): each guardian checked again as they are now, given a key by the
same step as a reissue at a desk (``issue_key``), one audit row per key.

No caller is verified: the keys go only to what is already on file (the first email
address, or a letter to the postal address) and only a supervisor runs a batch. No
notice goes out to the other addresses either: the key's own email or letter is the
family's news, and a notice says the change was made at their request."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import ActivationKey, Guardian, GuardianStudent, PortalAccount
from helpdesk_tui.services.guardians import portal_refusal
from helpdesk_tui.services.kernel import audit
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.locks import lock_guardians
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.mail import addresses_on_file
from helpdesk_tui.services.recovery.keys import IssuedKey, issue_key
from helpdesk_tui.services.verification import open_block
from helpdesk_tui.vocabulary import AuditAction, BatchSkip, Delivery, KeyStatus

MAX_GROUP = 200  # guardians locked in one transaction


@dataclass(frozen=True, slots=True)
class BatchKeyRequest:
    guardian_id: int
    email: bool  # to the first address on file, if there is one
    letter: bool  # printed, if a postal address is on file
    # A key this run gave them earlier whose letter was lost: replaced, not a reason
    # to skip them.
    replaces_key_id: int | None = None


@dataclass(frozen=True, slots=True)
class BatchKeyOutcome:
    guardian_id: int
    issued: IssuedKey | None  # the key in clear: for the letter, never stored
    key_id: int | None
    skipped: BatchSkip | None
    by_email: bool = False
    by_letter: bool = False


def issue_batch_keys(
    session: Session,
    *,
    actor: StaffMember,
    requests: Sequence[BatchKeyRequest],
    batch_label: str,
    since: datetime,
    now: datetime | None = None,
) -> list[BatchKeyOutcome]:
    """A key for each guardian asked for who may still have one, in request order;
    the others skipped with the reason. ``since``: when the run started (a key given
    at a desk after it is left alone). Supervisors only."""
    now = resolve_now(now)
    if len(requests) > MAX_GROUP:
        raise ValueError(f"at most {MAX_GROUP} guardians in one transaction")
    # Every guardian of the group first, in ascending id, before the audit trail's
    # lock that the first key's audit row takes (services/kernel/locks.py).
    lock_guardians(session, [r.guardian_id for r in requests])
    require_supervisor(session, actor=actor, action=AuditAction.KEY_BATCH_RUN, now=now)
    return [_one(session, actor, r, batch_label, since, now) for r in requests]


def _one(
    session: Session,
    actor: StaffMember,
    request: BatchKeyRequest,
    batch_label: str,
    since: datetime,
    now: datetime,
) -> BatchKeyOutcome:
    gid = request.guardian_id
    guardian = session.get(Guardian, gid)
    skipped = _reason_to_skip(session, guardian, request, since)
    if guardian is None or skipped is not None:
        return BatchKeyOutcome(gid, None, None, skipped or BatchSkip.NO_RIGHTS)
    addresses = addresses_on_file(session, guardian) if request.email else []
    email_to = addresses[0] if addresses else None
    letter = request.letter and bool((guardian.address_line or "").strip())
    if email_to is None and not letter:
        missing = {
            (True, False): BatchSkip.NO_EMAIL,
            (False, True): BatchSkip.NO_POSTAL,
        }.get((request.email, request.letter), BatchSkip.NO_ADDRESS)
        return BatchKeyOutcome(gid, None, None, missing)
    issued = issue_key(
        session,
        actor=actor,
        guardian=guardian,
        delivery=Delivery.EMAIL if email_to else Delivery.LETTER,
        email_to=email_to,
        now=now,
        revoke_reason=f"replaced by {batch_label}",
        action=AuditAction.KEY_BATCH_ISSUED,
    )
    key_id = session.exec(
        select(ActivationKey.id).where(
            col(ActivationKey.guardian_id) == gid, col(ActivationKey.status) == KeyStatus.ACTIVE
        )
    ).one()
    how = [f"emailed to {issued.emailed_to}"] if issued.emailed_to else []
    how += ["printed letter"] if letter else []
    revoked = f"; {issued.revoked_previous} unused key revoked" if issued.revoked_previous else ""
    audit.record(
        session,
        actor=actor,
        action=AuditAction.KEY_BATCH_ISSUED,
        guardian_id=gid,
        detail=f"key …{issued.last4}, {batch_label}: {' and '.join(how)}{revoked}",
        now=now,
    )
    return BatchKeyOutcome(gid, issued, key_id, None, email_to is not None, letter)


def _reason_to_skip(
    session: Session, guardian: Guardian | None, request: BatchKeyRequest, since: datetime
) -> BatchSkip | None:
    """Why this guardian gets no key now (things change between the dry run, the
    start of the run and their turn), or None."""
    if guardian is None or not guardian.active:
        return BatchSkip.NO_RIGHTS
    gid = request.guardian_id
    if portal_refusal(session, gid) is not None:
        restricted = session.exec(
            select(GuardianStudent.id).where(
                col(GuardianStudent.guardian_id) == gid, col(GuardianStudent.restricted)
            )
        ).first()
        return BatchSkip.RESTRICTED if restricted is not None else BatchSkip.NO_RIGHTS
    if open_block(session, gid) is not None:
        return BatchSkip.BLOCKED
    if session.exec(select(PortalAccount.id).where(col(PortalAccount.guardian_id) == gid)).first():
        return BatchSkip.HAS_ACCOUNT
    newer = session.exec(
        select(ActivationKey.id).where(
            col(ActivationKey.guardian_id) == gid,
            col(ActivationKey.status) == KeyStatus.ACTIVE,
            col(ActivationKey.issued_at) > since,
        )
    ).first()
    if newer is not None and newer != request.replaces_key_id:
        return BatchSkip.KEY_MEANWHILE
    return None

"""Activation keys for many families in one transaction, for a batch run
(services/key_batches): each guardian checked again as they are now, given a key by the
same step as a reissue at a desk (``issue_key``), one audit row per key.

No caller is verified: the keys go only to what is already on file (the first email
address, or a letter to the postal address) and only a supervisor runs a batch. No
notice goes out to the other addresses either: the key's own email or letter is the
family's news, and a notice says the change was made at their request."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sql
from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    GuardianStudent,
    PortalAccount,
    Student,
    VerificationBlock,
    core_table,
)
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.audit_batch import record_many
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.kernel.locks import lock_guardians
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.recovery.keys import IssuedKey, issue_key
from helpdesk_tui.vocabulary import AuditAction, BatchSkip, Delivery, KeyStatus

MAX_GROUP = 200  # guardians locked in one transaction
_guardian = core_table(Guardian)
_block = core_table(VerificationBlock)
_account = core_table(PortalAccount)
_key = core_table(ActivationKey)


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
    key_id: int | None  # its row
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
    ids = [r.guardian_id for r in requests]
    # Every guardian of the group first, in ascending id, before the audit trail's
    # lock that the first key's audit row takes (services/kernel/locks.py).
    lock_guardians(session, ids)
    require_supervisor(session, actor=actor, action=AuditAction.KEY_BATCH_RUN, now=now)
    guardians = {g.id: g for g in session.exec(select(Guardian).where(col(Guardian.id).in_(ids)))}
    refusals = batch_refusals(
        session, ids, since=since, own_keys=[r.replaces_key_id for r in requests]
    )
    outcomes, audit_rows, district = [], [], get_district(session)
    for request in requests:
        guardian = guardians.get(request.guardian_id)
        refusal = refusals.get(request.guardian_id)
        if guardian is None or refusal is not None:
            outcomes.append(
                BatchKeyOutcome(request.guardian_id, None, None, refusal or BatchSkip.NO_RIGHTS)
            )
        else:
            outcome, detail = _one(session, actor, guardian, request, batch_label, now, district)
            outcomes.append(outcome)
            audit_rows += [(request.guardian_id, detail)] if detail else []
    session.flush()
    # One audit row per key, in request order, appended together: one read of the chain.
    record_many(session, actor=actor, action=AuditAction.KEY_BATCH_ISSUED, rows=audit_rows, now=now)
    key_ids = {
        gid: key_id
        for gid, key_id in session.connection().execute(
            sql.select(_key.c.guardian_id, _key.c.id).where(
                _key.c.guardian_id.in_(ids), _key.c.status == KeyStatus.ACTIVE
            )
        )
    }
    return [replace(o, key_id=key_ids[o.guardian_id]) if o.issued else o for o in outcomes]


def batch_refusals(
    session: Session,
    guardian_ids: Sequence[int],
    *,
    since: datetime | None = None,
    own_keys: Sequence[int | None] = (),
) -> dict[int, BatchSkip]:
    """Why each of these guardians may not be given a key in a batch now, for those
    who may not: guardians.portal_refusal's rules (a restricted relationship; no
    portal rights to an active student enrolled this year or next) read for a group at
    once, an open verification block, a portal account already, and with ``since`` a
    key issued after that moment (except ``own_keys``, keys of the run itself)."""
    ids = list(guardian_ids)
    run = session.connection().execute
    gs, st = core_table(GuardianStudent), core_table(Student)
    restricted = set(
        run(
            sql.select(gs.c.guardian_id).where(gs.c.guardian_id.in_(ids), gs.c.restricted)
        ).scalars()
    )
    with_rights = set(
        run(
            sql.select(gs.c.guardian_id)
            .join(st, st.c.id == gs.c.student_id)
            .where(
                gs.c.guardian_id.in_(ids),
                gs.c.portal_access,
                st.c.active,
                sql.or_(st.c.enrolled_this_year, st.c.enrolled_next_year),
            )
        ).scalars()
    )
    inactive = set(
        run(
            sql.select(_guardian.c.id).where(_guardian.c.id.in_(ids), sql.not_(_guardian.c.active))
        ).scalars()
    )
    blocked = set(
        run(
            sql.select(_block.c.guardian_id).where(
                _block.c.guardian_id.in_(ids), _block.c.cleared_at.is_(None)
            )
        ).scalars()
    )
    accounts = set(
        run(sql.select(_account.c.guardian_id).where(_account.c.guardian_id.in_(ids))).scalars()
    )
    newer: set[int] = set()
    if since is not None:
        mine = {k for k in own_keys if k is not None}
        newer = {
            gid
            for gid, key_id in run(
                sql.select(_key.c.guardian_id, _key.c.id).where(
                    _key.c.guardian_id.in_(ids),
                    _key.c.status == KeyStatus.ACTIVE,
                    _key.c.issued_at > since,
                )
            )
            if key_id not in mine
        }
    reasons: dict[int, BatchSkip] = {}
    for gid in ids:
        if gid in restricted:
            reasons[gid] = BatchSkip.RESTRICTED
        elif gid in inactive or gid not in with_rights:
            reasons[gid] = BatchSkip.NO_RIGHTS
        elif gid in blocked:
            reasons[gid] = BatchSkip.BLOCKED
        elif gid in accounts:
            reasons[gid] = BatchSkip.HAS_ACCOUNT
        elif gid in newer:
            reasons[gid] = BatchSkip.KEY_MEANWHILE
    return reasons


def no_address(*, email: bool, letter: bool) -> BatchSkip:
    """Why a family cannot be sent a key the ways asked for."""
    if email and letter:
        return BatchSkip.NO_ADDRESS
    return BatchSkip.NO_EMAIL if email else BatchSkip.NO_POSTAL


def _one(
    session: Session,
    actor: StaffMember,
    guardian: Guardian,
    request: BatchKeyRequest,
    batch_label: str,
    now: datetime,
    district: DistrictInfo,
) -> tuple[BatchKeyOutcome, str]:
    """The key (or why not) and its audit row's detail ("" when none was issued)."""
    gid = request.guardian_id
    # The first address on file: the guardian's own (a guardian with a login, who could
    # have a security email too, is never given a batch key). issue_key checks it again.
    email_to = next((a for a in (guardian.email, guardian.alt_email) if a and a.strip()), None)
    email_to = email_to if request.email else None
    letter = request.letter and bool((guardian.address_line or "").strip())
    if email_to is None and not letter:
        return BatchKeyOutcome(
            gid, None, None, no_address(email=request.email, letter=request.letter)
        ), ""
    issued = issue_key(
        session,
        actor=actor,
        guardian=guardian,
        delivery=Delivery.EMAIL if email_to else Delivery.LETTER,
        email_to=email_to,
        now=now,
        revoke_reason=f"replaced by {batch_label}",
        action=AuditAction.KEY_BATCH_ISSUED,
        district=district,
    )
    how = [f"emailed to {issued.emailed_to}"] if issued.emailed_to else []
    how += ["printed letter"] if letter else []
    revoked = f"; {issued.revoked_previous} unused key revoked" if issued.revoked_previous else ""
    detail = f"key …{issued.last4}, {batch_label}: {' and '.join(how)}{revoked}"
    return BatchKeyOutcome(gid, issued, None, None, email_to is not None, letter), detail

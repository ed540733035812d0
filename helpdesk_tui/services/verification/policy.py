"""The district's caller-verification policy: how many screening answers must match,
which proofs count, how long a pass lasts, how many failures block. Supervisors
change it; every change is audited."""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.clock import resolve_now
from helpdesk_tui.services.kernel.district import record_policy_change, settings_row
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.permissions import require_supervisor
from helpdesk_tui.services.verification.screening import SCREENING_ITEMS
from helpdesk_tui.vocabulary import AuditAction, Proof


@dataclass(frozen=True, slots=True)
class VerificationPolicy:
    screening_required: int
    proofs: tuple[str, ...]
    pass_minutes: int
    failure_limit: int

    def describe(self) -> str:
        return (
            f"screening answers required: {self.screening_required}; "
            f"proofs accepted: {', '.join(self.proofs)}; "
            f"a pass lasts {self.pass_minutes} min; "
            f"{self.failure_limit} failures in 24 h block the guardian"
        )


def get_policy(session: Session) -> VerificationPolicy:
    row = settings_row(session)
    return VerificationPolicy(
        screening_required=row.verify_screening_required,
        proofs=tuple(p for p in row.verify_proofs.split(",") if p),
        pass_minutes=row.verify_pass_minutes,
        failure_limit=row.verify_failure_limit,
    )


def check_policy(
    session: Session,
    *,
    screening_required: int | None = None,
    proofs: tuple[str, ...] | None = None,
    pass_minutes: int | None = None,
    failure_limit: int | None = None,
) -> VerificationPolicy:
    """The policy as it would be after these changes (a part left None stays as it
    is), checked as ``set_policy`` checks it: a DomainError says what is wrong. Saves
    nothing (a settings screen shows it before saving)."""
    now_is = get_policy(session)
    if screening_required is not None:
        if not 0 <= screening_required <= len(SCREENING_ITEMS):
            raise DomainError(f"Screening answers required must be 0 to {len(SCREENING_ITEMS)}.")
        now_is = replace(now_is, screening_required=screening_required)
    if proofs is not None:
        unknown = [p for p in proofs if not Proof.has(p)]
        if unknown or not proofs:
            raise DomainError(
                f"Proofs must be one or more of: {', '.join(Proof)} (got {', '.join(proofs) or 'none'})."
            )
        now_is = replace(now_is, proofs=tuple(dict.fromkeys(proofs)))
    if pass_minutes is not None:
        if not 1 <= pass_minutes <= 60:
            raise DomainError("A pass lasts 1 to 60 minutes.")
        now_is = replace(now_is, pass_minutes=pass_minutes)
    if failure_limit is not None:
        if not 1 <= failure_limit <= 10:
            raise DomainError("The failure limit is 1 to 10.")
        now_is = replace(now_is, failure_limit=failure_limit)
    return now_is


def set_policy(
    session: Session,
    *,
    actor: StaffMember,
    screening_required: int | None = None,
    proofs: tuple[str, ...] | None = None,
    pass_minutes: int | None = None,
    failure_limit: int | None = None,
    now: datetime | None = None,
) -> VerificationPolicy:
    now = resolve_now(now)
    require_supervisor(
        session,
        actor=actor,
        action=AuditAction.POLICY_CHANGED,
        message="Only a supervisor can change the verification policy.",
        now=now,
    )
    row = settings_row(session)
    before = get_policy(session)
    wanted = check_policy(
        session,
        screening_required=screening_required,
        proofs=proofs,
        pass_minutes=pass_minutes,
        failure_limit=failure_limit,
    )
    row.verify_screening_required = wanted.screening_required
    row.verify_proofs = ",".join(wanted.proofs)
    row.verify_pass_minutes = wanted.pass_minutes
    row.verify_failure_limit = wanted.failure_limit
    session.flush()
    after = get_policy(session)
    record_policy_change(
        session, actor=actor, was=before.describe(), now_is=after.describe(), now=now
    )
    return after

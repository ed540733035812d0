"""Ten desks reissuing at once: 10 processes x 50 reissues, on one guardian and
spread over ten. Afterwards every guardian has exactly one active key, and the audit
trail holds one row per successful reissue, on both databases. A naive
read-then-write version run the same way is caught by the same checks."""

import multiprocessing
from collections import Counter

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from helpdesk_tui.data.tables import ActivationKey, AuditEvent
from helpdesk_tui.services.kernel.audit import verify_chain
from tests.recovery import pick_guardian, staff, verify
from tests.support.reissue_workers import WorkerResult, run_worker

pytestmark = pytest.mark.slow  # ten processes each; CI runs them (see README)

PROCESSES, ROUNDS = 10, 50


def _run(db, guardian_ids: list[int], *, processes: int, rounds: int, naive: bool) -> WorkerResult:
    url = db.engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        # A worker that dies loses its task and starmap would wait forever: a bound
        # turns that into a failure (it is no speed target).
        parts = pool.starmap_async(
            run_worker, [(url, guardian_ids, rounds, naive)] * processes
        ).get(timeout=900)
    total = WorkerResult()
    for part in parts:
        total.errors += part.errors
        for gid, n in part.done.items():
            total.done[gid] = total.done.get(gid, 0) + n
    return total


def problems(
    db, guardian_ids: list[int], result: WorkerResult, before: dict[int, int]
) -> list[str]:
    """Everything that went wrong, as a person reading the result would list it."""
    found = [f"error: {e}" for e, _ in Counter(result.errors).most_common(3)]
    with db.read() as session:
        active = dict(
            session.exec(
                select(ActivationKey.guardian_id, func.count())
                .where(
                    col(ActivationKey.guardian_id).in_(guardian_ids),
                    col(ActivationKey.status) == "active",
                )
                .group_by(col(ActivationKey.guardian_id))
            ).all()
        )
        audited = dict(
            session.exec(
                select(AuditEvent.guardian_id, func.count())
                .where(
                    col(AuditEvent.guardian_id).in_(guardian_ids),
                    col(AuditEvent.action) == "key_reissued",
                    col(AuditEvent.outcome) == "done",
                )
                .group_by(col(AuditEvent.guardian_id))
            ).all()
        )
        chain = verify_chain(session)
    for gid in guardian_ids:
        if active.get(gid, 0) != 1:
            found.append(f"guardian {gid} has {active.get(gid, 0)} active keys")
        if audited.get(gid, 0) - before.get(gid, 0) != result.done.get(gid, 0):
            found.append(
                f"guardian {gid}: {result.done.get(gid, 0)} reissues but "
                f"{audited.get(gid, 0) - before.get(gid, 0)} audit rows"
            )
    if not chain.ok:
        found.append(f"audit chain broken at row {chain.first_broken_id}")
    return found


def _verified_guardians(db, n: int) -> list[int]:
    agent = staff(db, "demo-agent")
    ids = []
    for _ in range(n):
        guardian = pick_guardian(db)
        verify(db, agent, guardian)
        ids.append(guardian.id)
    return ids


def test_ten_processes_reissuing_for_one_guardian(action_db):
    [gid] = _verified_guardians(action_db, 1)
    result = _run(action_db, [gid], processes=PROCESSES, rounds=ROUNDS, naive=False)
    assert problems(action_db, [gid], result, {}) == []
    assert result.done == {gid: PROCESSES * ROUNDS}


def test_ten_processes_reissuing_across_ten_guardians(action_db):
    ids = _verified_guardians(action_db, 10)
    result = _run(action_db, ids, processes=PROCESSES, rounds=ROUNDS, naive=False)
    assert problems(action_db, ids, result, {}) == []
    assert sum(result.done.values()) == PROCESSES * ROUNDS


def test_negative_control_the_checks_catch_a_naive_reissue(action_db):
    [gid] = _verified_guardians(action_db, 1)
    result = _run(action_db, [gid], processes=4, rounds=25, naive=True)
    found = problems(action_db, [gid], result, {})
    assert found, "a naive read-then-write reissue went unnoticed"

"""One lock order for every guardian-scoped write (the guardian row first): staff
reissuing, unlocking and sending reset links while parents redeem, sign in wrongly,
set a security email and reset their password, on the same three guardians, from four
processes at once (200 actions). PostgreSQL's own deadlock counter for the database
must not move, and the trail must still add up afterwards."""

import multiprocessing
from collections import Counter

import pytest
from sqlalchemy import func, text
from sqlmodel import col, select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import ActivationKey, AuditEvent
from helpdesk_tui.services.kernel.audit import verify_chain
from tests.recovery import pick_guardian, staff, verify
from tests.support.portal_mix_workers import MixResult, run_mix

pytestmark = pytest.mark.slow  # four processes hashing passwords; CI runs it

PROCESSES, ROUNDS, GUARDIANS = 4, 50, 3


def server_deadlocks(database: Database) -> int:
    """What PostgreSQL counted for this database (every backend's, reported at idle)."""
    with database.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
            ).scalar_one()
        )


def test_staff_and_parents_on_the_same_guardians_never_deadlock(pg_seeded):
    agent = staff(pg_seeded, "demo-agent")
    guardian_ids = []
    for _ in range(GUARDIANS):
        guardian = pick_guardian(pg_seeded, account="active", verified_email=True)
        verify(pg_seeded, agent, guardian)
        guardian_ids.append(guardian.id)
    url = pg_seeded.engine.url.render_as_string(hide_password=False)
    before = server_deadlocks(pg_seeded)

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(PROCESSES) as pool:
        # A worker that dies loses its task and starmap would wait forever: a bound
        # turns that into a failure (it is no speed target).
        parts = pool.starmap_async(
            run_mix, [(url, guardian_ids, ROUNDS, seed) for seed in range(PROCESSES)]
        ).get(timeout=900)
    total = MixResult()
    for part in parts:
        total.done.update(part.done)
        total.refused.update(part.refused)
        total.errors += part.errors

    assert server_deadlocks(pg_seeded) - before == 0
    assert Counter(total.errors).most_common(3) == []
    assert sum(total.done.values()) + sum(total.refused.values()) == PROCESSES * ROUNDS
    # Each kind of action really ran, so the mix is what it says.
    assert {"reissue", "redeem", "wrong_password"} <= set(total.done), total
    with pg_seeded.read() as session:
        active = session.exec(
            select(func.count())
            .select_from(ActivationKey)
            .where(
                col(ActivationKey.guardian_id).in_(guardian_ids),
                col(ActivationKey.status) == "active",
            )
            .group_by(col(ActivationKey.guardian_id))
        ).all()
        assert all(n == 1 for n in active)
        assert verify_chain(session).ok
        lockouts = session.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                col(AuditEvent.guardian_id).in_(guardian_ids),
                col(AuditEvent.action) == "account_locked",
            )
        ).one()
    assert lockouts >= 1  # the lockout's audit row and notices were in the mix

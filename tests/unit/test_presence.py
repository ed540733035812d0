"""Presence on both databases: who else has a ticket or guardian open right now."""

from datetime import UTC, datetime, timedelta

from helpdesk_tui.services.presence import STALE, heartbeat, leave, target_for
from tests.recovery import staff


def test_two_desks_see_each_other_until_one_leaves_or_goes_quiet(action_db):
    agent, supervisor = staff(action_db, "demo-agent"), staff(action_db, "demo-supervisor")
    target = target_for("ticket", 987_654)
    now = datetime.now(UTC)
    with action_db.write() as s:
        assert heartbeat(s, actor=agent, target=target, now=now) == []
    with action_db.write() as s:
        assert heartbeat(s, actor=supervisor, target=target, now=now) == [agent.full_name]
    with action_db.write() as s:  # the agent's heartbeat is refreshed, not duplicated
        assert heartbeat(s, actor=agent, target=target, now=now + timedelta(seconds=15)) == [
            supervisor.full_name
        ]
    later = now + STALE + timedelta(seconds=20)
    with action_db.write() as s:  # the supervisor went quiet: gone from the list
        assert heartbeat(s, actor=agent, target=target, now=later) == []
    with action_db.write() as s:
        leave(s, actor=agent, target=target)
    with action_db.write() as s:
        assert heartbeat(s, actor=supervisor, target=target, now=later) == []

"""The guardian screen's notices are for what someone else did (the portal, another
desk); what this staff member did themselves (on the verify screen, in a dialog)
reloads the record quietly instead of saying it "just happened elsewhere"."""

from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.services.guardians import reveal_contact
from tests.recovery import pick_guardian, staff
from tests.ui.helpers import SIZE, find, make_app, settle
from tests.ui.helpers import sign_in as staff_sign_in


def _notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


async def test_my_own_action_reloads_quietly_and_another_desks_is_named(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded, account="active")
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await staff_sign_in(pilot)  # demo-agent
        await find(pilot, guardian.email)
        screen = app.screen
        assert isinstance(screen, GuardianDetailScreen)
        before = len(_notices(app))
        loads = screen.loads
        agent = staff(sqlite_seeded, "demo-agent")
        with sqlite_seeded.write() as s:  # what the agent's own dialog writes
            reveal_contact(s, actor=agent, guardian_id=guardian.id, reason="Call")
        screen.check_for_changes()
        await settle(pilot)
        assert screen.loads == loads + 1  # the record is up to date...
        assert _notices(app)[before:] == []  # ...and nothing claims someone else did it

        supervisor = staff(sqlite_seeded, "demo-supervisor")
        with sqlite_seeded.write() as s:
            reveal_contact(s, actor=supervisor, guardian_id=guardian.id, reason="Review")
        screen.check_for_changes()
        await settle(pilot)
        new = _notices(app)[before:]
        assert len(new) == 1
        assert "contact details revealed" in new[0] and supervisor.full_name in new[0]

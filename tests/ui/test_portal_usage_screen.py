"""The portal usage report by keyboard: a supervisor opens it with F4, reads a school's
guardians, changes the threshold, opens a guardian and exports CSV; agents never see it."""

import stat
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select
from textual.widgets import DataTable

from helpdesk_tui.data.tables import ActivationKey
from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.lookup.guardian_lookup import GuardianLookupScreen
from helpdesk_tui.screens.reports.portal_usage import PortalUsageScreen
from tests.ui.helpers import SIZE, make_app, rows, settle, sign_in, text_of


async def test_a_supervisor_reads_exports_and_drills_into_the_report(
    sqlite_seeded, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # Keys outstanding for 10 days: over 7 days, not over 30, whatever today's date (the
    # demo's keys were issued before SEED_NOW, so by the clock they all grow old).
    with sqlite_seeded.write() as session:
        active = select(ActivationKey).where(col(ActivationKey.status) == "active").limit(5)
        for key in session.exec(active).all():
            key.issued_at = datetime.now(UTC) - timedelta(days=10)
    app = make_app(sqlite_seeded)
    app.reports_dir = tmp_path / "reports"
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-supervisor")
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PortalUsageScreen)
        schools = rows(pilot, "#usage-schools")
        assert schools[0][0] == "Whole district (each guardian once)"
        assert len(schools) == 23  # 22 schools and the district
        outstanding_30 = int(schools[0][3])

        await pilot.press("down")  # the first school
        await settle(pilot)
        first_school = screen.schools[1]
        assert f"Guardians behind the numbers: {first_school.school}" in text_of(
            pilot, "#usage-list-title"
        )
        listed = rows(pilot, "#usage-guardians")
        assert sum(r[0] == "No account" for r in listed) == first_school.no_account
        await pilot.press("3")  # only the disabled accounts
        await settle(pilot)
        disabled = rows(pilot, "#usage-guardians")
        assert {r[0] for r in disabled} <= {"Disabled", "nobody"}
        assert sum(r[0] == "Disabled" for r in disabled) == first_school.disabled
        await pilot.press("0")
        await settle(pilot)
        assert rows(pilot, "#usage-guardians") == listed

        await pilot.press("d", "backspace", "backspace", "7", "enter")
        await settle(pilot)
        assert screen.days == 7
        assert "Key > 7 days" in str(screen.query_one("#usage-schools", DataTable).columns)
        assert int(rows(pilot, "#usage-schools")[0][3]) >= outstanding_30 + 5

        await pilot.press("e")
        await settle(pilot)
        written = sorted((tmp_path / "reports").iterdir())
        assert [p.name.endswith(("-guardians.csv", "-schools.csv")) for p in written] == [True] * 2
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in written)
        assert "Saved" in text_of(pilot, "#usage-status")

        await pilot.press("tab", "enter")  # into the guardians list; open the first
        await settle(pilot)
        assert isinstance(app.screen, GuardianDetailScreen)
        assert app.screen.guardian_id == screen.entries[0].guardian_id


async def test_agents_do_not_get_the_report(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        assert "f4" not in app.screen.active_bindings
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, GuardianLookupScreen)

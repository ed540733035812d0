"""A signed-in desk stores the business times the service-level figures read: tickets
answered or resolved since its last round are measured, so the dashboard reads them
instead of measuring each one (services/reports/business_times.py)."""

from helpdesk_tui.services.reports import measured_here
from helpdesk_tui.services.tickets import seed_tickets
from tests.conftest import SEED_NOW
from tests.ui.helpers import SIZE, make_app, settle, sign_in


async def test_a_desk_measures_the_tickets_answered_or_resolved(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    seed_tickets(sqlite_seeded, count=2500, seed=4, now=SEED_NOW)  # more than one batch
    with sqlite_seeded.read() as s:
        assert measured_here(s) > 2000
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        app.jobs.measure_business_times()  # nobody signed in yet: nothing done
        await settle(pilot)
        with sqlite_seeded.read() as s:
            assert measured_here(s) > 2000
        await sign_in(pilot)
        app.jobs.measure_business_times()
        await settle(pilot)
    with sqlite_seeded.read() as s:
        assert measured_here(s) == 0

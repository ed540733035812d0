"""Key check and unlock by keyboard, and a clerk's in-person verification."""

from sqlmodel import col, select

from helpdesk_tui.data.demo.rows import demo_key
from helpdesk_tui.data.tables import ActivationKey, PortalAccount
from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.guardian.unlock_dialog import UnlockModal
from helpdesk_tui.screens.guardian.verify_caller import VerifyCallerScreen
from helpdesk_tui.screens.lookup.key_check import KeyCheckScreen
from tests.conftest import SEED
from tests.recovery import audit_rows, pick_guardian
from tests.ui.helpers import SIZE, find, make_app, open_guardian, settle, sign_in, text_of


async def test_key_check_read_out_in_pieces_opens_the_redeeming_account(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    with sqlite_seeded.read() as s:
        key, account = s.exec(
            select(ActivationKey, PortalAccount)
            .join(PortalAccount, col(PortalAccount.id) == col(ActivationKey.redeemed_by_account_id))
            .where(col(ActivationKey.status) == "redeemed")
        ).first()
    spoken = demo_key(SEED, key.id).strip("{}").replace("-", " ").lower()
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, KeyCheckScreen)
        assert not screen.active_bindings["ctrl+o"].enabled
        await pilot.press(*spoken, "enter")
        await settle(pilot)
        result = text_of(pilot, "#keycheck-result")
        assert f"Key …{key.last4}" in result and "redeemed" in result
        assert f"login {account.username}" in result
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, GuardianDetailScreen)
        assert app.screen.guardian_id == account.guardian_id
    assert audit_rows(sqlite_seeded, key.guardian_id)[-1].action == "key_checked"


async def test_clerk_verifies_in_person_and_unlocks(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded, account="active", school_id=1)
    with sqlite_seeded.write() as s:  # the portal locked it after five failed sign-ins
        account = s.exec(
            select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian.id)
        ).one()
        account.status, account.failed_login_count = "disabled", 5
        account.disabled_at, account.disabled_reason = (
            account.created_at,
            "5 failed sign-ins in a row",
        )
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "demo-clerk")
        detail = await open_guardian(pilot, guardian.email)
        assert not detail.active_bindings["u"].enabled
        await pilot.press("v")
        await settle(pilot)
        verify = app.screen
        assert isinstance(verify, VerifyCallerScreen)
        assert not verify.query_one("#proof-code").display, "clerks prove identity in person only"
        assert "f6" not in verify.active_bindings  # no emailed codes at the counter
        # The checklist opens on the photo ID: open the ID types, take driver's license
        # (focus moves on to the comparison), tick "photo matches, form signed":
        # recorded, and with no answers needed in person, passed.
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is detail and detail.active_bindings["u"].enabled
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, UnlockModal)
        await pilot.press(*"ID checked at the counter", "enter")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is detail
        assert "status: active" in text_of(pilot, "#account")
        await pilot.press("t")  # a ticket for the visit, opened after the work was done
        await settle(pilot)
        await settle(pilot)
        visit = app.screen.detail
        assert visit.channel == "walk_in" and visit.subject.startswith("Counter visit")
        assert {"verification", "account_unlocked"} <= {e.kind for e in visit.events}
    with sqlite_seeded.read() as s:
        account = s.exec(
            select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian.id)
        ).one()
    assert (account.status, account.failed_login_count) == ("active", 0)
    rows = audit_rows(sqlite_seeded, guardian.id)
    assert [(r.action, r.staff_username) for r in rows] == [
        ("verification", "demo-clerk"),
        ("account_unlocked", "demo-clerk"),
    ]
    assert (
        "photo ID compared" in rows[0].verification
        and rows[1].reason == "ID checked at the counter"
    )


async def test_supervisor_is_alerted_to_a_blocked_guardian_and_clears_it(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    from helpdesk_tui.services import verification as v
    from tests.recovery import staff

    agent = staff(sqlite_seeded, "demo-agent")
    guardian = pick_guardian(sqlite_seeded)
    for _ in range(3):
        with sqlite_seeded.write() as s:
            started = v.start_verification(s, actor=agent, guardian_id=guardian.id, method="phone")
            v.finish_verification(s, actor=agent, verification_id=started.id)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot, "demo-supervisor")
        await settle(pilot)
        toasts = " ".join(str(t.render()) for t in app.screen.query("Toast"))
        assert "blocked after failed verifications" in toasts and guardian.last_name in toasts
        detail = await open_guardian(pilot, guardian.email)
        assert "BLOCKED" in text_of(pilot, "#verify-status")
        assert not detail.active_bindings["v"].enabled
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"spoke to the parent in person", "enter")
        await settle(pilot)
        await settle(pilot)
        assert "not verified" in text_of(pilot, "#verify-status")
        assert detail.active_bindings["v"].enabled
    assert audit_rows(sqlite_seeded, guardian.id)[-1].action == "verification_block_cleared"


async def test_the_guardian_screen_shows_who_else_has_it_open(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    from helpdesk_tui.services.presence import heartbeat, target_for
    from tests.recovery import staff

    guardian = pick_guardian(sqlite_seeded)
    supervisor = staff(sqlite_seeded, "demo-supervisor")
    with sqlite_seeded.write() as s:
        heartbeat(s, actor=supervisor, target=target_for("guardian", guardian.id))
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await find(pilot, guardian.email)
        await settle(pilot)
        assert text_of(pilot, "#presence") == f"Also open right now by: {supervisor.full_name}"

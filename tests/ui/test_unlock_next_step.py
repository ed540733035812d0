"""Unlocking a parent with no verified security email offers the next step in the same
dialog (forgot-password cannot reach them): unlock and resend the verification link, or
reset the account with a printed letter."""

from sqlmodel import col, select

from helpdesk_tui.data.tables import PortalAccount
from helpdesk_tui.screens.guardian.key_shown import KeyShownModal
from helpdesk_tui.screens.guardian.reissue_key import ReissueKeyModal
from helpdesk_tui.screens.guardian.unlock_dialog import UnlockModal
from tests.recovery import audit_rows, outbox_for, pick_guardian, staff, verify
from tests.ui.helpers import SIZE, make_app, open_guardian, settle, sign_in


def _locked_out(db, *, email: str | None):  # type: ignore[no-untyped-def]
    """A disabled login whose security email is unverified (or missing)."""
    guardian = pick_guardian(db, account="active")
    with db.write() as s:
        account = s.exec(
            select(PortalAccount).where(col(PortalAccount.guardian_id) == guardian.id)
        ).one()
        account.status, account.failed_login_count = "disabled", 5
        account.disabled_at, account.disabled_reason = account.created_at, "5 failed sign-ins"
        account.security_email, account.security_email_verified = email, False
    verify(db, staff(db, "demo-agent"), guardian)
    return guardian


async def test_unlock_and_resend_the_verification_link_in_one_step(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = _locked_out(sqlite_seeded, email="parent.new@example.org")
    app = make_app(sqlite_seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await open_guardian(pilot, guardian.email)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, UnlockModal)
        # The resend is chosen for them: Tab to the note, Enter.
        await pilot.press("tab", "enter")
        await settle(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, UnlockModal)
    done = [(r.action, r.outcome) for r in audit_rows(sqlite_seeded, guardian.id)]
    assert ("account_unlocked", "done") in done and ("verification_resent", "done") in done
    assert any(
        m.to_address == "parent.new@example.org" for m in outbox_for(sqlite_seeded, guardian.id)
    )


async def test_no_security_email_at_all_leads_to_a_reset_with_a_printed_letter(
    sqlite_seeded,
) -> None:  # type: ignore[no-untyped-def]
    guardian = _locked_out(sqlite_seeded, email=None)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await open_guardian(pilot, guardian.email)
        await pilot.press("u")
        await settle(pilot)
        assert str(app.screen.query_one("#unlock-confirm").label) == "Reset account"
        await pilot.press("tab", *"No email on file", "enter")  # "reset instead" is chosen
        await settle(pilot)
        reset = app.screen
        assert isinstance(reset, ReissueKeyModal)
        assert reset.query_one("#letter").value  # the printed letter is chosen
        assert reset.query_one("#reissue-reason").value == "No email on file"
        await pilot.press("enter")  # the dialog opens on its confirm button
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, KeyShownModal)
    done = {r.action for r in audit_rows(sqlite_seeded, guardian.id)}
    assert "account_reset" in done and "account_unlocked" not in done

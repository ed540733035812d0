"""The guardian screen cannot be used to lead a caller: contact details and birth dates
are masked until a pass, revealed only with a reason (audited) and only until the
screen is left; a wrong answer abandoned with Esc is a failure the history shows."""

from sqlmodel import col, select

from helpdesk_tui.data.tables import Guardian, GuardianStudent, Student, Verification
from helpdesk_tui.screens.dialogs import ReasonPrompt
from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.guardian.verify_caller import VerifyCallerScreen
from tests.recovery import audit_rows, pick_guardian
from tests.ui.helpers import SIZE, find, make_app, open_guardian, rows, settle, sign_in, text_of


def on_screen(pilot) -> str:  # type: ignore[no-untyped-def]
    """Everything the record shows that could hold a contact detail or a birth date."""
    parts = [text_of(pilot, f"#{w}") for w in ("contact", "account", "households")]
    parts += [" ".join(r) for r in rows(pilot, "#students")]
    return "\n".join(parts)


def real_values(db, guardian: Guardian) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        born = s.exec(
            select(Student.birth_date)
            .join(GuardianStudent, col(GuardianStudent.student_id) == col(Student.id))
            .where(col(GuardianStudent.guardian_id) == guardian.id)
        ).first()
    phone = guardian.mobile_phone or guardian.home_phone or guardian.work_phone
    assert born and phone and guardian.address_line
    return {
        "email": guardian.email or "",
        "phone": phone,
        "street": guardian.address_line,
        "zip": guardian.postal_code or "",
        "birth date": born.isoformat(),
    }


async def test_contact_is_masked_until_revealed_with_a_reason_and_masked_again_after(
    sqlite_seeded,
) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    real = real_values(sqlite_seeded, guardian)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        detail = await open_guardian(pilot, guardian.email)
        shown = on_screen(pilot)
        assert [name for name, value in real.items() if value in shown] == []
        assert guardian.city in shown and "c reveals them" in shown
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ReasonPrompt)
        await pilot.press("enter")  # no reason: refused on the spot
        await settle(pilot)
        assert isinstance(app.screen, ReasonPrompt)
        await pilot.press(*"letter came back", "enter")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is detail
        shown = on_screen(pilot)
        assert [name for name, value in real.items() if value not in shown] == []
        assert "Revealed for this screen" in shown
        detail.check_for_changes()  # the reveal's audit row reloads it: still shown
        await settle(pilot)
        assert real["email"] in on_screen(pilot)
        await pilot.press("escape")  # leave the screen, then open it again
        await settle(pilot)
        await find(pilot, guardian.email)
        assert isinstance(app.screen, GuardianDetailScreen)
        assert real["email"] not in on_screen(pilot)
    [row] = audit_rows(sqlite_seeded, guardian.id)
    assert (row.action, row.outcome, row.reason) == (
        "contact_revealed",
        "done",
        "letter came back",
    )


async def test_a_wrong_answer_then_esc_is_recorded_and_shown_as_failed(sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(
        sqlite_seeded,
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        await find(pilot, guardian.email)
        detail = app.screen
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VerifyCallerScreen)
        await pilot.press(*"99999", "enter")
        await settle(pilot)
        assert "Will be recorded as failed" in text_of(pilot, "#verify-status")
        await pilot.press("escape")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is detail
        [verification] = [r for r in rows(pilot, "#audit") if r[2] == "verification"]
        assert "failed" in verification[3] and "ZIP" in verification[5]
        toasts = " ".join(str(t.render()) for t in app.screen.query("Toast"))
        assert "failed verification" in toasts
    with sqlite_seeded.read() as s:
        outcomes = s.exec(
            select(Verification.outcome).where(col(Verification.guardian_id) == guardian.id)
        ).all()
    assert outcomes == ["failed"]

"""What the guardian screens show comes from outside: names, emails and addresses from
the SIS, what was typed at the portal's sign-in, staff names and reasons. The record,
the verify screen and the dialogs show it as typed: "[bold red]X[/]" stays as it is,
"[/]" and "[$accent]" (which the markup parser cannot read) break nothing, a trailing
backslash stays one backslash, and a terminal escape never reaches the terminal."""

import hashlib
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, RadioButton, Select

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import (
    ActivationKey,
    Guardian,
    GuardianStudent,
    Household,
    HouseholdMember,
    LoginAttempt,
    PortalAccount,
    Staff,
    Student,
)
from helpdesk_tui.screens.dialogs import ReasonPrompt
from helpdesk_tui.screens.guardian.account_help import AccountHelpModal
from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen
from helpdesk_tui.screens.guardian.key_shown import KeyShownModal
from helpdesk_tui.screens.guardian.language_picker import LanguagePicker
from helpdesk_tui.screens.guardian.reissue_key import ReissueKeyModal
from helpdesk_tui.screens.guardian.verify_caller import VerifyCallerScreen
from tests.recovery import pick_guardian, staff, verify
from tests.ui.helpers import SIZE, make_app, settle, sign_in

ESC = "\x1b"
MARKUP = "[bold red]X[/] [/] [$accent]y"


def evil(word: str) -> str:
    """``word`` with markup, a terminal escape and a trailing backslash."""
    return f"{word} {MARKUP}{ESC}[2J\\"


def shown(value: str) -> str:
    """How ``value`` must read on screen: as typed, without the escape character."""
    return value.replace(ESC, "")


FIRST, LAST = "[bold red]X[/]", f"[/][$accent]y{ESC}\\"
NAME = f"{FIRST} {LAST}"
EMAIL = f"[/]eve{ESC}@[bold red]X[/].[$accent]y\\"
MASKED_EMAIL = "[•••@[bold red]X[/].[$accent]y\\"  # as the verify screen offers it
SECURITY_EMAIL = f"sec@[$accent]y.[/]{ESC}\\"
USERNAME = f"[b]eve[/]{ESC}\\"
STUDENT_FIRST, STUDENT_LAST = "[$accent]y", f"[/]Kid{ESC}\\"
ADDRESS = evil("12 Elm St")
HOUSEHOLD = evil("Home")
TRIED = f"[bold red]X[/][/][$accent]y{ESC}\\"
IP = f"[/]10.0.0.1{ESC}\\"
STAFF_NAME = evil("Alex")
ISSUER = evil("Pat")
REVOKE_REASON = evil("lost it")
REASON = f"letter came back {MARKUP} \\"  # typed by staff


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest) -> Database:
    """A fresh copy of the demo district, on each database."""
    name = "sqlite_seeded" if request.param == "sqlite" else "pg_seeded"
    database: Database = request.getfixturevalue(name)
    return database


def squash(text: str) -> str:
    """Text without its spaces and line breaks: a Static wraps long lines."""
    return "".join(text.split())


def drawn(widget: Widget) -> str:
    """A widget as drawn, its lines joined, with no style information."""
    return "\n".join(
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    )


def reads(widget: Widget, value: str) -> bool:
    """Whether ``widget`` shows ``value`` as typed (less the escape character), and
    never draws an escape character."""
    text = drawn(widget)
    return ESC not in text and squash(shown(value)) in squash(text)


def unstyled_cell(table: DataTable[object], value: str) -> bool:
    """Whether one of the table's cells reads ``value`` as typed, with no style from
    markup on it."""
    for i in range(table.row_count):
        for cell in table.get_row_at(i):
            if str(cell) == shown(value):
                return not getattr(cell, "spans", ())
    return False


def plant(database: Database) -> int:
    """A guardian with an active login, a student, a household, a revoked key and a
    failed portal sign-in, every name and address from outside full of markup; the
    agent's and the key issuer's names too. Returns the guardian's id."""
    guardian = pick_guardian(database, account="active", verified_email=True)
    gid = guardian.id or 0
    now = datetime.now(UTC)
    with database.write() as s:
        row = s.get(Guardian, gid)
        assert row is not None
        row.first_name, row.last_name, row.email, row.address_line = FIRST, LAST, EMAIL, ADDRESS
        account = s.exec(select(PortalAccount).where(col(PortalAccount.guardian_id) == gid)).one()
        account.username, account.username_key = USERNAME, USERNAME.casefold()
        account.security_email = SECURITY_EMAIL
        link = s.exec(
            select(GuardianStudent).where(col(GuardianStudent.guardian_id) == gid)
        ).first()
        assert link is not None
        student = s.get(Student, link.student_id)
        assert student is not None
        student.first_name, student.last_name = STUDENT_FIRST, STUDENT_LAST
        household = Household(name=HOUSEHOLD, address_line=ADDRESS, city="Town")
        s.add(household)
        s.flush()
        s.add(HouseholdMember(household_id=household.id or 0, guardian_id=gid))
        s.add(
            LoginAttempt(
                account_id=account.id,
                username_tried=TRIED,
                attempted_at=now,
                ip_address=IP,
                success=False,
            )
        )
        people = {p.username: p for p in s.exec(select(Staff)).all()}
        people["demo-agent"].full_name = STAFF_NAME
        people["demo-supervisor"].full_name = ISSUER
        s.add(
            ActivationKey(
                guardian_id=gid,
                digest=hashlib.sha256(f"planted-{gid}".encode()).hexdigest(),
                last4="QX7Z",
                status="revoked",
                issued_at=now,
                issued_by_staff_id=people["demo-supervisor"].id,
                revoked_at=now,
                revoke_reason=REVOKE_REASON,
            )
        )
    return gid


async def test_the_guardian_screens_show_text_from_outside_as_typed(seeded) -> None:  # type: ignore[no-untyped-def]
    gid = plant(seeded)
    app = make_app(seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        assert ESC not in app.sub_title
        detail = GuardianDetailScreen(gid)
        app.push_screen(detail)
        await settle(pilot)
        q = detail.query_one
        assert reads(q("#detail-title"), NAME)
        assert reads(q("#account"), USERNAME)
        assert reads(q("#account"), "s•••@[$accent]y.[/]\\")  # masked before a pass
        assert reads(q("#households"), HOUSEHOLD)
        assert unstyled_cell(q("#students", DataTable), f"{STUDENT_FIRST} {STUDENT_LAST}")
        assert unstyled_cell(q("#keys", DataTable), ISSUER)
        assert unstyled_cell(q("#keys", DataTable), REVOKE_REASON)
        assert unstyled_cell(q("#access-log", DataTable), TRIED)
        assert unstyled_cell(q("#access-log", DataTable), IP)

        # Revealed with a reason that is itself markup: the contact details show.
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ReasonPrompt)
        app.screen.query_one("#prompt-value", Input).value = REASON
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is detail and detail.reveal_id is not None
        assert reads(q("#contact"), EMAIL)
        assert reads(q("#contact"), ADDRESS)
        assert reads(q("#account"), SECURITY_EMAIL)
        assert reads(q("#households"), ADDRESS)
        audit = q("#audit", DataTable)
        [reveal] = [
            r for r in map(audit.get_row_at, range(audit.row_count)) if "letter" in str(r[5])
        ]
        assert str(reveal[1]).startswith(shown(STAFF_NAME)) and not reveal[1].spans
        assert str(reveal[5]).startswith(shown(REASON)) and not reveal[5].spans

        # The language picker names the guardian.
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LanguagePicker)
        assert reads(app.screen.query_one(".dialog-title"), NAME)
        await pilot.press("escape")
        await settle(pilot)

        # The verify screen: the name, and the addresses on file, masked.
        await pilot.press("v")
        await settle(pilot)
        checklist = app.screen
        assert isinstance(checklist, VerifyCallerScreen)
        assert reads(checklist.query_one(".dialog-title"), NAME)
        chooser = checklist.query_one("#code-to", Select)
        chooser.value = "email"
        await settle(pilot)
        assert reads(chooser.query_one("SelectCurrent #label"), MASKED_EMAIL)
        await pilot.press("escape")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is detail

        # With a pass: the reissue dialog names the guardian, the login and the
        # addresses it can send to.
        verify(seeded, staff(seeded, "demo-agent"), seeded_guardian(seeded, gid))
        detail.action_refresh()
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AccountHelpModal)
        assert reads(app.screen.query_one(".dialog-title"), NAME)
        assert reads(app.screen.query_one(".hint"), USERNAME)
        assert reads(app.screen.query_one(".hint"), SECURITY_EMAIL)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReissueKeyModal)
        assert reads(dialog.query_one(".dialog-title"), NAME)
        assert reads(dialog.query_one("#account-warning"), NAME)
        assert reads(dialog.query_one("#account-warning"), USERNAME)
        labels = [str(b.label) for b in dialog.query(RadioButton)]
        assert f"Email to {shown(EMAIL)}" in labels
        assert f"Email to {shown(SECURITY_EMAIL)}" in labels
        dialog.query_one("#reissue-reason", Input).value = REASON
        await pilot.click("#reissue-confirm")
        await settle(pilot)
        key_shown = app.screen
        assert isinstance(key_shown, KeyShownModal)
        assert reads(key_shown.query_one(".dialog-title"), NAME)
        assert reads(key_shown.query_one("#key-facts"), f"Emailed to {MASKED_EMAIL}.")
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)

        # Disabling the login names it in the prompt.
        await pilot.press("x")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, ReasonPrompt)
        assert reads(prompt.query_one(Label), f"Disable {USERNAME}?")
        await pilot.press("escape")
        await settle(pilot)
        toasts = list(app.screen.query("Toast"))
        assert all(ESC not in drawn(t) for t in toasts)


def seeded_guardian(database: Database, gid: int) -> Guardian:
    with database.read() as s:
        row = s.get(Guardian, gid)
        assert row is not None
        s.expunge(row)
        return row


async def test_supervisors_read_blocked_and_restricted_names_as_typed(seeded) -> None:  # type: ignore[no-untyped-def]
    """The supervisor's alert names blocked guardians, the restriction banner and its
    clearance name the students: all as typed."""
    from helpdesk_tui.services import verification as v

    guardian = pick_guardian(seeded)
    gid = guardian.id or 0
    with seeded.write() as s:
        row = s.get(Guardian, gid)
        assert row is not None
        row.first_name, row.last_name = FIRST, LAST
        link = s.exec(
            select(GuardianStudent).where(col(GuardianStudent.guardian_id) == gid)
        ).first()
        assert link is not None
        link.restricted = True  # a custody order, as the SIS sends it
        student = s.get(Student, link.student_id)
        assert student is not None
        student.first_name, student.last_name = STUDENT_FIRST, STUDENT_LAST
    agent = staff(seeded, "demo-agent")
    for _ in range(3):  # three failed verifications block the guardian
        with seeded.write() as s:
            started = v.start_verification(s, actor=agent, guardian_id=gid, method="phone")
            v.finish_verification(s, actor=agent, verification_id=started.id)
    student_name = shown(f"{STUDENT_FIRST} {STUDENT_LAST}")
    app = make_app(seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot, "demo-supervisor")
        await settle(pilot)
        [alert] = [t for t in app.screen.query("Toast") if "blocked" in str(t.render())]
        assert reads(alert, f"blocked after failed verifications: {NAME}.")
        detail = GuardianDetailScreen(gid)
        app.push_screen(detail)
        await settle(pilot)
        banner = detail.query_one("#restricted-banner")
        assert banner.display and reads(banner, f"with {student_name}:")
        await pilot.press("r")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, ReasonPrompt)
        assert reads(prompt.query_one(Label), f"Clear the restriction with {student_name}")
        prompt.query_one("#prompt-value", Input).value = "court order reviewed"
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is detail and not banner.display
        toasts = [t for t in app.screen.query("Toast") if "Restriction cleared" in str(t.render())]
        assert toasts and reads(toasts[-1], f"Restriction cleared for {student_name}.")

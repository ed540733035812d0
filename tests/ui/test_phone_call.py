"""The whole phone call by keyboard: find the guardian, verify with an emailed code,
reissue the key, see it once; then what the database, the outbox, the files on disk
and the screen hold afterwards."""

import logging
from pathlib import Path

from sqlmodel import col, select

from helpdesk_tui.data.key_codec import canonical_hex, key_digest
from helpdesk_tui.data.tables import ActivationKey, OutboxMessage
from helpdesk_tui.screens.guardian.key_shown import KeyShownModal
from helpdesk_tui.screens.guardian.reissue_key import ReissueKeyModal
from helpdesk_tui.screens.guardian.verify_caller import VerifyCallerScreen
from helpdesk_tui.services.mail import EmlFolderTransport, deliver_due
from tests.recovery import audit_rows, birth_date_of, outbox_for, pick_guardian
from tests.ui.helpers import SIZE, make_app, open_guardian, rows, settle, sign_in, text_of


def key_forms(key: str) -> list[bytes]:
    """Every way the key could sit in a file: as shown, bare hex, lower case, UTF-16."""
    hex32 = canonical_hex(key) or ""
    forms = {key, hex32, hex32.lower(), key.lower(), key.strip("{}")}
    return [f.encode(enc) for f in forms for enc in ("utf-8", "utf-16-le")]


async def test_phone_call_verify_by_emailed_code_then_reissue(
    sqlite_seeded, tmp_path, caplog, log_file
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    guardian = pick_guardian(sqlite_seeded)
    app = make_app(sqlite_seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        detail = await open_guardian(pilot, guardian.email)
        assert "not verified" in text_of(pilot, "#verify-status")
        assert guardian.email not in text_of(pilot, "#contact")  # masked before the pass
        # Before verification the key action is greyed out and does nothing.
        assert not detail.active_bindings["k"].enabled
        await pilot.press("k")
        await settle(pilot)
        assert app.screen is detail

        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VerifyCallerScreen)
        await pilot.press(*guardian.postal_code, "enter")
        await settle(pilot)
        assert "match" in text_of(pilot, "#res-zip")
        await pilot.click("#ans-birth_date")
        await pilot.press(*birth_date_of(sqlite_seeded, guardian.id), "enter")
        await settle(pilot)
        await pilot.press("f6")  # focus is still in an answer box
        await settle(pilot)
        assert "Code for" in text_of(pilot, "#proof-status")
        [code_mail] = [
            m for m in outbox_for(sqlite_seeded, guardian.id) if m.kind == "verification_code"
        ]
        assert code_mail.to_address == guardian.email
        code = code_mail.secret
        await pilot.press(*f"{code[:3]} {code[3:]}", "enter")  # read back with a pause
        await settle(pilot)
        await settle(pilot)
        assert app.screen is detail  # ready to pass: it finished by itself
        assert "Caller verified until" in text_of(pilot, "#verify-status")
        assert guardian.email in text_of(pilot, "#contact")  # shown with the pass
        [verified] = [r for r in rows(pilot, "#audit") if r[2] == "verification"]
        assert "passed" in verified[3]  # the Outcome column

        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, ReissueKeyModal)
        await pilot.click("#reissue-confirm")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, KeyShownModal)
        shown = text_of(pilot, "#key-value")
        assert canonical_hex(shown) is not None
        assert "Emailed to" in text_of(pilot, "#key-facts")
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is detail and detail.detail is not None
        assert (
            detail.detail.keys[0].status == "active" and detail.detail.keys[0].last4 == shown[-5:-1]
        )
        screenshot = Path(app.save_screenshot(path=str(tmp_path), filename="after.svg"))

    with sqlite_seeded.read() as session:
        active = session.exec(
            select(ActivationKey).where(
                col(ActivationKey.guardian_id) == guardian.id, col(ActivationKey.status) == "active"
            )
        ).all()
    assert [k.digest for k in active] == [key_digest(shown)]
    mail = outbox_for(sqlite_seeded, guardian.id)
    [key_mail] = [m for m in mail if m.kind == "activation_key"]
    assert key_mail.to_address == guardian.email and key_mail.secret == shown
    assert [m.kind for m in mail].count("notice:key_reissued") >= 1
    actions = [(r.action, r.outcome) for r in audit_rows(sqlite_seeded, guardian.id)]
    assert actions == [
        ("verification_code_sent", "done"),
        ("verification", "passed"),
        ("key_reissued", "done"),
    ]

    # Once the mail has gone, no trace of the key is left in the database file, its
    # WAL, the outbox, the logs or the screen. (Control: while the email waits to be
    # sent the key is in the outbox, and the same scan finds it.)
    database_files = [Path(sqlite_seeded.engine.url.database or "")]
    database_files.append(database_files[0].with_name(database_files[0].name + "-wal"))
    waiting = b"".join(p.read_bytes() for p in database_files if p.exists())
    assert any(form in waiting for form in key_forms(shown))
    deliver_due(sqlite_seeded, EmlFolderTransport(tmp_path / "mail"), sender="helpdesk@example.org")
    with sqlite_seeded.read() as session:
        assert (
            session.exec(select(OutboxMessage).where(col(OutboxMessage.secret).is_not(None))).all()
            == []
        )
    sqlite_seeded.dispose()
    for path in [*database_files, database_files[0].with_name(database_files[0].name + "-shm")]:
        if path.exists():
            data = path.read_bytes()
            assert not any(form in data for form in key_forms(shown)), f"key found in {path.name}"
    assert not any(form in screenshot.read_bytes() for form in key_forms(shown))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert canonical_hex(shown) not in logged.upper().replace("-", "")
    # The log file: it has lines (sign-in, the calls), and no key, code or password.
    written = log_file.read_bytes()
    assert b"signed in: demo-agent" in written
    assert not any(form in written for form in key_forms(shown)), "key in the log file"
    assert code.encode() not in written and b"demo-password" not in written

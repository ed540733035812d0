"""The app delivers the outbox in the background and keeps failures in sight."""

from datetime import UTC, datetime

from sqlmodel import select

from helpdesk_tui.config import Settings
from helpdesk_tui.data.tables import OutboxMessage
from helpdesk_tui.services.mail import queue
from helpdesk_tui.services.texts import Letter
from tests.ui.helpers import SIZE, make_app, settle, sign_in


async def test_demo_mail_goes_to_eml_files_and_failures_show_in_the_header(
    sqlite_seeded, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    with sqlite_seeded.write() as s:
        queue(
            s,
            kind="notice",
            to="a@example.org",
            letter=Letter("Hello", "Body"),
            now=now,
            guardian_id=None,
        )
        broken = queue(
            s,
            kind="notice",
            to="b@example.org",
            letter=Letter("Hi", "Body"),
            now=now,
            guardian_id=None,
        )
        broken.status, broken.last_error = "failed", "550 mailbox unavailable"
    settings = Settings(database_url="", data_dir=tmp_path, config_file=tmp_path / "none.toml")
    app = make_app(sqlite_seeded, settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        app.jobs.deliver_mail()
        await settle(pilot)
        assert app.jobs.mail_runs == 1
        assert "1 FAILED" in app.sub_title and "helpdesk mail retry-failed" in app.sub_title
    [eml] = list((tmp_path / "demo-mail").glob("*.eml"))
    assert "Subject: Hello" in eml.read_text()
    with sqlite_seeded.read() as s:
        statuses = sorted(s.exec(select(OutboxMessage.status)).all())
    assert statuses == ["failed", "sent"]


async def test_a_mailbox_that_cannot_be_read_shows_in_the_header(
    sqlite_seeded, tmp_path, memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    from helpdesk_tui.config import KEYRING_SERVICE, ImapSettings
    from tests.support.smtp_server import free_port

    memory_keyring.set_password(KEYRING_SERVICE, "imap", "whatever")
    imap = ImapSettings(
        host="127.0.0.1", port=free_port(), username="helpdesk", security="none", timeout=2
    )
    settings = Settings(
        database_url="", data_dir=tmp_path, config_file=tmp_path / "none.toml", imap=imap
    )
    app = make_app(sqlite_seeded, settings=settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        app.jobs.fetch_mail()
        await settle(pilot)
        assert "[MAILBOX DOWN]" in app.sub_title
        assert "Cannot read the support mailbox" in (app.jobs.mailbox_error or "")
        assert any("cannot reach" in str(t.render()) for t in app.screen.query("Toast"))

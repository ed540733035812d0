"""A key, code or link whose email failed for good is erased (it must not wait in the
database in clear): the desk that ran the delivery tells staff what to send again."""

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from sqlmodel import col, select

from helpdesk_tui.config import Settings
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import OutboxMessage
from helpdesk_tui.services import mail
from helpdesk_tui.services.texts import Letter
from tests.recovery import pick_guardian
from tests.ui.helpers import SIZE, make_app, settle, sign_in


class RefusingServer:
    """A mail server that refuses every recipient, as for a mistyped address."""

    def send(self, message: EmailMessage) -> None:
        raise smtplib.SMTPRecipientsRefused({str(message["To"]): (550, b"no such user")})

    def close(self) -> None:
        pass


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest) -> Database:
    """A fresh copy of the demo district, on each database."""
    name = "sqlite_seeded" if request.param == "sqlite" else "pg_seeded"
    database: Database = request.getfixturevalue(name)
    return database


async def test_staff_are_told_which_keys_to_reissue_when_a_key_mail_fails(
    seeded, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    guardian = pick_guardian(seeded)
    with seeded.write() as s:
        queued = mail.queue(
            s,
            kind="activation_key",
            to="[/]gone@example.org",
            letter=Letter("Your key", "Your key: [[secret]]"),
            now=datetime.now(UTC),
            guardian_id=guardian.id,
            secret="ABCD-EFGH-JKLM-NPQR",
        )
        s.flush()
        message_id = queued.id
    monkeypatch.setattr(mail, "transport_for", lambda settings, demo: RefusingServer())
    settings = Settings(database_url="", data_dir=tmp_path, config_file=tmp_path / "none.toml")
    app = make_app(seeded, settings=settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)
        app.jobs.deliver_mail()
        await settle(pilot)
        assert app.jobs.mail_runs == 1
        [toast] = [t for t in app.screen.query("Toast") if "erased" in str(t.render())]
        assert toast.has_class("-warning")
        assert (
            "1 activation key could not be delivered and was erased: reissue the key from "
            "the guardian's screen." in " ".join(str(toast.render()).split())
        )
    with seeded.read() as s:
        row = s.exec(select(OutboxMessage).where(col(OutboxMessage.id) == message_id)).one()
    assert (row.status, row.secret) == ("failed", None)

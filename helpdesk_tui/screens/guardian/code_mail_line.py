"""The line under the code row that says where the emailed code is, so the agent can
tell a caller waiting on the line whether it went, and when."""

from datetime import UTC, datetime
from typing import Any

from textual.widgets import Static

from helpdesk_tui.services import verification as v
from helpdesk_tui.vocabulary import OutboxStatus
from helpdesk_tui.widgets.desk import every, signed_in
from helpdesk_tui.widgets.formatting import plain_content
from helpdesk_tui.widgets.service_call import run_service

CHECK_SECONDS = 1.0  # while a code is on its way


class CodeMailLine(Static):
    def __init__(self) -> None:
        super().__init__("", id="code-mail")
        self.verification_id: int | None = None
        self.mail: v.CodeMail | None = None

    def on_mount(self) -> None:
        self.display = False  # until a code is sent
        every(self, CHECK_SECONDS, self.check)

    def follow(self, verification_id: int) -> None:
        """A code was just sent for this verification: watch its email."""
        self.verification_id, self.mail = verification_id, None
        self.check()

    def check(self) -> None:
        """Ask where the email is, unless it has already gone or failed."""
        settled = (OutboxStatus.SENT, OutboxStatus.FAILED)
        if self.verification_id is None or (self.mail and self.mail.status in settled):
            return
        actor, vid = signed_in(self), self.verification_id

        def read(session: Any) -> v.CodeMail | None:
            return v.code_mail(session, actor=actor, verification_id=vid)

        run_service(self, read, done=self._show, write=False, group="code-mail")

    def _show(self, mail: v.CodeMail | None) -> None:
        self.mail = mail
        self.display = mail is not None
        if mail is None:
            return
        now = datetime.now(UTC)
        again = "" if mail.may_resend(now) else f" A new one from {mail.resend_from:%H:%M:%S}."
        self.update(plain_content(mail.describe() + again))
        self.set_class(mail.status == OutboxStatus.FAILED, "error")

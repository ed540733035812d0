"""The verify checklist's proof steps: an emailed code read back, a callback to a number
on file, a photo ID compared at the counter. Each records what was done; the checklist
(verify_caller.py) shows where the verification stands."""

from collections.abc import Callable
from typing import Any, TypeVar

from textual import on
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Select, Static

from helpdesk_tui.screens.base import DeskModal
from helpdesk_tui.screens.guardian.code_mail_line import CodeMailLine
from helpdesk_tui.services import verification as v
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.text import clean_text
from helpdesk_tui.widgets.desk import desk_of, signed_in
from helpdesk_tui.widgets.formatting import markup, plain_content
from helpdesk_tui.widgets.service_call import run_service

T = TypeVar("T")


class ProofSteps(DeskModal[bool]):
    """The checklist's base: services are called with ``_call`` (a refusal is told);
    the checklist keeps ``view``, shows a new state with ``_show`` and reads it again
    with ``_reload``."""

    view: v.VerificationView | None
    changes: int

    def _call(
        self,
        call: Callable[[Any], T],
        done: Callable[[T], object],
        *,
        write: bool = True,
        group: str = "verify",
    ) -> None:
        run_service(self, call, done=done, refused=self._failed, write=write, group=group)

    def _failed(self, exc: DomainError) -> None:
        self.notify(
            clean_text(str(exc)), title="Verification", severity="error", timeout=8, markup=False
        )
        self.changes += 1

    def _show(self, view: v.VerificationView) -> None:
        raise NotImplementedError

    def _reload(self) -> None:
        raise NotImplementedError

    def _proof_status(self, message: str | Content) -> None:
        """What the last proof step did; a plain str is never read as markup (it names
        an address or a number on file)."""
        shown = plain_content(message) if isinstance(message, str) else message
        self.query_one("#proof-status", Static).update(shown)

    @on(Button.Pressed, "#send-code")
    def action_send_code(self) -> None:
        to = self.query_one("#code-to", Select).value
        if self.view is None or not isinstance(to, str):
            self._proof_status(Content.from_markup("[red]Choose an email on file first.[/]"))
            return
        actor, vid = signed_in(self), self.view.id

        def sent(masked: str) -> None:
            self._proof_status(
                f"Code for {masked}. Ask the caller to read it back; it expires in {v.CODE_MINUTES} minutes."
            )
            desk_of(self).deliver_mail_now()  # the caller is on the line: no waiting round
            self.query_one(CodeMailLine).follow(vid)
            self.query_one("#code", Input).focus()
            self.changes += 1

        def send(code: v.NewCode) -> None:
            self._call(
                lambda s: v.send_code(s, actor=actor, verification_id=vid, to=to, code=code), sent
            )

        # The code's argon2 hash is made first, off the write transaction (and the UI).
        self._call(lambda _session: v.new_code(), send, write=False, group="verify-code")

    @on(Input.Submitted, "#code")
    def _confirm_code(self, event: Input.Submitted) -> None:
        if self.view is None:
            return
        actor, vid, code = signed_in(self), self.view.id, event.value

        def check(session: Any) -> v.CodeReading:
            return v.check_code(session, actor=actor, verification_id=vid, code=code)

        def confirm(reading: v.CodeReading) -> None:
            self._call(
                lambda s: v.confirm_code(s, actor=actor, verification_id=vid, reading=reading),
                checked,
            )

        def checked(result: v.CodeCheck) -> None:
            colour = "green" if result.confirmed else "red"
            self._proof_status(markup(f"[{colour}]$message[/]", message=result.message))
            self.query_one("#code", Input).value = ""
            self._reload()

        # Compared with the code's hash in a read (argon2 is slow), then recorded.
        self._call(check, confirm, write=False, group="verify-code")

    @on(Button.Pressed, "#callback-dial")
    def _dial(self) -> None:
        place = self.query_one("#callback-to", Select).value
        if self.view is None or not isinstance(place, str):
            self._proof_status(Content.from_markup("[red]Choose a number on file first.[/]"))
            return
        self.query_one("#callback-done", Button).disabled = False
        actor, vid = signed_in(self), self.view.id

        def dial(number: str) -> None:
            self._proof_status(
                f"Hang up and dial {number} now. When the guardian answers, press "
                "'Guardian answered'."
            )
            self.changes += 1

        self._call(
            lambda s: v.dial_callback(s, actor=actor, verification_id=vid, phone=place), dial
        )

    @on(Button.Pressed, "#callback-done")
    def _called_back(self) -> None:
        place = self.query_one("#callback-to", Select).value
        if self.view is None or not isinstance(place, str):
            return
        actor, vid = signed_in(self), self.view.id

        def record(session: Any) -> v.VerificationView:
            return v.record_callback(session, actor=actor, verification_id=vid, phone=place)

        self._call(record, self._show)

    @on(Select.Changed, "#id-type")
    def _id_type_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#id-matched", Checkbox).focus()  # next: compare and sign

    @on(Checkbox.Changed, "#id-matched")
    def _id_checked(self, event: Checkbox.Changed) -> None:
        """Ticking "matches and signed" records the proof at once (one key at the
        counter); "No match" records the opposite."""
        if event.value:
            self._record_id(matched=True)

    @on(Button.Pressed, "#record-id")
    def _record_mismatch(self) -> None:
        self._record_id(matched=False)

    def _record_id(self, *, matched: bool) -> None:
        id_type = self.query_one("#id-type", Select).value
        if self.view is None or not isinstance(id_type, str):
            self._proof_status(Content.from_markup("[red]Choose the kind of photo ID shown.[/]"))
            self.query_one("#id-type", Select).focus()
            return
        actor, vid = signed_in(self), self.view.id

        def record(session: Any) -> v.VerificationView:
            return v.record_in_person(
                session,
                actor=actor,
                verification_id=vid,
                id_type=id_type,
                id_matched=matched,
                form_signed=matched,
            )

        self._call(record, self._show)

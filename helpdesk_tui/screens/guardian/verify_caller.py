"""The identity checklist: screening answers compared with the record (never shown
first), then one proof: an emailed code read back, a callback to a number on file, or
in person a photo ID and the signed form. Finishing records passed or failed; so does
leaving it (Esc) once an answer or a proof failed. Emails and phones are offered masked
("mobile ending 4567"); the number to call back is shown once the agent dials it."""

from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import (
    Button,
    Input,
    RadioSet,
    Static,
)

from helpdesk_tui.screens.guardian.verify_layout import checklist
from helpdesk_tui.screens.guardian.verify_proofs import ProofSteps
from helpdesk_tui.services import verification as v
from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.text import clean_text
from helpdesk_tui.vocabulary import Proof, ScreeningResult, VerificationMethod, VerificationOutcome
from helpdesk_tui.widgets.desk import signed_in
from helpdesk_tui.widgets.formatting import markup, plain_content
from helpdesk_tui.widgets.service_call import run_service

RESULT_MARKS: dict[str, str] = {
    ScreeningResult.MATCH: "[green]✔ match[/]",
    ScreeningResult.NO_MATCH: "[red]✘ no match[/]",
}


T = TypeVar("T")


class VerifyCallerScreen(ProofSteps):
    CSS_PATH = "guardian.tcss"
    BINDINGS = [
        Binding("ctrl+s", "finish", "Finish", id="verify.finish", tooltip="Record the outcome"),
        Binding(
            "f6",
            "send_code",
            "Email code",
            id="verify.code",
            tooltip="Email a one-time code to the chosen address on file",
        ),
        Binding(
            "f7",
            "jump",
            "Answers/proof",
            id="verify.jump",
            tooltip="Jump between the screening answers and the proof",
        ),
        Binding(
            "escape",
            "abandon",
            "Abandon",
            id="verify.abandon",
            tooltip="Stop; nothing passes, and a wrong answer still counts as a failure",
        ),
    ]

    def __init__(self, detail: GuardianDetail, *, clerk: bool) -> None:
        super().__init__()
        self.detail = detail
        self.clerk = clerk
        self.view: v.VerificationView | None = None
        self.changes = 0  # bumped when a service answer reaches the screen; tests wait on it
        self.finishing = False  # finishing was asked once (by ctrl+s, or by being ready)

    def compose(self) -> ComposeResult:
        yield from checklist(self.detail, clerk=self.clerk)

    def on_mount(self) -> None:
        for judge in self.query(".judge-row"):
            judge.display = False
        self._start(VerificationMethod.IN_PERSON if self.clerk else VerificationMethod.PHONE)

    def _start(self, method: VerificationMethod) -> None:
        actor, gid = signed_in(self), self.detail.guardian_id

        def start(session: Any) -> v.VerificationView:
            return v.start_verification(session, actor=actor, guardian_id=gid, method=method)

        self._call(start, self._show)

    def _show(self, view: v.VerificationView) -> None:
        just_started, self.view = self.view is None, view
        self.query_one("#proof-code").display = Proof.EMAIL_CODE in view.allowed_proofs
        self.query_one("#proof-callback").display = (
            Proof.CALLBACK in view.allowed_proofs and view.method == VerificationMethod.PHONE
        )
        self.query_one("#proof-in-person").display = view.method == VerificationMethod.IN_PERSON
        if just_started:  # what is typed now goes where this method starts
            if view.method == VerificationMethod.IN_PERSON:
                self._first_proof()  # a clerk compares the photo ID first
            else:
                self.query_one("#ans-zip", Input).focus()
        self.refresh_bindings()
        for item in v.SCREENING_ITEMS:
            result = view.screening.get(item, "")
            self.query_one(f"#res-{item}", Static).update(RESULT_MARKS.get(result, ""))
        proofs = ", ".join(Proof(p).label for p in view.proofs if Proof.has(p))
        ready = "[green]Ready to pass: finishing[/]" if view.ready else "[yellow]Not enough yet[/]"
        if view.failures:
            ready = "[red]Will be recorded as failed: $failures[/]"
        answers = "$matched of $needed answers" if view.screening_required else "no answers needed"
        self.query_one("#verify-status", Static).update(
            markup(  # the verdict first: it is what a narrow screen must show
                f"{ready} · {answers} · proof: $proofs",
                matched=view.matches,
                needed=view.screening_required,
                proofs=proofs or "none yet",
                failures="; ".join(view.failures),
            )
        )
        self.changes += 1
        judging = any(row.display for row in self.query(".judge-row"))
        if view.ready and view.outcome == VerificationOutcome.OPEN and not judging:
            # Enough answers, a proof and nothing failed: passing is the only step left,
            # so it is taken (one key less on every call). Not while an answer waits
            # for the staff member's match / does-not (that could still fail it).
            self.action_finish()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send_code":
            return self.view is not None and Proof.EMAIL_CODE in self.view.allowed_proofs
        return True

    @on(RadioSet.Changed, "#method")
    def _method_changed(self, event: RadioSet.Changed) -> None:
        if self.view is not None and event.pressed.id and event.pressed.id != self.view.method:
            self._start(VerificationMethod(event.pressed.id))

    @on(Input.Submitted, ".screen-row Input")
    def _check(self, event: Input.Submitted) -> None:
        if self.view is None or event.input.id is None:
            return
        item = event.input.id.removeprefix("ans-")
        answer, actor, vid = event.value, signed_in(self), self.view.id

        def check(session: Any) -> v.Comparison:
            return v.check_screening(
                session, actor=actor, verification_id=vid, item=item, answer=answer
            )

        def shown(result: v.Comparison) -> None:
            if result.result == ScreeningResult.JUDGE:
                self.query_one(f"#reveal-{item}", Static).update(
                    plain_content(
                        f"The record says: {result.reveal}. Does the caller's answer match?"
                    )
                )
                self.query_one(f"#judge-{item}").display = True
                self.query_one(f"#yes-{item}", Button).focus()
            else:
                self._focus_after(item)
            self._reload()

        self._call(check, shown)

    @on(Button.Pressed, ".judge-row Button")
    def _judged(self, event: Button.Pressed) -> None:
        if self.view is None or event.button.id is None:
            return
        verdict, item = event.button.id.split("-", 1)
        self.query_one(f"#judge-{item}").display = False
        self.query_one(f"#reveal-{item}", Static).update("")
        self._focus_after(item)
        actor, vid = signed_in(self), self.view.id

        def judge(session: Any) -> v.VerificationView:
            return v.judge_screening(
                session, actor=actor, verification_id=vid, item=item, matched=verdict == "yes"
            )

        self._call(judge, self._show)

    def _focus_after(self, item: str) -> None:
        """On to the next unanswered screening item, then to the first proof control,
        so the whole checklist can be worked with Enter and Tab."""
        items = list(v.SCREENING_ITEMS)
        for following in items[items.index(item) + 1 :]:
            box = self.query_one(f"#ans-{following}", Input)
            if not box.value:
                box.focus()
                return
        self._first_proof()

    def _first_proof(self) -> bool:
        """Focus the first proof control shown for this method."""
        for proof in ("#code-to", "#callback-to", "#id-type"):
            widget = self.query_one(proof)
            if widget.parent is not None and widget.parent.display:
                widget.focus()
                return True
        return False

    def action_jump(self) -> None:
        """F7: from the answers to the proof, and back to the first unanswered answer."""
        focused = self.focused
        if focused is not None and any(
            row in focused.ancestors for row in self.query(".proof-row")
        ):
            boxes = [self.query_one(f"#ans-{item}", Input) for item in v.SCREENING_ITEMS]
            next((b for b in boxes if not b.value), boxes[0]).focus()
        else:
            self._first_proof()

    def _reload(self) -> None:
        if self.view is None:
            return
        actor, vid = signed_in(self), self.view.id

        def load(session: Any) -> v.VerificationView:
            return v.get_verification(session, actor=actor, verification_id=vid)

        self._call(load, self._show, write=False)

    @on(Button.Pressed, "#finish")
    def action_finish(self) -> None:
        if self.view is None or self.finishing:
            return  # once: ctrl+s while it finishes by itself adds nothing
        self.finishing = True
        actor, vid = signed_in(self), self.view.id

        def finish(session: Any) -> v.VerificationView:
            return v.finish_verification(session, actor=actor, verification_id=vid)

        def finished(view: v.VerificationView) -> None:
            if view.outcome == VerificationOutcome.PASSED:
                self.notify(
                    "Caller verified. Sensitive actions are open for 15 minutes.", timeout=6
                )
            else:
                self.notify(
                    "Verification failed and was recorded. Do not act on this account.",
                    severity="warning",
                    timeout=8,
                )
            self.finish(view.outcome == VerificationOutcome.PASSED)

        def not_finished(exc: DomainError | None = None) -> None:
            self.finishing = False  # ctrl+s tries again
            if exc is not None:
                self._failed(exc)

        run_service(
            self, finish, done=finished, refused=not_finished, failed=not_finished, group="verify"
        )

    @on(Button.Pressed, "#abandon")
    def action_abandon(self) -> None:
        if self.view is None:
            self.finish(False)
            return
        actor, vid = signed_in(self), self.view.id

        def abandon(session: Any) -> v.VerificationView:
            return v.abandon_verification(session, actor=actor, verification_id=vid)

        def abandoned(view: v.VerificationView) -> None:
            if view.outcome == VerificationOutcome.FAILED:
                self.notify(
                    clean_text(
                        f"Recorded as a failed verification: {'; '.join(view.failures)}. "
                        "Do not act on this account."
                    ),
                    severity="warning",
                    timeout=8,
                    markup=False,
                )
            self.finish(False)

        run_service(
            self,
            abandon,
            done=abandoned,
            refused=lambda _: self.finish(False),
            failed=lambda: self.finish(False),
            group="verify",
        )

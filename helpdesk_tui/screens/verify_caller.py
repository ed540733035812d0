"""The identity checklist: screening answers compared with the record (never shown
first), then one proof: an emailed code read back, a callback to a number on file, or
in person a photo ID and the signed form. Finishing records passed or failed."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
)

from helpdesk_tui.screens.background import run_in_thread
from helpdesk_tui.services import verification as v
from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.kernel.masking import mask_email
from helpdesk_tui.services.verification import (
    MAX_ANSWER,
    SCREENING_ITEMS,
    Comparison,
    answers,
    proofs,
)

RESULT_MARKS = {"match": "[green]✔ match[/]", "no match": "[red]✘ no match[/]"}


def _masked_phone(label: str, number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"{label} ending {digits[-4:]}"


class VerifyCallerScreen(ModalScreen[bool]):
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
            "escape", "abandon", "Abandon", id="verify.abandon", tooltip="Stop; nothing passes"
        ),
    ]

    def __init__(self, detail: GuardianDetail, *, clerk: bool) -> None:
        super().__init__()
        self.detail = detail
        self.clerk = clerk
        self.view: v.VerificationView | None = None
        self.addresses = list(detail.emails)
        if (
            detail.account
            and detail.account.security_email
            and detail.account.security_email not in self.addresses
        ):
            self.addresses.append(detail.account.security_email)
        self.changes = 0  # bumped when a service answer reaches the screen; tests wait on it

    # -- layout --------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        d = self.detail
        with VerticalScroll(id="verify"):
            yield Label(
                f"Verify the caller: {d.name} (guardian #{d.guardian_id})", classes="dialog-title"
            )
            with RadioSet(id="method", compact=True):
                yield RadioButton("Phone", id="phone", value=not self.clerk, disabled=self.clerk)
                yield RadioButton("In person", id="in_person", value=self.clerk)
                yield RadioButton("Written request", id="written", disabled=self.clerk)
            yield Label(
                "Screening: type what the caller says, then Enter. Answers are compared "
                "with the record and are not kept.",
                classes="section-title",
            )
            for item, label in SCREENING_ITEMS.items():
                with Horizontal(classes="screen-row"):
                    yield Label(label, classes="screen-label")
                    yield Input(
                        placeholder="caller's answer, then Enter",
                        id=f"ans-{item}",
                        max_length=MAX_ANSWER,
                        compact=True,
                    )
                    yield Static("", id=f"res-{item}", classes="screen-result")
                with Horizontal(classes="judge-row", id=f"judge-{item}"):
                    yield Static("", id=f"reveal-{item}", classes="screen-reveal")
                    yield Button("Matches", id=f"yes-{item}", variant="success", compact=True)
                    yield Button("Does not", id=f"no-{item}", variant="error", compact=True)
            yield Label("Proof (at least one)", classes="section-title")
            with Horizontal(classes="proof-row", id="proof-code"):
                yield Select(
                    [(mask_email(a), a) for a in self.addresses],
                    prompt="email on file",
                    id="code-to",
                    allow_blank=not self.addresses,
                    compact=True,
                )
                yield Button("Send code (F6)", id="send-code", compact=True)
                yield Input(
                    placeholder="code read back, then Enter", id="code", max_length=20, compact=True
                )
            with Horizontal(classes="proof-row", id="proof-callback"):
                yield Select(
                    [(_masked_phone(label, n), n) for label, n in self.detail.phones],
                    prompt="number on file",
                    id="callback-to",
                    allow_blank=not self.detail.phones,
                    compact=True,
                )
                yield Button("Call back", id="callback-dial", compact=True)
                yield Button("Guardian answered", id="callback-done", disabled=True, compact=True)
            with Horizontal(classes="proof-row", id="proof-in-person"):
                yield Select(
                    [(t, t) for t in proofs.ID_TYPES],
                    prompt="photo ID shown",
                    id="id-type",
                    compact=True,
                )
                yield Checkbox("Photo matches", id="id-matched", compact=True)
                yield Checkbox("Form signed here", id="form-signed", compact=True)
                yield Button("Record", id="record-id", compact=True)
            yield Static("", id="proof-status")
            yield Static("", id="verify-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Finish (ctrl+s)", variant="primary", id="finish")
                yield Button("Abandon (esc)", id="abandon")
        yield Footer()

    def on_mount(self) -> None:
        for judge in self.query(".judge-row"):
            judge.display = False
        self.query_one("#ans-zip", Input).focus()
        self._start("in_person" if self.clerk else "phone")

    # -- service calls -------------------------------------------------------------
    def _call(self, call, done) -> None:  # type: ignore[no-untyped-def]
        run_in_thread(self, call, done=done, failed=self._failed, group="verify")

    def _failed(self, exc: DomainError) -> None:
        self.notify(str(exc), title="Verification", severity="error", timeout=8)
        self.changes += 1

    def _start(self, method: str) -> None:
        actor, gid = self.app.staff, self.detail.guardian_id  # type: ignore[attr-defined]

        def start(session):  # type: ignore[no-untyped-def]
            return v.start_verification(session, actor=actor, guardian_id=gid, method=method)

        self._call(start, self._show)

    def _show(self, view: v.VerificationView) -> None:
        self.view = view
        self.query_one("#proof-code").display = "email_code" in view.allowed_proofs
        self.query_one("#proof-callback").display = (
            "callback" in view.allowed_proofs and view.method == "phone"
        )
        self.query_one("#proof-in-person").display = view.method == "in_person"
        self.refresh_bindings()
        for item in SCREENING_ITEMS:
            result = view.screening.get(item)
            self.query_one(f"#res-{item}", Static).update(RESULT_MARKS.get(result or "", ""))
        matched = view.matches
        proofs = ", ".join(v.PROOF_LABELS.get(p, p) for p in view.proofs if p in v.PROOF_LABELS)
        ready = "[green]ready to pass[/]" if view.ready else "[yellow]not enough yet[/]"
        self.query_one("#verify-status", Static).update(
            f"Screening: {matched} matched ({view.screening_required} needed) · "
            f"proof: {proofs or 'none yet'} · {ready}"
        )
        self.changes += 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send_code":
            return self.view is not None and "email_code" in self.view.allowed_proofs
        return True

    @on(RadioSet.Changed, "#method")
    def _method_changed(self, event: RadioSet.Changed) -> None:
        if self.view is not None and event.pressed.id and event.pressed.id != self.view.method:
            self._start(event.pressed.id)

    @on(Input.Submitted, ".screen-row Input")
    def _check(self, event: Input.Submitted) -> None:
        if self.view is None or event.input.id is None:
            return
        item = event.input.id.removeprefix("ans-")
        answer, actor, vid = event.value, self.app.staff, self.view.id  # type: ignore[attr-defined]

        def check(session):  # type: ignore[no-untyped-def]
            return answers.check_screening(
                session, actor=actor, verification_id=vid, item=item, answer=answer
            )

        def shown(result: Comparison) -> None:
            if result.result == "judge":
                self.query_one(f"#reveal-{item}", Static).update(
                    f"The record says: {result.reveal}. Does the caller's answer match?"
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
        actor, vid = self.app.staff, self.view.id  # type: ignore[attr-defined]

        def judge(session):  # type: ignore[no-untyped-def]
            return answers.judge_screening(
                session, actor=actor, verification_id=vid, item=item, matched=verdict == "yes"
            )

        self._call(judge, self._show)

    def _focus_after(self, item: str) -> None:
        """On to the next unanswered screening item, then to the first proof control,
        so the whole checklist can be worked with Enter and Tab."""
        items = list(SCREENING_ITEMS)
        for following in items[items.index(item) + 1 :]:
            box = self.query_one(f"#ans-{following}", Input)
            if not box.value:
                box.focus()
                return
        for proof in ("#code-to", "#callback-to", "#id-type"):
            widget = self.query_one(proof)
            if widget.parent is not None and widget.parent.display:
                widget.focus()
                return

    def _reload(self) -> None:
        if self.view is None:
            return
        actor, vid = self.app.staff, self.view.id  # type: ignore[attr-defined]

        def load(session):  # type: ignore[no-untyped-def]
            return v.get_verification(session, actor=actor, verification_id=vid)

        self._call(load, self._show)

    def _proof_status(self, message: str) -> None:
        self.query_one("#proof-status", Static).update(message)

    @on(Button.Pressed, "#send-code")
    def action_send_code(self) -> None:
        to = self.query_one("#code-to", Select).value
        if self.view is None or not isinstance(to, str):
            self._proof_status("[red]Choose an email on file first.[/]")
            return
        actor, vid = self.app.staff, self.view.id  # type: ignore[attr-defined]

        def send(session):  # type: ignore[no-untyped-def]
            return proofs.send_code(session, actor=actor, verification_id=vid, to=to)

        def sent(masked: str) -> None:
            self._proof_status(
                f"Code sent to {masked}. Ask the caller to read it back; it expires in {proofs.CODE_MINUTES} minutes."
            )
            self.query_one("#code", Input).focus()
            self.changes += 1

        self._call(send, sent)

    @on(Input.Submitted, "#code")
    def _confirm_code(self, event: Input.Submitted) -> None:
        if self.view is None:
            return
        actor, vid, code = self.app.staff, self.view.id, event.value  # type: ignore[attr-defined]

        def confirm(session):  # type: ignore[no-untyped-def]
            return proofs.confirm_code(session, actor=actor, verification_id=vid, code=code)

        def checked(result: proofs.CodeCheck) -> None:
            self._proof_status(
                ("[green]" if result.confirmed else "[red]") + result.message + "[/]"
            )
            self.query_one("#code", Input).value = ""
            self._reload()

        self._call(confirm, checked)

    @on(Button.Pressed, "#callback-dial")
    def _dial(self) -> None:
        number = self.query_one("#callback-to", Select).value
        if not isinstance(number, str):
            self._proof_status("[red]Choose a number on file first.[/]")
            return
        self._proof_status(
            f"Hang up and dial {number} now. When the guardian answers, press 'Guardian answered'."
        )
        self.query_one("#callback-done", Button).disabled = False

    @on(Button.Pressed, "#callback-done")
    def _called_back(self) -> None:
        number = self.query_one("#callback-to", Select).value
        if self.view is None or not isinstance(number, str):
            return
        actor, vid = self.app.staff, self.view.id  # type: ignore[attr-defined]

        def record(session):  # type: ignore[no-untyped-def]
            return proofs.record_callback(session, actor=actor, verification_id=vid, phone=number)

        self._call(record, self._show)

    @on(Button.Pressed, "#record-id")
    def _record_id(self) -> None:
        id_type = self.query_one("#id-type", Select).value
        if self.view is None or not isinstance(id_type, str):
            self._proof_status("[red]Choose the kind of photo ID shown.[/]")
            return
        matched = self.query_one("#id-matched", Checkbox).value
        signed = self.query_one("#form-signed", Checkbox).value
        actor, vid = self.app.staff, self.view.id  # type: ignore[attr-defined]

        def record(session):  # type: ignore[no-untyped-def]
            return proofs.record_in_person(
                session,
                actor=actor,
                verification_id=vid,
                id_type=id_type,
                id_matched=matched,
                form_signed=signed,
            )

        self._call(record, self._show)

    @on(Button.Pressed, "#finish")
    def action_finish(self) -> None:
        if self.view is None:
            return
        actor, vid = self.app.staff, self.view.id  # type: ignore[attr-defined]

        def finish(session):  # type: ignore[no-untyped-def]
            return v.finish_verification(session, actor=actor, verification_id=vid)

        def finished(view: v.VerificationView) -> None:
            if view.outcome == "passed":
                self.notify(
                    "Caller verified. Sensitive actions are open for 15 minutes.", timeout=6
                )
            else:
                self.notify(
                    "Verification failed and was recorded. Do not act on this account.",
                    severity="warning",
                    timeout=8,
                )
            self.dismiss(view.outcome == "passed")

        self._call(finish, finished)

    @on(Button.Pressed, "#abandon")
    def action_abandon(self) -> None:
        if self.view is None:
            self.dismiss(False)
            return
        actor, vid = self.app.staff, self.view.id  # type: ignore[attr-defined]

        def abandon(session) -> None:  # type: ignore[no-untyped-def]
            v.abandon_verification(session, actor=actor, verification_id=vid)

        run_in_thread(
            self,
            abandon,
            done=lambda _: self.dismiss(False),
            failed=lambda _: self.dismiss(False),
            group="verify",
        )

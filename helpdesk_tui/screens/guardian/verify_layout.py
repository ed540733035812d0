"""The identity checklist's layout: the method, one row per screening item (with
its judge row), the proofs, the status and the buttons. Contacts are offered masked;
choices carry their place in the record ("email", "mobile"), never the value."""

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
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

from helpdesk_tui.screens.guardian.code_mail_line import CodeMailLine
from helpdesk_tui.services import verification as v
from helpdesk_tui.services.guardians import GuardianDetail
from helpdesk_tui.widgets.formatting import plain, plain_content


def checklist(d: GuardianDetail, *, clerk: bool) -> ComposeResult:
    with VerticalScroll(id="verify"):
        yield Label(
            plain_content(f"Verify the caller: {d.name} (guardian #{d.guardian_id})"),
            classes="dialog-title",
        )
        with RadioSet(id="method", compact=True):
            yield RadioButton("Phone", id="phone", value=not clerk, disabled=clerk)
            yield RadioButton("In person", id="in_person", value=clerk)
            yield RadioButton("Written request", id="written", disabled=clerk)
        yield Label(
            "Screening (answers are not kept; a wrong one fails the verification)",
            classes="section-title",
        )
        for item, label in v.SCREENING_ITEMS.items():
            with Horizontal(classes="screen-row"):
                yield Label(label, classes="screen-label")
                yield Input(
                    placeholder="caller's answer, then Enter",
                    id=f"ans-{item}",
                    max_length=v.MAX_ANSWER,
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
                [(plain(shown), place) for place, shown in d.email_choices],
                prompt="email on file",
                id="code-to",
                allow_blank=not d.email_choices,
                compact=True,
            )
            yield Button("Send code (F6)", id="send-code", compact=True)
            yield Input(
                placeholder="code read back, then Enter", id="code", max_length=20, compact=True
            )
        with Horizontal(classes="proof-row", id="proof-callback"):
            yield Select(
                [(plain(shown), place) for place, shown in d.phone_choices],
                prompt="number on file",
                id="callback-to",
                allow_blank=not d.phone_choices,
                compact=True,
            )
            yield Button("Call back", id="callback-dial", compact=True)
            yield Button("Guardian answered", id="callback-done", disabled=True, compact=True)
        with Horizontal(classes="proof-row", id="proof-in-person"):
            yield Select(
                [(t, t) for t in v.ID_TYPES],
                prompt="photo ID shown",
                id="id-type",
                compact=True,
            )
            yield Checkbox("Photo matches, form signed", id="id-matched", compact=True)
            yield Button("No match", id="record-id", variant="error", compact=True)
        yield Static("", id="proof-status")
        yield CodeMailLine()
    # Where the call stands and how to end it stay in sight while the checklist
    # scrolls (a 24-line terminal shows half of it).
    with Horizontal(id="verify-end"):
        yield Static("", id="verify-status")
        yield Button("Finish", variant="primary", id="finish", compact=True)
        yield Button("Abandon", id="abandon", compact=True)
    yield Footer(compact=True)

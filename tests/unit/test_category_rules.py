"""The category suggested for an incoming email, from the questions parents actually
ask (the seed FAQs' own phrasings, English and Spanish), and what must not move it:
a thank-you, "key" in another sense, accents or their absence, the quoted history of
a reply, a long body. The rules table in docs/tickets.md is the code's."""

from pathlib import Path

import pytest

from helpdesk_tui.services.tickets import RULES, Suggestion, rules_markdown, suggest_category
from helpdesk_tui.services.tickets.category_rules import compile_phrase, fold

DOCS = Path(__file__).resolve().parents[2] / "docs" / "tickets.md"

# The seed FAQs' questions, as the parents who wrote them phrased them.
ENGLISH = [
    ("I lost my portal activation key email. How do I get a new one?", "lost_key"),
    (
        "I'm trying to create my Campus Parent Portal login, but it says that portal "
        "activation key has already been used. What is the problem?",
        "key_already_used",
    ),
    (
        "I'm trying to create my Campus Parent Portal login, but it says that login name "
        "has already been used. What is the problem?",
        "login_name_taken",
    ),
    (
        "I already created my Campus Parent Portal login account, but I can't remember my "
        "login or password. How can I get that information?",
        "forgot_login",
    ),
    ("My account is disabled. How do I get it unlocked?", "account_disabled"),
    (
        "I'm on the Infinite Campus Parent Portal sign-in page, but I don't have login yet. "
        "How do I get a login?",
        "no_account",
    ),
    ("Do I need a separate portal activation key for each of my students?", "key_request"),
    ("How do I change my security email?", "security_email"),
    ("I did not receive the security email verification message. What should I do?", "security_email"),
    (
        "Why is the Parent Portal asking me for an email address and password after I login?",
        "security_email",
    ),
    (
        "I am having trouble logging into the Parent Portal. The Forgot Password? and/or the "
        "Forgot Username? links did not work?",
        "forgot_login",
    ),
    ("How do I change my username?", "username_change"),
    ("I do not have a Parent Portal account. What should I do?", "no_account"),
    ("Forget Username or Password", "forgot_login"),
    # Self-service while signed in: nothing for the helpdesk to categorise.
    ("How do I change my password in Campus Parent Portal?", "other"),
]  # fmt: skip
SPANISH = [
    (
        "Perdí el correo electrónico de mi clave de activación del portal. "
        "¿Cómo consigo uno nuevo?",
        "lost_key",
    ),
    (
        "Estoy tratando de crear mi inicio de sesión en el Portal de Padres de Campus, pero "
        "dice que la clave de activación del portal ya se usó. ¿Cuál es el problema?",
        "key_already_used",
    ),
    (
        "Estoy intentando crear mi inicio de sesión en el Portal de Padres de Campus, pero "
        "dice que el nombre de inicio de sesión ya se ha utilizado. ¿Cuál es el problema?",
        "login_name_taken",
    ),
    (
        "Ya creé mi cuenta de inicio de sesión en el Portal de Padres de Campus, pero no "
        "recuerdo mi nombre de usuario o contraseña. ¿Cómo puedo obtener esa información?",
        "forgot_login",
    ),
    ("Mi cuenta está desactivada. ¿Cómo puedo desbloquearlo?", "account_disabled"),
    (
        "Estoy en la página de inicio de sesión del Portal para padres de Infinite Campus, "
        "pero todavía no tengo inicio de sesión. ¿Cómo puedo iniciar la sesión?",
        "no_account",
    ),
    (
        "¿Necesito una clave de activación del portal diferente para cada uno de mis estudiantes?",
        "key_request",
    ),
    ("¿Cómo cambio mi contraseña en el Portal de Padres del Campus?", "other"),
]


@pytest.mark.parametrize(("question", "category"), ENGLISH)
def test_english_questions_from_the_faqs(question: str, category: str) -> None:
    found = suggest_category("", question)
    assert (found.category, found.priority, found.language) == (category, "normal", "en")
    assert found.because == ("no rule matched" if category == "other" else found.because)
    if category != "other":
        assert found.matched and fold(found.matched) in fold(question)


@pytest.mark.parametrize(("question", "category"), SPANISH)
def test_spanish_questions_from_the_faqs(question: str, category: str) -> None:
    found = suggest_category("", question)
    assert (found.category, found.priority, found.language) == (category, "normal", "es")


def test_the_words_it_came_from_are_shown_as_written() -> None:
    found = suggest_category("Ayuda", "Hola, olvidé mi contraseña del portal.")
    assert found.category == "forgot_login" and found.rule == "forgot_login (es)"
    assert found.matched == "olvidé mi contraseña" and found.where == "body"
    assert found.because == "suggested from 'olvidé mi contraseña' in the body"
    assert found.phrase == "olvid* ... contrasena|usuario"


@pytest.mark.parametrize(
    "body",
    [
        "olvidé mi contraseña",
        "olvide mi contrasena",
        "OLVIDÉ MI CONTRASEÑA",
        "Olvide mi contraseña",
    ],
)
def test_accents_and_case_do_not_matter(body: str) -> None:
    found = suggest_category("", body)
    assert found.category == "forgot_login" and found.matched == body


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Thank you!", "Thank you so much, I was able to sign in with the new key. Have a great day."),
        ("Gracias", "Muchas gracias, ya pude entrar al portal con la clave nueva."),
        ("Locker", "My son lost his locker key, who should we ask at the school?"),
        ("Calendar", "What are the key dates for kindergarten registration?"),
        ("School play", "The monkey was used in the school play, can we see photos?"),
        ("Keyboard", "Our keyboard was already used by his brother."),
        ("", ""),
    ],
)  # fmt: skip
def test_what_is_not_a_portal_problem_stays_other(subject: str, body: str) -> None:
    found = suggest_category(subject, body)
    assert (found.category, found.matched, found.because) == ("other", "", "no rule matched")
    assert found.priority == "normal"


def test_the_subject_weighs_more_than_the_body() -> None:
    body = "I think I forgot my password."
    assert suggest_category("", f"My account is locked. {body}").category == "account_disabled"
    found = suggest_category("Forgot my password", "Now my account is locked.")
    assert (found.category, found.where, found.matched) == (
        "forgot_login",
        "subject",
        "Forgot my password",
    )
    assert suggest_category("RE: Account disabled", body).category == "account_disabled"


def test_a_tie_goes_to_the_more_specific_category() -> None:
    # Both specific, both in the body: "already used" says more than "send a key".
    body = "My activation key was already used. Can you send a new activation key?"
    assert suggest_category("", body).category == "key_already_used"
    # A broad phrase in the subject against a specific one in the body: even, and the
    # specific category wins.
    assert suggest_category("Activation key", "I lost my key.").category == "lost_key"
    assert suggest_category("Activation key", "Hello, can you help?").category == "key_request"


def test_the_quoted_history_of_a_reply_does_not_drive_it() -> None:
    body = (
        "Thanks, that worked!\n\n"
        "On Mon, 30 Nov 2026 at 09:00, Parent Portal helpdesk <help@district.example> wrote:\n"
        "> Your account was disabled after too many attempts; we unlocked it.\n"
        "> If you forgot your password, use Forgot Password?\n"
    )
    assert suggest_category("Re: [HD-1042] Account unlocked", body).category == "account_disabled"
    assert suggest_category("Re: [HD-1042]", body).category == "other"
    # Nor does the placeholder left where a quoted key was removed.
    assert suggest_category("Hi", "Here it is: [activation key removed]").category == "other"


def test_a_ten_kilobyte_body() -> None:
    filler = "We moved to a new house last summer and the children changed schools. " * 145
    assert len(filler) > 10_000
    found = suggest_category("Question", filler + "Mi cuenta está bloqueada.")
    assert (found.category, found.matched) == ("account_disabled", "cuenta está bloqueada")
    assert suggest_category("Question", filler).category == "other"
    # A long run of words after a phrase's first word does not make it slow or wrong.
    assert suggest_category("", "forgot " + "the " * 5_000 + "password").category == "other"


def test_a_suggestion_cannot_be_changed_afterwards() -> None:
    found = suggest_category("", "My account is disabled.")
    assert isinstance(found, Suggestion)
    with pytest.raises(AttributeError):
        found.category = "other"  # type: ignore[misc, assignment]


def test_every_phrase_finds_its_own_words() -> None:
    """Each phrase, written out plainly (first alternative, no gap), matches: a typo in
    the table that makes a phrase unmatchable fails here."""
    for rule in RULES:
        for phrase in rule.phrases:
            words = [w.split("|")[0].rstrip("*") for w in phrase.split() if w != "..."]
            for token in phrase.split():  # "key|key": a multi-word choice written wrong
                assert len(set(token.split("|"))) == token.count("|") + 1, phrase
            assert compile_phrase(phrase).search(fold(" ".join(words))), phrase


def test_the_docs_list_every_rule() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert "## Suggested category for email" in text
    assert rules_markdown() in text, (
        "docs/tickets.md is out of date: paste the output of "
        "`python -c 'from helpdesk_tui.services.tickets import rules_markdown; "
        "print(rules_markdown())'`"
    )
    for rule in RULES:
        for phrase in rule.phrases:
            assert f"`{phrase.replace('|', chr(92) + '|')}`" in text

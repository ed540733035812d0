"""A suggested category for an incoming email, from its subject and body, in English
and Spanish: a table of rules a person can read (docs/tickets.md lists them, generated
from ``RULES`` by ``rules_markdown``), and ``suggest_category``.

A phrase is words as a parent writes them. Matching ignores case and accents
("contraseña" = "contrasena") and apostrophes ("can't" = "cant"), and is whole-word:
"key" never matches "keyboard". In a phrase, ``a|b`` is either word, ``word*`` is any
word starting so ("desactivad*": desactivada, desactivado), and ``...`` stands for up to
four other words of the same sentence ("forgot ... password": "forgot my password",
"forgot the portal password").

Scoring: a phrase found in the subject counts 2, in the body 1; a specific phrase
counts twice a broad one ("activation key" alone says little about what went wrong).
Each category takes its best match; the highest wins, and a tie goes to the more
specific category (``SPECIFICITY``). Nothing found: ``other``. The body is read
without the quoted history of earlier messages (``strip_quoted``) and without the
placeholders left where a key or code was removed ("[activation key removed]").

Priority is always normal: words like "urgent" in an email are not a service-level
fact, and the rules do not invent urgency. An agent raises it after reading.
"""

import re
import unicodedata
from dataclasses import dataclass

from helpdesk_tui.services.tickets.email_redact import (
    CODE_REMOVED,
    KEY_REMOVED,
    LINK_REMOVED,
    QUOTES_REMOVED,
    strip_quoted,
)
from helpdesk_tui.vocabulary import Category, Language, Priority

EN, ES = Language.ENGLISH, Language.SPANISH
SUBJECT_WEIGHT, BODY_WEIGHT = 2, 1
SPECIFIC, BROAD = 2, 1
GAP_WORDS = 4


@dataclass(frozen=True, slots=True)
class Rule:
    category: Category
    language: Language
    phrases: tuple[str, ...]
    broad: bool = False  # says the topic, not the trouble: loses to a specific phrase
    priority: Priority = Priority.NORMAL

    @property
    def name(self) -> str:
        return f"{self.category} ({self.language})"


def _rule(category: Category, language: Language, *phrases: str, broad: bool = False) -> Rule:
    return Rule(category, language, phrases, broad=broad)


C = Category
# fmt: off
RULES: tuple[Rule, ...] = (
    # -- someone else redeemed the key ----------------------------------------------------
    _rule(C.KEY_ALREADY_USED, EN, "key ... already ... used", "key was used",
          "key ... already ... redeemed|activated", "someone ... used my ... key",
          "used ... wrong key"),
    _rule(C.KEY_ALREADY_USED, ES,
          "clave ... ya ... uso|usado|usada|utilizo|utilizado|utilizada|usaron|utilizaron",
          "alguien ... uso|utilizo ... clave"),
    # -- the login name they chose exists ------------------------------------------------
    _rule(C.LOGIN_NAME_TAKEN, EN, "login name ... already ... used|taken",
          "username ... already ... used|taken|exists", "user name ... already ... used|taken",
          "login name ... taken", "username ... taken", "username ... not available",
          "username ... in use"),
    _rule(C.LOGIN_NAME_TAKEN, ES,
          "nombre de inicio de sesion ... ya ... usado|utilizado|uso|utilizo|existe|tomado",
          "nombre de usuario ... ya ... existe|usado|utilizado|tomado|ocupado|registrado",
          "usuario ... no esta disponible"),
    # -- the security email ----------------------------------------------------------------
    _rule(C.SECURITY_EMAIL, EN, "security email", "security e mail",
          "verification email|message|link", "verify ... email", "recovery email",
          "asking ... email address"),
    _rule(C.SECURITY_EMAIL, ES, "correo ... de seguridad", "correo de verificacion",
          "mensaje de verificacion", "enlace de verificacion", "verificar ... correo"),
    # -- a new username --------------------------------------------------------------------
    _rule(C.USERNAME_CHANGE, EN, "change ... username", "change ... user name",
          "change ... login name", "update ... username", "new username"),
    _rule(C.USERNAME_CHANGE, ES, "cambi* ... usuario", "nuevo nombre de usuario"),
    # -- disabled or locked --------------------------------------------------------------
    _rule(C.ACCOUNT_DISABLED, EN,
          "account ... disabled|locked|deactivated|blocked|suspended", "locked out",
          "disabled account", "unlock*", "too many ... attempts|tries"),
    _rule(C.ACCOUNT_DISABLED, ES,
          "cuenta ... desactivad*|bloquead*|deshabilitad*|suspendid*", "desbloque*",
          "estoy bloquead*", "demasiados intentos"),
    # -- forgot the username or password ---------------------------------------------------
    _rule(C.FORGOT_LOGIN, EN, "forgot* ... password|username|login", "forgot* ... user name",
          "forget ... password|username|login",
          "cant|cannot|dont|couldnt|not remember ... password|username|login",
          "reset ... password", "password reset", "recover ... password|username",
          "what is my username|login", "lost ... password|username"),
    _rule(C.FORGOT_LOGIN, ES, "olvid* ... contrasena|usuario",
          "no recuerdo ... contrasena|usuario", "no me acuerdo ... contrasena|usuario",
          "restablec* ... contrasena", "recuper* ... contrasena|usuario",
          "cual es mi ... usuario"),
    # -- lost the key, or never got it -----------------------------------------------------
    _rule(C.LOST_KEY, EN, "lost ... activation key", "lost ... key email", "lost my key",
          "lost the key", "lost key", "cant|cannot|couldnt find ... activation key",
          "deleted ... key",
          "didnt|never|not receive*|get|got ... activation key",
          "need ... new|another ... key", "activation key ... expired",
          "resend ... key"),
    _rule(C.LOST_KEY, ES, "perdi ... clave", "perdi ... correo ... clave",
          "no encuentro ... clave", "borre ... clave", "no recibi ... clave",
          "nunca recibi ... clave", "clave ... vencid*|caducad*|expirad*",
          "reenvi* ... clave", "necesit* ... nueva|otra clave"),
    # -- no account yet ----------------------------------------------------------------------
    _rule(C.NO_ACCOUNT, EN, "dont|not have ... account|login", "havent ... account|login",
          "no portal account",
          "never ... created ... account", "how ... create ... account|login", "sign up"),
    _rule(C.NO_ACCOUNT, ES, "no tengo ... cuenta", "no tengo ... inicio de sesion",
          "como ... creo|crear ... cuenta", "como ... creo|crear ... inicio de sesion"),
    # -- asking for a key ------------------------------------------------------------------
    _rule(C.KEY_REQUEST, EN, "request ... key", "need ... activation key",
          "get ... activation key", "send ... activation key", "how ... get ... login",
          "key request"),
    _rule(C.KEY_REQUEST, EN, "activation key", "portal key", broad=True),
    _rule(C.KEY_REQUEST, ES, "solicit* ... clave", "necesit* ... clave de activacion",
          "pedir ... clave", "obtener ... clave", "conseguir ... clave",
          "como ... consigo|obtengo ... clave"),
    _rule(C.KEY_REQUEST, ES, "clave de activacion", broad=True),
)
# fmt: on

# Most specific first: a tie goes to the category that says more about what to do.
SPECIFICITY: tuple[Category, ...] = (
    C.KEY_ALREADY_USED,
    C.LOGIN_NAME_TAKEN,
    C.SECURITY_EMAIL,
    C.USERNAME_CHANGE,
    C.ACCOUNT_DISABLED,
    C.FORGOT_LOGIN,
    C.LOST_KEY,
    C.NO_ACCOUNT,
    C.KEY_REQUEST,
    C.OTHER,
)


@dataclass(frozen=True, slots=True)
class Suggestion:
    category: Category
    priority: Priority
    rule: str  # "forgot_login (es)"; "" when nothing matched
    phrase: str  # the rule's phrase, as the table writes it
    matched: str  # the email's own words that matched ("olvidé mi contraseña")
    where: str  # "subject", "body" or ""
    language: Language  # the email's language, as far as its words tell

    @property
    def because(self) -> str:
        """For the ticket: why this category ("suggested from 'forgot my password'").
        The matched words come from the email: show them as plain text."""
        if not self.matched:
            return "no rule matched"
        return f"suggested from '{self.matched}' in the {self.where}"


# -- matching ----------------------------------------------------------------------------
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2019\u2018`\u00b4"))
_SEP = r"[^\w.!?\u00bf\u00a1\n]+"  # between words of one sentence
_GAP = rf"(?:{_SEP}\w+){{0,{GAP_WORDS}}}{_SEP}"


def _fold_char(ch: str) -> str:
    if ord(ch) in _APOSTROPHES:
        return ""
    if ch.isascii():
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """Lower case, no accents, no apostrophes: how both sides are compared."""
    if text.isascii():
        return text.translate(_APOSTROPHES).lower()
    return "".join(_fold_char(ch) for ch in text)


def _word(token: str) -> str:
    alternatives = []
    for alt in fold(token).split("|"):
        if alt.endswith("*"):
            alternatives.append(re.escape(alt[:-1]) + r"\w*")
        else:
            alternatives.append(re.escape(alt))
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


def compile_phrase(phrase: str) -> re.Pattern[str]:
    """A phrase of the table as a pattern over folded text (see the module's notes)."""
    parts: list[str] = []
    joiner = ""
    for token in phrase.split():
        if token == "...":
            joiner = _GAP
            continue
        if parts:
            parts.append(joiner or _SEP)
        parts.append(_word(token))
        joiner = ""
    return re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)")


def _needles(phrase: str) -> tuple[tuple[str, ...], ...]:
    """Per word of the phrase, the text one of its forms must contain: a quick test
    that skips the pattern for most emails (a 10 KB body in a few milliseconds)."""
    return tuple(
        tuple(alt.rstrip("*") for alt in fold(token).split("|"))
        for token in phrase.split()
        if token != "..."
    )


_COMPILED: tuple[tuple[Rule, str, re.Pattern[str], tuple[tuple[str, ...], ...]], ...] = tuple(
    (rule, phrase, compile_phrase(phrase), _needles(phrase))
    for rule in RULES
    for phrase in rule.phrases
)
_PLACEHOLDERS = (KEY_REMOVED, CODE_REMOVED, LINK_REMOVED, QUOTES_REMOVED)
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|rv|tr)\s*:\s*)+", re.IGNORECASE)


def _own_words(body: str) -> str:
    for placeholder in _PLACEHOLDERS:
        body = body.replace(placeholder, " ")
    return strip_quoted(body)[0]


def _original_span(text: str, start: int, end: int) -> str:
    """The words of ``text`` whose folded form is ``folded[start:end]``."""
    position, begin = 0, None
    for i, ch in enumerate(text):
        size = len(_fold_char(ch))
        if begin is None and position + size > start:
            begin = i
        position += size
        if position >= end:
            return " ".join(text[begin or 0 : i + 1].split())
    return " ".join(text[begin or 0 :].split())


def suggest_category(subject: str, body: str) -> Suggestion:
    """The category (and priority) the rules suggest for an email; ``other`` when no
    rule matches. See the module's notes for how phrases are found and weighed."""
    fields = (
        ("subject", _REPLY_PREFIX.sub("", subject), SUBJECT_WEIGHT),
        ("body", _own_words(body), BODY_WEIGHT),
    )
    folded = [(where, text, fold(text), weight) for where, text, weight in fields]
    rank = {category: n for n, category in enumerate(SPECIFICITY)}
    best: tuple[int, int] | None = None
    found: tuple[Rule, str, str, str] | None = None
    for rule, phrase, pattern, needles in _COMPILED:
        strength = BROAD if rule.broad else SPECIFIC
        for where, text, folded_text, weight in folded:
            if not all(any(n in folded_text for n in forms) for forms in needles):
                continue
            match = pattern.search(folded_text)
            if match is None:
                continue
            key = (weight * strength, -rank[rule.category])
            if best is None or key > best:
                best = key
                found = (rule, phrase, where, _original_span(text, *match.span()))
            break  # the subject is tried first and weighs more
    language = guess_language(" ".join(text for _, text, _ in fields))
    if found is None:
        return Suggestion(Category.OTHER, Priority.NORMAL, "", "", "", "", language)
    rule, phrase, where, matched = found
    return Suggestion(rule.category, rule.priority, rule.name, phrase, matched, where, language)


# -- the email's language ----------------------------------------------------------------
def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_SPANISH = _wordset(
    "el la los las del que y en mi mis por para con una es esta estoy tengo puedo como "
    "hola gracias favor cuenta clave contrasena usuario hijo hija correo no se ya pero "
    "usted su sus buenos buenas dias tardes necesito"
)
_ENGLISH = _wordset(
    "the and to my i is it for of you have can please thanks thank account password key "
    "with this my son daughter email not be was hello hi dear need do dont cant"
)
_WORDS = re.compile(r"[a-z]+")


def guess_language(text: str) -> Language:
    """Spanish when the text has more common Spanish words than English ones, else
    English (what a family with another language gets)."""
    words = _WORDS.findall(fold(text[:5000]))
    spanish = sum(w in _SPANISH for w in words)
    english = sum(w in _ENGLISH for w in words)
    return Language.SPANISH if spanish > english else Language.ENGLISH


# -- the table in the docs -----------------------------------------------------------------
def rules_markdown() -> str:
    """The rules as the Markdown table in docs/tickets.md (generated from ``RULES``)."""
    lines = [
        "| category | language | strength | phrases |",
        "| --- | --- | --- | --- |",
    ]
    for category in SPECIFICITY:
        for rule in (r for r in RULES if r.category == category):
            phrases = ", ".join(f"`{p}`" for p in rule.phrases).replace("|", "\\|")
            strength = "broad" if rule.broad else "specific"
            label = Category(rule.category).label
            lines.append(f"| {label} | {rule.language.label} | {strength} | {phrases} |")
    return "\n".join(lines)

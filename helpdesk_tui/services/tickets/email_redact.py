"""What an incoming email must not bring into the helpdesk: the secrets a parent quotes
back (an activation key, a one-time code, a reset link) and the quoted history of
our own messages under their answer.

Keys and link tokens are removed wherever they are: a key is 32 hex digits in any
case, with or without braces, dashes or spaces, as our letters print it and as
parents retype it. A 6-digit number is removed only where it is one of our codes:
after the words of our code email ("verification code is 482913") or on a quoted
line; elsewhere it is more likely a student number or a date a parent gives us.

The message as shown on the ticket leaves out the quoted history (lines starting
with ">", an "On ... wrote:" block, Outlook's "From: ... Sent:" header block). The
copy kept in the support mailbox keeps everything, redacted the same way.
"""

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

KEY_REMOVED = "[activation key removed]"
CODE_REMOVED = "[code removed]"
LINK_REMOVED = "[removed]"
QUOTES_REMOVED = "[The earlier messages this email quoted are not shown.]"

_SEP = r"[ \t\-\u2010-\u2015]{0,3}"  # spaces, dashes (any), tabs between digits
_KEY = re.compile(
    r"(?<![0-9A-Za-z])\{?" + rf"(?:[0-9A-Fa-f]{_SEP}){{31}}[0-9A-Fa-f]" + r"\}?(?![0-9A-Za-z])"
)
_LINK_TOKEN = re.compile(r"([?&](?:reset|verify)=)[^&\s\"'<>]+", re.IGNORECASE)
_CODE = r"(?<!\d)\d{3}[ \-]?\d{3}(?!\d)"
# Our code email's words (English, Spanish), then the code within the same line.
_WORDED_CODE = re.compile(
    r"((?:verification\s+code|c[oó]digo\s+de\s+verificaci[oó]n|\bcode\b|\bc[oó]digo\b)"
    r"[^\n\d]{0,80}?)(" + _CODE + ")",
    re.IGNORECASE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_ANY_CODE = re.compile(_CODE)

# Where the quoted history starts.
_WROTE = re.compile(
    r"^[ \t]*(?:on|el|le|am|vào)\b.{0,300}?(?:wrote|escribi[oó]|a\s+écrit|schrieb|đã\s+viết)"
    r"[ \t]*:[ \t]*$",
    re.IGNORECASE | re.DOTALL,
)
_ORIGINAL = re.compile(
    r"^[ \t]*-{2,}[ \t]*(?:original message|mensaje original|message d'origine)[ \t]*-{2,}",
    re.IGNORECASE,
)
_FROM = re.compile(r"^[ \t]*\*?(?:from|de)\*?:", re.IGNORECASE)
_SENT = re.compile(r"^[ \t]*\*?(?:sent|date|enviado|fecha|envoyé)\*?:", re.IGNORECASE)


def redact_secrets(text: str) -> str:
    """``text`` without activation keys, link tokens, and codes where they are ours."""
    text = _KEY.sub(KEY_REMOVED, text)
    text = _LINK_TOKEN.sub(r"\1" + LINK_REMOVED, text)
    text = _WORDED_CODE.sub(r"\1" + CODE_REMOVED, text)
    return _QUOTED_LINE.sub(lambda m: _ANY_CODE.sub(CODE_REMOVED, m.group(0)), text)


def strip_quoted(text: str) -> tuple[str, bool]:
    """The parent's own words: ``text`` up to where a quoted earlier message starts,
    without quoted (">") lines; and whether anything was left out."""
    lines = text.split("\n")
    kept: list[str] = []
    removed = False
    for n, line in enumerate(lines):
        if _history_starts(lines, n):
            removed = True
            break
        if line.lstrip().startswith(">"):
            removed = True
            continue
        kept.append(line)
    return "\n".join(kept).strip(), removed


def _history_starts(lines: list[str], n: int) -> bool:
    line = lines[n]
    if _ORIGINAL.match(line):
        return True
    # "On Mon, 2 Nov 2026 ... <help@district.example> wrote:", wrapped over up to 3 lines.
    if re.match(r"^[ \t]*(?:on|el|le|am|vào)\b", line, re.IGNORECASE):
        for span in range(1, 4):
            if _WROTE.match("\n".join(lines[n : n + span]).strip()):
                return True
    # Outlook: "From: ..." then "Sent: ..." (or Date) within the next lines, after an
    # optional line of underscores.
    if _FROM.match(line):
        return any(_SENT.match(other) for other in lines[n + 1 : n + 4])
    return False


def redacted_raw(raw: bytes, *, message_id: str) -> bytes | None:
    """The raw message with every secret removed from its subject and text parts (the
    rest as it came), carrying ``message_id`` (so reading it again matches); None
    when it holds no secret and may be kept as it is."""
    try:
        message: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
        if not _redact_message(message):
            return None
        if not message.get("Message-ID"):
            message["Message-ID"] = message_id
        return message.as_bytes()
    except Exception:  # noqa: BLE001 - a message the parser cannot rebuild: redact its bytes
        return _redacted_bytes(raw)


def _redact_message(message: EmailMessage) -> bool:
    changed = False
    subject = str(message.get("Subject", "") or "")
    if subject and redact_secrets(subject) != subject:
        message.replace_header("Subject", redact_secrets(subject))
        changed = True
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            content = payload.decode(charset, errors="replace")
        except LookupError:
            content = payload.decode("utf-8", errors="replace")
        redacted = redact_secrets(content)
        if redacted != content:
            assert isinstance(part, EmailMessage)
            part.set_content(
                redacted,
                subtype=part.get_content_subtype(),
                charset="utf-8",
                disposition=part.get_content_disposition(),
                filename=part.get_filename(),
            )
            changed = True
    return changed


def _redacted_bytes(raw: bytes) -> bytes | None:
    """The last resort: secrets written plainly in the bytes (latin-1 keeps each byte),
    in the body and the Subject; the other headers (Message-IDs look like keys) stay."""
    text = raw.decode("latin-1")
    head, blank, body = text.partition("\r\n\r\n") if "\r\n\r\n" in text else text.partition("\n\n")
    head = re.sub(r"(?im)^(subject:)(.*)$", lambda m: m.group(1) + redact_secrets(m.group(2)), head)
    redacted = head + blank + redact_secrets(body)
    return None if redacted == text else redacted.encode("latin-1", errors="replace")

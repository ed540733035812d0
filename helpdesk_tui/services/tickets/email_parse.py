"""Turning a raw email into what a ticket needs, whatever arrives: wrong or missing
charsets, HTML-only bodies, huge messages, broken MIME. Nothing here raises on bad
input; what cannot be read becomes a clear placeholder. What a ticket keeps is
redacted (no key, code or link a parent quotes back), without the quoted history of
earlier messages, and clean of control characters (email_redact.py)."""

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from helpdesk_tui.data.normalize import clean_text
from helpdesk_tui.services.tickets.email_redact import (
    QUOTES_REMOVED,
    redact_secrets,
    strip_quoted,
)

MAX_BODY = 20_000
TICKET_IN_SUBJECT = re.compile(r"\bHD-(\d{1,9})\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class IncomingMail:
    message_id: str
    sender_name: str
    sender_email: str
    subject: str
    body: str
    in_reply_to: tuple[str, ...]  # In-Reply-To and References, newest first
    ticket_number: int | None  # "HD-1042" in the subject


class _Text(HTMLParser):
    """Readable text from HTML: block elements become line breaks, scripts vanish, and
    without ``quotes`` so does what a mail program quotes (<blockquote>)."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "blockquote"}

    def __init__(self, *, quotes: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._hidden = ("script", "style") if quotes else ("script", "style", "blockquote")

    def handle_starttag(self, tag: str, attrs: object) -> None:  # noqa: ARG002 (its signature)
        if tag in self._hidden:
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._hidden and self._skip:
            self._skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str, *, quotes: bool = True) -> str:
    parser = _Text(quotes=quotes)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - broken HTML still gives what was read so far
        pass
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _decode(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload() or "")
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("utf-8", errors="replace")


def _body(message: Message, *, quotes: bool = True) -> str:
    plain, html = [], []
    for part in message.walk() if message.is_multipart() else [message]:
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            plain.append(_decode(part))
        elif kind == "text/html":
            html.append(_decode(part))
    text = "\n\n".join(plain).strip() or html_to_text("\n".join(html), quotes=quotes)
    return text or "(This email had no readable text. The original is in the support mailbox.)"


def _shown_body(message: Message) -> str:
    """What the ticket shows: the parent's own words, redacted and clean; the quoted
    history only when there is nothing else (a forward, an empty reply)."""
    whole = redact_secrets(clean_text(_body(message), multiline=True))
    own = redact_secrets(clean_text(_body(message, quotes=False), multiline=True))
    own, removed = strip_quoted(own)
    if not own:
        return whole.strip()
    if removed or own != whole.strip():
        own += f"\n\n{QUOTES_REMOVED}"
    return own


def _header(message: Message, name: str) -> str:
    try:
        # Clean: a NUL or an escape in a header is stored nowhere and shown nowhere.
        return clean_text(str(message.get(name, "") or ""))
    except Exception:  # noqa: BLE001 - a malformed header is treated as absent
        return ""


def parse_mail(raw: bytes, *, fallback_id: str) -> IncomingMail:
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    name, address = parseaddr(_header(message, "From"))
    subject = " ".join(redact_secrets(_header(message, "Subject")).split())
    body = _shown_body(message)
    if len(body) > MAX_BODY:
        body = (
            body[:MAX_BODY]
            + "\n\n[The rest of this long email was cut; the full text is in the mailbox.]"
        )
    refs = [
        a
        for _, a in getaddresses([_header(message, "In-Reply-To"), _header(message, "References")])
        if a
    ]
    match = TICKET_IN_SUBJECT.search(subject)
    return IncomingMail(
        message_id=(_header(message, "Message-ID").strip() or fallback_id)[:300],
        sender_name=clean_text(name).strip()[:120],
        sender_email=address.strip().lower()[:254],
        subject=subject[:200] or "(no subject)",
        body=body,
        in_reply_to=tuple(f"<{r.strip('<>')}>" for r in reversed(refs)),
        ticket_number=int(match.group(1)) if match else None,
    )

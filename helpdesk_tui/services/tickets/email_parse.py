"""Turning a raw email into what a ticket needs, whatever arrives: wrong or missing
charsets, HTML-only bodies, huge messages, broken MIME. Nothing here raises on bad
input; what cannot be read becomes a clear placeholder. What a ticket keeps is
redacted (no key, code or link a parent quotes back), without the quoted history of
earlier messages, and clean of control characters (email_redact.py).

Attachments (inline pictures of an HTML email included) are kept only when their
content, not their name or declared type, shows a picture, a PDF or plain text, within
the size limits below; each one refused leaves a line in the message saying so."""

import re
from dataclasses import dataclass, field
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
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # one file
MAX_MESSAGE_ATTACHMENT_BYTES = 25 * 1024 * 1024  # all the files of one email
MAX_ATTACHMENTS = 20  # files one email may keep
MAX_FILENAME = 200
MAX_NOTICES = 20  # "attachment not kept" lines in one message, then how many more
NO_TEXT = "(This email had no readable text. The original is in the support mailbox.)"
TICKET_IN_SUBJECT = re.compile(r"\bHD-(\d{1,9})\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MailAttachment:
    """A file kept from an email: its cleaned name (with the extension of what it is),
    the media type its content was found to be, and the content."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class IncomingMail:
    message_id: str
    sender_name: str
    sender_email: str
    subject: str
    body: str  # ends with a line for each attachment not kept
    in_reply_to: tuple[str, ...]  # In-Reply-To and References, newest first
    ticket_number: int | None  # "HD-1042" in the subject
    attachments: tuple[MailAttachment, ...] = field(default=())


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


def _is_attachment(part: Message) -> bool:
    """A file rather than the text of the email: marked as an attachment, named, or
    not text at all (an inline picture of an HTML email)."""
    if part.is_multipart() or part.get_content_maintype() in ("multipart", "message"):
        return False
    if part.get_content_disposition() == "attachment" or _filename(part):
        return True
    return part.get_content_type() not in ("text/plain", "text/html")


def _body(message: Message, *, quotes: bool = True) -> str:
    plain, html = [], []
    for part in message.walk() if message.is_multipart() else [message]:
        if part.is_multipart() or _is_attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            plain.append(_decode(part))
        elif kind == "text/html":
            html.append(_decode(part))
    text = "\n\n".join(plain).strip() or html_to_text("\n".join(html), quotes=quotes)
    return text or NO_TEXT


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
    attachments, refused = _attachments(message)
    if attachments and body == NO_TEXT:
        body = "(This email had no text, only attachments.)"
    if refused:
        body += "\n\n" + "\n".join(refused)
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
        attachments=attachments,
    )


# -- attachments -------------------------------------------------------------------------
# What a kept file is, found from its first bytes: media type, its words, then the
# extensions a saved copy may end with (the first is added when the name has none).
KEPT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "image/png": ("PNG picture", (".png",)),
    "image/jpeg": ("JPEG picture", (".jpg", ".jpeg", ".jpe")),
    "image/gif": ("GIF picture", (".gif",)),
    "image/webp": ("WebP picture", (".webp",)),
    "image/heic": ("HEIC picture", (".heic", ".heif")),
    "application/pdf": ("PDF document", (".pdf",)),
    "text/plain": ("text file", (".txt", ".log")),
}
KEPT_WORDS = "only pictures, PDF files and plain text are kept"
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_TEXT_NAMES = (".txt", ".log")
# Content that is refused, named for staff (checked only when nothing kept matched).
_REFUSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\xca\xfe\xba\xbe", "a program"),
    (b"\xcf\xfa\xed\xfe", "a program"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a compressed archive"),
    (b"{\\rtf", "a Word (RTF) document"),
    (b"#!", "a script"),
)
_MARKUP = ("<!doctype", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<iframe")
_RESERVED_CHARS = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{d}{n}" for d in ("COM", "LPT") for n in range(10)
}


def _filename(part: Message) -> str:
    try:
        return str(part.get_filename() or "")
    except Exception:  # noqa: BLE001 - a malformed parameter is treated as absent
        return ""


def clean_filename(name: str, *, fallback: str = "attachment") -> str:
    """A name safe to show and to save under: no folder (``../../x``, ``C:\\x``), no
    control character or direction override, none of the characters Windows refuses,
    no leading dot (a hidden file), at most MAX_FILENAME characters with the extension
    kept; ``fallback`` when nothing is left."""
    text = redact_secrets(clean_text(name))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(_RESERVED_CHARS.sub("_", text).split()).strip(" .")
    if not text:
        text = fallback
    stem, dot, ext = text.rpartition(".")
    if stem.split(".")[0].upper() in _DEVICE_NAMES or (not dot and text.upper() in _DEVICE_NAMES):
        text, stem = f"_{text}", f"_{stem}"
    if len(text) > MAX_FILENAME:
        if dot and 0 < len(ext) <= 10:
            text = f"{stem[: MAX_FILENAME - len(ext) - 1].rstrip(' .')}.{ext}"
        else:
            text = text[:MAX_FILENAME].rstrip(" .")
    return text


def sniff(content: bytes, *, declared: str = "", name: str = "") -> str | None:
    """The kept media type ``content`` is, from its bytes; None when it is none of them.
    Plain text has no signature: it must be declared as text (type or name) and read as
    text with no markup or script at its start."""
    head = content[:32]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and _is_heic(content[: min(int.from_bytes(head[:4], "big"), 256)]):
        return "image/heic"
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):  # a BOM or blanks at most
        return "application/pdf"
    if declared == "text/plain" or name.lower().endswith(_TEXT_NAMES):
        return "text/plain" if _is_plain_text(content) else None
    return None


def _is_heic(box: bytes) -> bool:
    """The ISO file-type box of a HEIC/HEIF picture: its major brand, or a generic
    still-image brand with a HEVC one among the compatible brands."""
    major, compatible = box[8:12], {box[i : i + 4] for i in range(16, len(box) - 3, 4)}
    return major in _HEIC_BRANDS or (
        major in (b"mif1", b"msf1") and bool(compatible & _HEIC_BRANDS)
    )


def _is_plain_text(content: bytes) -> bool:
    if b"\x00" in content or content[:2] in (b"MZ", b"#!"):
        return False
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    start = text.lstrip("\ufeff \t\r\n")[:512].lower()
    return not any(mark in start for mark in _MARKUP)


def _what_it_is(content: bytes, declared: str) -> str:
    for magic, words in _REFUSED_MAGIC:
        if content.startswith(magic):
            return words
    start = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<svg", b"<?xml")) and b"<svg" in start:
        return "an SVG drawing"
    if any(mark.encode() in start for mark in _MARKUP):
        return "a web page"
    if declared.startswith("image/"):
        return f"a picture of a kind not kept ({declared})"
    return f"a file of type {declared}" if declared else "a file of unknown type"


def _claimed(declared: str, name: str) -> str:
    """What the sender's name or type says the file is, when that is a kept kind."""
    suffix = "." + name.rpartition(".")[2].lower() if "." in name else ""
    for media, (label, extensions) in KEPT_TYPES.items():
        if declared == media or suffix in extensions:
            return f"a {label}"
    return ""


def size_words(size: int) -> str:
    """ "512 bytes", "240 KB", "3.4 MB": a size as staff read it."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    mb = size / (1024 * 1024)
    return f"{mb:.1f} MB" if mb < 100 else f"{round(mb)} MB"


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _with_extension(name: str, media: str) -> str:
    extensions = KEPT_TYPES[media][1]
    if name.lower().endswith(extensions):
        return name
    return clean_filename(f"{name}{extensions[0]}")  # cut again if that made it long


def _attachments(message: Message) -> tuple[tuple[MailAttachment, ...], list[str]]:
    """The files kept, and a line for each one refused."""
    kept: list[MailAttachment] = []
    refused: list[str] = []
    total = 0
    parts = message.walk() if message.is_multipart() else [message]
    for number, part in enumerate((p for p in parts if _is_attachment(p)), start=1):
        declared = clean_text(part.get_content_type())[:80]
        name = clean_filename(_filename(part), fallback=f"attachment-{number}")
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        size = len(content)
        media = sniff(content, declared=declared, name=name) if size else None
        if not size:
            why = "it is empty"
        elif media is None:
            what = _what_it_is(content, declared)
            claimed = _claimed(declared, name)
            why = (
                f"named or marked as {claimed}, but it is {what}"
                if claimed
                else f"{what}; {KEPT_WORDS}"
            )
        elif size > MAX_ATTACHMENT_BYTES:
            why = f"{size_words(size)}, over the {_mb(MAX_ATTACHMENT_BYTES)} limit for one file"
        elif total + size > MAX_MESSAGE_ATTACHMENT_BYTES:
            why = (
                f"{size_words(size)}; with it the email's files would pass the "
                f"{_mb(MAX_MESSAGE_ATTACHMENT_BYTES)} one email may keep"
            )
        elif len(kept) >= MAX_ATTACHMENTS:
            why = f"one email keeps at most {MAX_ATTACHMENTS} files"
        else:
            if media == "text/plain":  # a pasted key email: kept without the key
                content = redact_secrets(_decode(part)).encode("utf-8")
            kept.append(MailAttachment(_with_extension(name, media), media, content))
            total += len(content)
            continue
        refused.append(f"Attachment not kept: {name} ({why}).")
    if len(refused) > MAX_NOTICES:
        more = len(refused) - MAX_NOTICES
        refused = [*refused[:MAX_NOTICES], f"… and {more} more attachments not kept."]
    return tuple(kept), refused

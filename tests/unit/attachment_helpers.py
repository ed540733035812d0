"""Files for the attachment tests and the permission matrix: real PNG, PDF and
Windows-program bytes, and a message with a file on a ticket."""

import struct
import zlib
from datetime import UTC, datetime

from sqlmodel import Session

from helpdesk_tui.data.tables import TicketMessage
from helpdesk_tui.services.tickets.attachments import keep_attachments
from helpdesk_tui.services.tickets.email_parse import MailAttachment


def png(width: int = 4, height: int = 3) -> bytes:
    """A valid PNG picture (grey pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf() -> bytes:
    """A one-page PDF document."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def windows_program() -> bytes:
    """The start of a Windows executable (MZ header, PE signature)."""
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 52 + b"\x80\x00\x00\x00" + b"PE\x00\x00" * 8


def attached(session: Session, ticket_id: int, *, name: str = "error.png") -> int:
    """An email from the guardian on ``ticket_id`` with one PNG; returns the file's id."""
    message = TicketMessage(
        ticket_id=ticket_id,
        kind="incoming",
        author_name="A parent",
        body="The portal shows this error.",
        created_at=datetime.now(UTC),
    )
    session.add(message)
    [file_id] = keep_attachments(
        session, message=message, files=[MailAttachment(name, "image/png", png())]
    )
    return file_id

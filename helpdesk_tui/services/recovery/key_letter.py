"""The printable activation-key letter (PDF), for the post or the school counter, in
the guardian's language, made from the key just issued: as bytes, or saved as a file
only its user can read."""

import os
import threading
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from sqlmodel import Session

from helpdesk_tui.data.private_files import private_folder
from helpdesk_tui.services.kernel.district import DistrictInfo, get_district
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.recovery.keys import IssuedKey
from helpdesk_tui.services.texts import LETTER_LABELS, key_steps


def _latin1(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1 (Spanish included); anything beyond it is
    written without its accents rather than as a blank box."""
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        return "".join(
            ch
            if ord(ch) < 256
            else "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 128) or "?"
            for ch in text
        )


MARGINS = (22, 20, 22)  # left, top, right (mm)
_measure = threading.Lock()
_ruler: FPDF | None = None


@lru_cache(maxsize=256)
def _wrapped(text: str, size: int, style: str) -> tuple[str, ...]:
    """``text`` broken into the lines a letter's width holds, in this font. The long
    texts are the same in every letter (the steps, the help line), and fpdf's line
    breaking is what costs when a batch run writes thousands: each is measured once
    per process."""
    global _ruler
    with _measure:  # one measuring page, shared by the desk's worker threads
        if _ruler is None:
            _ruler = FPDF(format="letter")
            _ruler.set_margins(*MARGINS)
            _ruler.add_page()
        _ruler.set_font("helvetica", style=style, size=size)
        lines = _ruler.multi_cell(0, 6, text, align="L", dry_run=True, output="LINES")
    assert isinstance(lines, list)  # what output="LINES" returns
    return tuple(str(part) for part in lines) or ("",)


def render_key_letter(
    issued: IssuedKey,
    *,
    district: DistrictInfo,
    staff_name: str,
    issued_on: datetime,
    routing: str = "",
) -> bytes:
    """The letter as PDF bytes. ``routing`` is a line for the school office at the top
    (which student carries it home), for letters printed in a batch."""
    pdf = FPDF(format="letter")
    pdf.set_title(_latin1(LETTER_LABELS[issued.language]["title"]))
    pdf.set_margins(*MARGINS)
    _draw(
        pdf, issued, district=district, staff_name=staff_name, issued_on=issued_on, routing=routing
    )
    return bytes(pdf.output())


def render_key_letters(
    letters: Sequence[tuple[IssuedKey, str]],
    *,
    district: DistrictInfo,
    staff_name: str,
    issued_on: datetime,
    keywords: str = "",
) -> bytes:
    """Many letters, each ``(issued key, routing line)``, as one PDF, each from a new
    page (the same pages as render_key_letter's): a batch writes a group's letters as
    one file, which costs half as much as a file per letter. ``keywords`` go in the
    file's properties (a batch lists there whose letter each page is)."""
    pdf = FPDF(format="letter")
    pdf.set_margins(*MARGINS)
    if keywords:
        pdf.set_keywords(keywords)
    for issued, routing in letters:
        _draw(
            pdf, issued, district=district, staff_name=staff_name, issued_on=issued_on,
            routing=routing,
        )  # fmt: skip
    return bytes(pdf.output())


def _draw(
    pdf: FPDF,
    issued: IssuedKey,
    *,
    district: DistrictInfo,
    staff_name: str,
    issued_on: datetime,
    routing: str,
) -> None:
    """One letter, from a new page of ``pdf``."""
    labels = LETTER_LABELS[issued.language]
    pdf.add_page()

    def line(text: str, *, size: int = 11, style: str = "", height: float = 6) -> None:
        """``text`` from the left margin, broken into lines if it is too wide, each
        placed as a left-aligned cell of ``height`` would place it (``text()`` costs
        half as much as ``cell()``, which counts in a batch of thousands)."""
        pdf.set_font("helvetica", style=style, size=size)
        text = _latin1(text)
        fits = pdf.get_string_width(text) <= pdf.epw - 2 * pdf.c_margin
        for part in (text,) if fits else _wrapped(text, size, style):
            if pdf.will_page_break(height):
                pdf.add_page()
            pdf.text(pdf.l_margin + pdf.c_margin, pdf.y + height / 2 + 0.3 * pdf.font_size, part)
            pdf.y += height

    if routing:
        line(routing, size=8, height=4)
    line(district.name, size=15, style="B", height=8)
    line(f"{district.portal_url}  ·  {district.helpdesk_phone}", size=9)
    pdf.ln(12)
    for address_line in issued.mailing_address:  # sits in a window envelope
        line(address_line)
    pdf.ln(10)
    line(labels["title"], size=14, style="B", height=8)
    line(f"{labels['for']}: {issued.guardian_name}")
    pdf.ln(4)
    line(labels["key"], size=10)
    pdf.set_font("courier", style="B", size=16)
    pdf.cell(0, 12, issued.key, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    line(f"{labels['expires']}: {issued.expires_at:%Y-%m-%d}", size=10)
    pdf.ln(6)
    line(labels["steps"], size=12, style="B", height=7)
    for number, step in enumerate(key_steps(issued.language, district.portal_url), 1):
        line(f"{number}. {step}")
    pdf.ln(6)
    line(
        labels["help"].format(phone=district.helpdesk_phone, email=district.helpdesk_email), size=10
    )
    line(labels["issued"].format(date=f"{issued_on:%Y-%m-%d}", staff=staff_name), size=8)


def save_key_letter(session: Session, *, issued: IssuedKey, staff_name: str, folder: Path) -> Path:
    """Write the letter as a PDF readable only by this user (it holds a live key until
    it is printed) and return where; DomainError says what to do if it cannot be."""
    district = get_district(session)
    now = datetime.now(district.zone)
    pdf = render_key_letter(issued, district=district, staff_name=staff_name, issued_on=now)
    path = folder / f"key-letter-{issued.guardian_id}-{now:%Y%m%d-%H%M%S}.pdf"
    try:
        private_folder(folder)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pdf)
    except OSError as exc:
        raise DomainError(f"cannot write {path}: {exc.strerror}. Copy the key instead.") from exc
    return path

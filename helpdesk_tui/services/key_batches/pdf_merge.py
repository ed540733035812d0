"""One PDF from many, written as it goes: each letter is read (pypdf), its pages and
what they use are written to the output with new object numbers, and only the objects'
offsets and the pages' numbers stay in memory. pypdf's own PdfWriter keeps every page
until it writes, about 36 KB a letter: 360 MB for a district's 10,000."""

from collections.abc import Iterable
from pathlib import Path
from typing import IO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
)

_PAGES, _CATALOG = 1, 2  # written last, numbered first


class _Output:
    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.offsets: dict[int, int] = {}
        self.next_number = 3
        self.out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def number(self) -> int:
        self.next_number += 1
        return self.next_number - 1

    def write(self, number: int, obj: PdfObject) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def write_raw(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")

    def close(self, pages: list[int]) -> None:
        kids = " ".join(f"{n} 0 R" for n in pages)
        self.write_raw(_PAGES, f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
        self.write_raw(_CATALOG, f"<< /Type /Catalog /Pages {_PAGES} 0 R >>".encode())
        size = self.next_number
        xref = self.out.tell()
        self.out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
        for number in range(1, size):
            self.out.write(f"{self.offsets[number]:010d} 00000 n \n".encode())
        self.out.write(
            f"trailer\n<< /Size {size} /Root {_CATALOG} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        )


class _Copy:
    """One input file's objects, renumbered into the output as they are reached."""

    def __init__(self, reader: PdfReader, output: _Output) -> None:
        self.reader = reader
        self.output = output
        self.renumbered: dict[int, int] = {}
        self.waiting: list[tuple[int, int]] = []  # (old number, new number) to write

    def renumber(self, obj: PdfObject) -> PdfObject:
        """``obj`` with its references to the reader's objects made references to their
        new numbers (each object to be written once)."""
        if isinstance(obj, IndirectObject):
            if obj.idnum not in self.renumbered:
                self.renumbered[obj.idnum] = self.output.number()
                self.waiting.append((obj.idnum, self.renumbered[obj.idnum]))
            return IndirectObject(self.renumbered[obj.idnum], 0, None)
        # The values as stored (pypdf's [] would resolve references in place).
        if isinstance(obj, DictionaryObject):  # a stream too: its data stays as is
            for key, value in list(dict.items(obj)):
                dict.__setitem__(obj, key, self.renumber(value))
        elif isinstance(obj, ArrayObject):
            for i, value in enumerate(list.copy(obj)):
                list.__setitem__(obj, i, self.renumber(value))
        return obj

    def page(self, index: int) -> int:
        """Write page ``index`` (with what it uses that is not written yet); returns its
        new number."""
        page = self.reader.pages[index]
        number = self.output.number()
        if page.indirect_reference is not None:
            self.renumbered[page.indirect_reference.idnum] = number
        dict.__setitem__(page, NameObject("/Parent"), IndirectObject(_PAGES, 0, None))
        for key, value in list(dict.items(page)):
            if key != "/Parent":
                dict.__setitem__(page, key, self.renumber(value))
        self.output.write(number, page)
        while self.waiting:
            old, new = self.waiting.pop()
            found = self.reader.get_object(old)
            self.output.write(new, self.renumber(found) if found is not None else NullObject())
        return number


def merge_pdfs(paths: Iterable[Path], out: IO[bytes]) -> int:
    """Every page of ``paths``, in order, as one PDF written to ``out``; returns how
    many pages. Each input is read once and let go."""
    output = _Output(out)
    pages: list[int] = []
    for path in paths:
        copy = _Copy(PdfReader(path), output)
        pages += [copy.page(i) for i in range(len(copy.reader.pages))]
    output.close(pages)
    return len(pages)


def merge_pages(pages: Iterable[tuple[Path, int]], out: IO[bytes]) -> int:
    """The pages named ``(file, page index)``, in that order, as one PDF written to
    ``out``; returns how many. A file is read once for a run of its pages (what they
    share, a font, written once), again if its pages come back later."""
    output = _Output(out)
    numbers: list[int] = []
    copy, reading = None, None
    for path, index in pages:
        if copy is None or path != reading:
            copy, reading = _Copy(PdfReader(path), output), path
        numbers.append(copy.page(index))
    output.close(numbers)
    return len(numbers)

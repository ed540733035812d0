"""The export as files: a folder or a .zip, its manifest, and each CSV decoded.

Encodings: UTF-8 with or without a byte-order mark. A file that is not UTF-8 is read
as Windows-1252 (what Excel on Windows saves) when every byte is valid there, and the
report says so; anything else (UTF-16, an unknown code page) is refused with what to do.

What the export may hold is capped before anything is read, so a hostile or broken
file costs neither memory nor time: a line (and a cell) of at most MAX_LINE
characters, read MAX_LINE at a time, never whole; each roster file at most
MAX_FILE_BYTES, and a zip's roster files at most MAX_EXPORT_BYTES unpacked (a zip is
read as a stream, member by member, never unpacked to disk). A damaged zip, or one
holding two files for the same roster file, is refused with what to do. Every cell is
cleaned of control characters (normalize.clean_text) as it is read.
"""

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TextIO

from helpdesk_tui.data.normalize import clean_text, is_clean

CHUNK = 1 << 20
# A OneRoster line is a few hundred characters (the demo district's longest: 555).
MAX_LINE = 65_536
# An export of 1M guardians (1.9M users, twice the largest of benchmarks/roster_import.py)
# has a users.csv of about 340 MB and a roles.csv of 170 MB: the caps leave room for a
# district several times that size.
MAX_FILE_BYTES = 2 << 30
MAX_EXPORT_BYTES = 4 << 30
ROSTER_FILES = ("manifest.csv", "orgs.csv", "users.csv", "roles.csv", "demographics.csv")
# A damaged zip shows up as any of these, when opened or half-way through a member.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)
csv.field_size_limit(MAX_LINE)


class ExportUnreadable(Exception):
    """The export as a whole cannot be read; the message says what to do."""


@dataclass
class ExportFiles:
    """Where the CSV files are; names are matched without case."""

    path: Path
    names: dict[str, str]  # lower-case file name -> name in the folder or zip
    zip: zipfile.ZipFile | None = None
    encoding_notes: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, path: Path) -> "ExportFiles":
        if path.is_dir():
            files = cls(path, _unique_names(p.name for p in path.iterdir() if p.is_file()))
        elif path.is_file() and (path.suffix.lower() == ".zip" or zipfile.is_zipfile(path)):
            try:
                archive = zipfile.ZipFile(path)
            except (*_DAMAGED, OSError, ValueError) as exc:
                raise ExportUnreadable(
                    f"{path.name} cannot be read as a zip file ({exc}): it is damaged or cut "
                    "short. Zip it again (or export again from the SIS) and import again."
                ) from None
            # Some SIS products put the files in a folder inside the zip.
            names = _unique_names(n for n in archive.namelist() if not n.endswith("/"))
            files = cls(path, names, archive)
        elif path.exists():
            raise ExportUnreadable(
                f"{path} is neither a folder nor a .zip file. Point at the folder holding "
                "manifest.csv and users.csv, or at the zip the SIS produced."
            )
        else:
            raise ExportUnreadable(f"{path} does not exist.")
        try:
            files._check_sizes()
        except ExportUnreadable:
            files.close()
            raise
        return files

    def _check_sizes(self) -> None:
        """Refuse, before reading anything, a roster file or a zip too large to be one."""
        total = 0
        for name in ROSTER_FILES:
            if not self.has(name):
                continue
            size = self.size(name)
            total += size
            if size > MAX_FILE_BYTES:
                raise ExportUnreadable(
                    f"{name} is {size:,} bytes; at most {MAX_FILE_BYTES:,} are read from one "
                    "file (a district of a million guardians needs a fraction of that). Check "
                    "that this is the SIS's OneRoster export."
                )
        if self.zip is not None and total > MAX_EXPORT_BYTES:
            raise ExportUnreadable(
                f"{self.path.name} unpacks to {total:,} bytes of roster files; at most "
                f"{MAX_EXPORT_BYTES:,} are read. Check that this is the SIS's OneRoster export."
            )

    def has(self, name: str) -> bool:
        return name.lower() in self.names

    def size(self, name: str) -> int:
        """The file's size; for a zip, what its member unpacks to (reading stops there)."""
        real = self.names[name.lower()]
        if self.zip is not None:
            return self.zip.getinfo(real).file_size
        return (self.path / real).stat().st_size

    def open_binary(self, name: str) -> IO[bytes]:
        real = self.names[name.lower()]
        with self._reading(name):
            if self.zip is not None:
                return self.zip.open(real)
            return (self.path / real).open("rb")

    @contextmanager
    def _reading(self, name: str) -> Iterator[None]:
        """A damaged zip member or an unreadable file, met at any point while ``name``
        is read, becomes a refusal that says what to do."""
        try:
            yield
        except _DAMAGED as exc:
            raise ExportUnreadable(
                f"{name} in {self.path.name} is damaged ({exc}). Zip it again (or export "
                "again from the SIS) and import again."
            ) from None
        except RuntimeError as exc:  # zipfile's word for a member with a password
            if "encrypted" not in str(exc):
                raise
            raise ExportUnreadable(
                f"{name} in {self.path.name} is protected by a password. Zip the export "
                "again without one and import again."
            ) from None
        except OSError as exc:
            raise ExportUnreadable(f"{name} cannot be read: {exc.strerror or exc}.") from None

    def estimated_rows(self, name: str) -> int:
        """Roughly how many rows, from the first 64 KB (for a steady progress bar)."""
        with self._reading(name), self.open_binary(name) as raw:
            sample = raw.read(65536)
        per_row = max(len(sample) // max(sample.count(b"\n"), 1), 1)
        return max(self.size(name) // per_row, 1)

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def encoding_of(self, name: str, forced: str | None = None) -> str:
        """The codec to read ``name`` with, checked over the whole file first so a bad
        byte never surfaces half-way through an import."""
        if forced:
            try:
                codecs.lookup(forced)
            except LookupError:
                raise ExportUnreadable(
                    f"Unknown encoding {forced!r}; use utf-8 or cp1252."
                ) from None
            return forced
        with self._reading(name), self.open_binary(name) as stream:
            head = stream.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ExportUnreadable(
                f"{name} is saved as UTF-16 ('Unicode text'). Save or export it again as "
                "'CSV UTF-8' and import again."
            )
        problem = self._first_bad_byte(name, "utf-8")
        if problem is None:
            return "utf-8-sig"
        if self._first_bad_byte(name, "cp1252") is None:
            self.encoding_notes.append(
                f"{name} is not UTF-8 ({problem}); it was read as Windows-1252, which is "
                "what Excel on Windows saves. Check a few accented names after the import."
            )
            return "cp1252"
        raise ExportUnreadable(
            f"{name} is neither UTF-8 nor Windows-1252 ({problem}). Export it again as "
            "UTF-8, or name its encoding with --encoding."
        )

    def _first_bad_byte(self, name: str, encoding: str) -> str | None:
        decoder = codecs.getincrementaldecoder(encoding)()
        line = 1
        with self._reading(name), self.open_binary(name) as stream:
            while chunk := stream.read(CHUNK):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    newlines = exc.object[: exc.start].count(b"\n")
                    return f"byte 0x{exc.object[exc.start]:02X} on line {line + newlines}"
                line += chunk.count(b"\n")
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return "the file ends in the middle of a character"
        return None

    def rows(self, name: str, encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, row) for each record, its cells cleaned of control characters;
        a header cell is trimmed, values are otherwise kept as written (the parser
        trims). Line numbers count the header as line 1 and point at where a record
        starts, also when a quoted cell spans lines."""
        with self._reading(name), self.open_binary(name) as raw:
            reader = csv.reader(_capped(raw, encoding, name))
            header = _header(reader, name)
            if not header:
                return
            start = reader.line_num + 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise _cell_problem(name, start, exc) from None
                if any(c.strip() for c in cells):
                    if not is_clean("".join(cells)):
                        cells = [clean_text(c) for c in cells]
                    padded = cells + [""] * (len(header) - len(cells))
                    yield start, dict(zip(header, padded, strict=False))
                start = reader.line_num + 1

    def header(self, name: str, encoding: str) -> list[str]:
        with self._reading(name), self.open_binary(name) as raw:
            return _header(csv.reader(_capped(raw, encoding, name)), name)


def _unique_names(names: Iterable[str]) -> dict[str, str]:
    """Lower-case file name -> its name in the folder or zip; two CSV files that would
    both be read as the same roster file (users.csv and old/USERS.csv) are refused."""
    found: dict[str, str] = {}
    for real in sorted(names):
        base = Path(real).name
        if base.startswith("."):
            continue
        key = base.lower()
        if key in found and key.endswith(".csv"):
            raise ExportUnreadable(
                f"The export holds two {key} files: {found[key]} and {real}. Keep only the "
                "SIS's latest export (one of each file) and import again."
            )
        found[key] = real
    return found


def _capped(raw: IO[bytes], encoding: str, name: str) -> Iterator[str]:
    return capped_lines(io.TextIOWrapper(raw, encoding=encoding, newline=""), name)


def capped_lines(text: TextIO, name: str) -> Iterator[str]:
    """The lines of ``text``, each read at most MAX_LINE characters at a time: a longer
    line is refused as soon as its first MAX_LINE characters are read, never held whole."""
    number = 0
    while line := text.readline(MAX_LINE + 2):
        number += 1
        if len(line.rstrip("\r\n")) > MAX_LINE:
            raise ExportUnreadable(
                f"{name} line {number:,} is longer than {MAX_LINE:,} characters, where a "
                "OneRoster line has a few hundred: the file is damaged or is not a OneRoster "
                "export. Check it, export it again from the SIS, and import again."
            )
        yield line


def _header(reader: Iterator[list[str]], name: str) -> list[str]:
    try:
        first = next(reader)
    except StopIteration:
        return []
    except csv.Error as exc:
        raise _cell_problem(name, 1, exc) from None
    return [clean_text(h).lstrip("\ufeff").strip() for h in first]


def _cell_problem(name: str, line: int, exc: csv.Error) -> ExportUnreadable:
    if "field larger than field limit" in str(exc):
        return ExportUnreadable(
            f"{name} line {line:,} has a cell longer than {MAX_LINE:,} characters (a quoted "
            "cell that never ends?): the file is damaged. Check it, export it again from the "
            "SIS, and import again."
        )
    return ExportUnreadable(f"{name} line {line:,} cannot be read as CSV ({exc}).")


@dataclass(frozen=True)
class Manifest:
    version: str  # "1.1" or "1.2"
    modes: dict[str, str]  # file stem (users, orgs, ...) -> bulk, delta or absent


def read_manifest(files: ExportFiles) -> Manifest:
    if not files.has("manifest.csv"):
        raise ExportUnreadable(
            "manifest.csv is missing: every OneRoster export has one (it names the version "
            "and which files are bulk or delta). Check that this is the whole export."
        )
    encoding = files.encoding_of("manifest.csv")
    values: dict[str, str] = {}
    for _, row in files.rows("manifest.csv", encoding):
        key = (row.get("propertyName") or "").strip()
        if key:
            values[key] = (row.get("value") or "").strip()
    version = values.get("oneroster.version", "")
    if version not in ("1.1", "1.2"):
        raise ExportUnreadable(
            f"manifest.csv gives oneroster.version {version or '(none)'!r}; this importer "
            "reads OneRoster 1.1 and 1.2 CSV exports."
        )
    modes = {
        key.removeprefix("file.").lower(): value.lower()
        for key, value in values.items()
        if key.startswith("file.")
    }
    for stem, mode in modes.items():
        if mode not in ("bulk", "delta", "absent"):
            raise ExportUnreadable(
                f"manifest.csv gives file.{stem} = {mode!r}; it must be bulk, delta or absent."
            )
        if mode != "absent" and not files.has(f"{stem}.csv"):
            raise ExportUnreadable(
                f"manifest.csv lists {stem}.csv as {mode}, but the export has no such file."
            )
    return Manifest(version, modes)

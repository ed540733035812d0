"""The export as files: a folder or a .zip, its manifest, and each CSV decoded.

Encodings: UTF-8 with or without a byte-order mark. A file that is not UTF-8 is read
as Windows-1252 (what Excel on Windows saves) when every byte is valid there, and the
report says so; anything else (UTF-16, an unknown code page) is refused with what to do.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

CHUNK = 1 << 20
MAX_FIELD = 100_000  # a pasted blob in a cell is a row problem, not a crash
csv.field_size_limit(MAX_FIELD * 4)


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
            names = {p.name.lower(): p.name for p in path.iterdir() if p.is_file()}
            return cls(path, names)
        if path.is_file() and zipfile.is_zipfile(path):
            archive = zipfile.ZipFile(path)
            # Some SIS products put the files in a folder inside the zip.
            names = {
                Path(n).name.lower(): n
                for n in archive.namelist()
                if not n.endswith("/") and not Path(n).name.startswith(".")
            }
            return cls(path, names, archive)
        if path.exists():
            raise ExportUnreadable(
                f"{path} is neither a folder nor a .zip file. Point at the folder holding "
                "manifest.csv and users.csv, or at the zip the SIS produced."
            )
        raise ExportUnreadable(f"{path} does not exist.")

    def has(self, name: str) -> bool:
        return name.lower() in self.names

    def size(self, name: str) -> int:
        real = self.names[name.lower()]
        if self.zip is not None:
            return self.zip.getinfo(real).file_size
        return (self.path / real).stat().st_size

    def open_binary(self, name: str) -> IO[bytes]:
        real = self.names[name.lower()]
        if self.zip is not None:
            return self.zip.open(real)
        return (self.path / real).open("rb")

    def estimated_rows(self, name: str) -> int:
        """Roughly how many rows, from the first 64 KB (for a steady progress bar)."""
        with self.open_binary(name) as raw:
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
        with self.open_binary(name) as stream:
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
        with self.open_binary(name) as stream:
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
        """(line number, row) for each record; a header cell is trimmed, values are kept
        as written (the parser trims). Line numbers count the header as line 1 and point
        at where a record starts, also when a quoted cell spans lines."""
        with self.open_binary(name) as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            reader = csv.reader(text)
            try:
                header = [h.strip() for h in next(reader)]
            except StopIteration:
                return
            if header and header[0].startswith("\ufeff"):
                header[0] = header[0].lstrip("\ufeff")
            start = reader.line_num + 1
            for cells in reader:
                if any(c.strip() for c in cells):
                    padded = cells + [""] * (len(header) - len(cells))
                    yield start, dict(zip(header, padded, strict=False))
                start = reader.line_num + 1

    def header(self, name: str, encoding: str) -> list[str]:
        with self.open_binary(name) as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            first = next(csv.reader(text), [])
        return [h.strip().lstrip("\ufeff") for h in first]


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

"""Exports built to hurt: a line hundreds of megabytes long in a tiny zip, fields longer
than any column, corrupt or ambiguous zips, student ids nobody has, and names carrying
NUL, terminal escapes or a right-to-left override. Each is refused whole with a message
naming what to fix (or, for characters, stored clean), on both databases, and never
ends in a traceback."""

import io
import zipfile
from pathlib import Path

import pytest

from helpdesk_tui.data.oneroster import files as export_files
from helpdesk_tui.data.tables import Guardian
from helpdesk_tui.services.roster import ImportRefused
from tests.oneroster_helpers import edit, export_copy, guardian, links, run
from tests.recovery import count


def zipped(export: Path, target: Path, *, names: dict[str, str] | None = None) -> Path:
    """The export's files in a zip, each under ``names[file]`` when given."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in sorted(export.iterdir()):
            z.write(path, (names or {}).get(path.name, path.name))
    return target


def test_a_tiny_zip_with_one_huge_line_is_refused_without_reading_the_line(db, tmp_path):
    """A line of 20 MB (the benchmark builds 300 MB: benchmarks/roster_bad_zip.py)."""
    export = export_copy(tmp_path / "export")
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in sorted(export.iterdir()):
            if path.name != "users.csv":
                z.write(path, path.name)
        with z.open("users.csv", "w") as users:
            lines = (export / "users.csv").read_bytes().split(b"\n")
            users.write(b"\n".join(lines[:11]) + b"\n")
            users.write(b"g6,,,true,sch-ms,parent,,,Carlos")
            for _ in range(20):
                users.write(b"x" * (1 << 20))
            users.write(b",Ruiz\n")
    assert archive.stat().st_size < 100_000
    with pytest.raises(ImportRefused) as refused:
        run(db, archive)
    message = str(refused.value)
    assert "users.csv line 12 is longer than 65,536 characters" in message
    assert "export it again" in message
    assert count(db, Guardian) == 0


def test_a_quoted_cell_spanning_many_lines_is_refused_at_the_same_cap(db, tmp_path):
    export = export_copy(tmp_path)
    long_cell = '"' + ("y" * 60_000 + "\n") * 3 + '"'
    edit(export, "users.csv", "Carlos,Ruiz", f"{long_cell},Ruiz")
    with pytest.raises(ImportRefused, match="users.csv line 12 has a cell longer than 65,536"):
        run(db, export)


def test_a_field_longer_than_its_column_is_a_row_problem_naming_file_line_and_column(db, tmp_path):
    export = export_copy(tmp_path)
    edit(export, "users.csv", '"s1,s2,s3,s5"', '"s1,s2,s3,' + "s" * 300 + '"')
    edit(export, "users.csv", "hh-obrien-2,,77", "hh-" + "h" * 300 + ",,77")
    edit(export, "users.csv", "mother,,,hh-obrien-1", "mother,," + "r" * 300 + ",hh-obrien-1")
    report = run(db, export)
    assert not report.applied
    assert report.problems == [
        "users.csv line 7: agentSourcedIds has an id of 300 characters; at most 255 fit",
        "users.csv line 9: metadata.restrictedStudents has an id of 300 characters; "
        "at most 255 fit",
        "users.csv line 10: metadata.household has an id of 303 characters; at most 255 fit",
    ]


def test_a_file_or_zip_larger_than_the_caps_is_refused_before_reading(db, tmp_path, monkeypatch):
    export = export_copy(tmp_path / "export")
    monkeypatch.setattr(export_files, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ImportRefused, match=r"users.csv is 1,\d{3} bytes; at most 1,000"):
        run(db, export)
    monkeypatch.setattr(export_files, "MAX_FILE_BYTES", 1 << 30)
    monkeypatch.setattr(export_files, "MAX_EXPORT_BYTES", 2500)
    archive = zipped(export, tmp_path / "big.zip")
    with pytest.raises(
        ImportRefused, match=r"unpacks to [\d,]+ bytes of roster files; at most 2,500"
    ):
        run(db, archive)
    assert count(db, Guardian) == 0


def test_a_zip_with_two_files_for_one_roster_file_is_refused(db, tmp_path):
    export = export_copy(tmp_path / "export")
    archive = zipped(export, tmp_path / "two.zip")
    with zipfile.ZipFile(archive, "a") as z:
        z.write(export / "users.csv", "old/USERS.csv")
    with pytest.raises(ImportRefused, match="two users.csv files: old/USERS.csv and users.csv"):
        run(db, archive)
    assert count(db, Guardian) == 0


def test_a_corrupt_zip_is_refused_with_what_to_do(db, tmp_path):
    export = export_copy(tmp_path / "export")
    good = zipped(export, tmp_path / "good.zip").read_bytes()
    # A byte flipped inside users.csv's compressed data: the CRC check fails.
    start = good.index(b"users.csv") + 40
    flipped = tmp_path / "flipped.zip"
    flipped.write_bytes(good[:start] + bytes([good[start] ^ 0xFF]) + good[start + 1 :])
    # Cut short: the central directory is gone.
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good[: len(good) // 2])
    for archive in (flipped, truncated):
        with pytest.raises(ImportRefused, match="damaged.*Zip it again"):
            run(db, archive)
    assert count(db, Guardian) == 0


def test_unknown_students_in_portal_access_and_restrictions_are_refused(db, tmp_path):
    export = export_copy(tmp_path)
    edit(export, "users.csv", "stepfather,,s4", "stepfather,s9,s8")
    report = run(db, export)
    assert not report.applied
    assert report.problems == [
        "users.csv line 12: guardian g6 lists s9 in metadata.portalAccess, but there is no "
        "such student",
        "users.csv line 12: guardian g6 lists s8 in metadata.restrictedStudents, but there "
        "is no such student",
    ]


def test_known_students_in_portal_access_still_import(db, tmp_path):
    export = export_copy(tmp_path)
    edit(export, "users.csv", "stepfather,,s4", "stepfather,s4,")
    report = run(db, export)
    assert report.applied, report.problems
    assert links(db)[("g6", "s4")][2] is True  # portal access


def test_control_characters_nul_and_overrides_are_stripped_on_import(db, tmp_path):
    export = export_copy(tmp_path)
    edit(export, "users.csv", "Carlos,Ruiz", "\x1b[2JCar\x00los\u202e,Ruiz\x07")
    edit(export, "users.csv", "carlos.ruiz@example.com", "carlos.ruiz@exam\x00ple.com")
    edit(export, "users.csv", "77 Oak Ave,Naperville", '"77 Oak\r\nAve",Naper\x9bville')
    report = run(db, export)
    assert report.applied, report.problems
    g6 = guardian(db, "g6")
    assert (g6.first_name, g6.last_name, g6.email) == (
        "[2JCarlos",
        "Ruiz",
        "carlos.ruiz@example.com",
    )
    assert (g6.address_line, g6.city) == ("77 Oak Ave", "Naperville")


def test_a_header_line_that_never_ends_is_refused(db, tmp_path):
    export = export_copy(tmp_path)
    (export / "orgs.csv").write_bytes(b"sourcedId," + b"z" * 200_000)
    with pytest.raises(ImportRefused, match="orgs.csv line 1 is longer than 65,536"):
        run(db, export)


def test_the_line_cap_reads_only_what_it_needs() -> None:
    """The check stops after the cap: reading a longer line never holds it whole."""
    raw = io.BytesIO(b"a,b\n" + b"x" * 10_000_000 + b"\nc,d\n")
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    reader = export_files.capped_lines(text, "users.csv")
    assert next(reader) == "a,b\n"
    with pytest.raises(export_files.ExportUnreadable, match="line 2 is longer"):
        next(reader)
    assert raw.tell() < 1_000_000

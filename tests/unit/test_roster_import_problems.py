"""Exports that must be refused whole, each bad row named by file, line and reason, and
the encodings a district's files come in."""

import codecs
import zipfile

import pytest
from sqlmodel import select

from helpdesk_tui.data.tables import DistrictSettings, Guardian, School
from helpdesk_tui.services.roster import ImportRefused
from tests.conftest import first_row
from tests.oneroster_helpers import edit, export_copy, guardian, run
from tests.recovery import count

MALFORMED = {
    "missing column": (
        "users.csv",
        ",givenName,familyName,",
        ",firstName,familyName,",
        "users.csv line 1: missing required column(s): givenName",
    ),
    "unknown org": (
        "users.csv",
        "s2,,,true,sch-el,",
        "s2,,,true,sch-xx,",
        "users.csv line 3: unknown org sch-xx (not in orgs.csv)",
    ),
    "unknown student": (
        "users.csv",
        '"s1,s2,s3",,,father',
        '"s1,s2,s9",,,father',
        "users.csv line 8: guardian g2 lists s9 in agentSourcedIds, but there is no such student",
    ),
    "bad email": (
        "users.csv",
        "siobhan.obrien@example.com",
        "siobhan.obrien@@example.com",
        "users.csv line 9: email 'siobhan.obrien@@example.com' is not a valid email address",
    ),
    "bad birth date": (
        "demographics.csv",
        "s2,,,2017-07-21",
        "s2,,,2017-13-40",
        "demographics.csv line 3: birthDate '2017-13-40' is not a date like 2015-03-04",
    ),
    "bad modified date": (
        "users.csv",
        "g4,,,true",
        "g4,,yesterday,true",
        "users.csv line 10: dateLastModified 'yesterday' is not a date and time",
    ),
    "pasted blob": (
        "users.csv",
        "Carlos,Ruiz",
        "Carlos" + "x" * 10_000 + ",Ruiz",
        "users.csv line 12: givenName has 10006 characters; at most 80 fit",
    ),
    "duplicate id": (
        "users.csv",
        "g5,,,true",
        "g4,,,true",
        "users.csv line 11: sourcedId g4 appears more than once",
    ),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_bad_row_refuses_the_whole_export_and_changes_nothing(db, tmp_path, case):
    run(db, export_copy(tmp_path / "good"))
    before = count(db, Guardian), guardian(db, "g1").mobile_phone
    export = export_copy(tmp_path / "bad")
    file, old, new, expected = MALFORMED[case]
    edit(export, file, old, new)
    # An otherwise good change in the same export must not be applied either.
    edit(export, "users.csv", "(630) 555-0101", "(630) 555-0199")

    report = run(db, export)

    assert not report.applied and report.problem_count >= 1
    assert any(p.startswith(expected) for p in report.problems), report.problems
    assert (count(db, Guardian), guardian(db, "g1").mobile_phone) == before


def test_every_bad_row_is_listed_not_just_the_first(db, tmp_path):
    export = export_copy(tmp_path)
    edit(export, "users.csv", "liam@example.net", "liam-at-example")
    edit(export, "users.csv", "s2,,,true,sch-el,", "s2,,,true,sch-zz,")
    edit(export, "demographics.csv", "2013-11-30", "30/11/2013")
    report = run(db, export)
    assert report.problem_count == 3
    assert [p.split(":")[0] for p in report.problems] == [
        "users.csv line 3",
        "users.csv line 10",
        "demographics.csv line 4",
    ]
    assert count(db, DistrictSettings) == 0 and count(db, School) == 0


def test_a_byte_order_mark_is_ignored(db, tmp_path):
    export = export_copy(tmp_path)
    for name in ("users.csv", "orgs.csv", "manifest.csv"):
        path = export / name
        path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    report = run(db, export)
    assert report.applied and report.notes[:1] != ["encoding"]
    assert guardian(db, "g1").first_name == "María José"


def test_a_windows_1252_file_is_read_correctly_and_said_so(db, tmp_path):
    export = export_copy(tmp_path)
    path = export / "users.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    report = run(db, export)
    assert report.applied
    assert any("read as Windows-1252" in note for note in report.notes)
    assert guardian(db, "g3").first_name == "Siobhán"
    assert guardian(db, "g1").address_line == "123 Calle Ñandú"


def test_utf16_and_unknown_encodings_are_refused_with_what_to_do(db, tmp_path):
    export = export_copy(tmp_path)
    path = export / "users.csv"
    original = path.read_text(encoding="utf-8")
    path.write_bytes(original.encode("utf-16"))
    with pytest.raises(ImportRefused, match="UTF-16.*CSV UTF-8"):
        run(db, export)
    path.write_bytes(original.encode("utf-8").replace(b"Ruiz", b"Ru\x81z"))
    with pytest.raises(
        ImportRefused, match=r"neither UTF-8 nor Windows-1252 \(byte 0x81 on line 12\)"
    ):
        run(db, export)
    assert count(db, Guardian) == 0


def test_a_zip_with_the_files_in_a_folder_imports(db, tmp_path):
    export = export_copy(tmp_path, "1.2")
    archive = tmp_path / "sis-export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in export.iterdir():
            z.write(path, f"oneroster-2026-11-20/{path.name}")
    report = run(db, archive)
    assert report.applied and report.counts["guardian"] == {"added": 6}


def test_whole_export_problems_say_what_to_do(db, tmp_path):
    with pytest.raises(ImportRefused, match="does not exist"):
        run(db, tmp_path / "nowhere")
    export = export_copy(tmp_path)
    (export / "manifest.csv").unlink()
    with pytest.raises(ImportRefused, match="manifest.csv is missing"):
        run(db, export)
    export = export_copy(tmp_path / "v")
    edit(export, "manifest.csv", "oneroster.version,1.1", "oneroster.version,1.0")
    with pytest.raises(ImportRefused, match="reads OneRoster 1.1 and 1.2"):
        run(db, export)
    export = export_copy(tmp_path / "d")
    with pytest.raises(ImportRefused, match="--portal-url"):
        run(db, export, new_district=None)
    assert first_row(db, select(DistrictSettings)) is None

"""Hostile text at every way in: the guardian search (service and command line, with
bytes that are not UTF-8 on the command line), the roster import's fields, and
incoming mail. U+10FFFF, lone surrogates, NUL, terminal escapes, a right-to-left
override, 10 KB and 400,000-character strings, and Rich markup. Each gives a clear
refusal or a sane result, on both databases, and never a traceback; what is stored or
printed is free of control characters."""

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from helpdesk_tui.cli import main
from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.search_index import reindex_guardian
from helpdesk_tui.data.tables import Guardian
from helpdesk_tui.services.guardians import SearchResult, search_guardians
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import InvalidSearch
from helpdesk_tui.services.roster import ImportRefused
from helpdesk_tui.services.tickets.email_parse import parse_mail
from tests.oneroster_helpers import edit, export_copy, run

NASTY = {
    "noncharacter": "maria \U0010ffff",
    "lone surrogate": "mar\ud800ia",
    "nul": "mu\x00noz",
    "escape": "\x1b[2J\x1b]0;pwned\x07munoz",
    "c1 csi": "\x9b31mmunoz",
    "rtl override": "\u202ezonum",
    "10 KB": "munoz " * 1_700,
    "400,000 characters": "x" * 400_000,
    "rich markup": "[red]x[/] [link=https://evil.example]munoz[/link] [/]",
    "textual markup": "[$accent]munoz[/] [@click=app.quit]q[/]",
}
STAFF_ENV = {"HELPDESK_STAFF": "demo-agent", "HELPDESK_STAFF_PASSWORD": "demo-password"}


def unsafe_characters(text: str) -> list[str]:
    """Controls (tab and line break aside), direction overrides, surrogates, noncharacters."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if (unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n")
        or 0x202A <= ord(ch) <= 0x202E
        or 0x2066 <= ord(ch) <= 0x2069
        or 0xFDD0 <= ord(ch) <= 0xFDEF
        or ord(ch) & 0xFFFE == 0xFFFE
    ]


# -- the guardian search --------------------------------------------------------------
@pytest.mark.parametrize("case", NASTY)
def test_the_search_service_refuses_clearly_or_answers(
    seeded_db: Database, agent: StaffMember, case: str
) -> None:
    try:
        with seeded_db.read() as session:
            result = search_guardians(session, actor=agent, query=NASTY[case])
    except InvalidSearch as exc:
        assert "Clear the box" in str(exc) or "at most" in str(exc) or "words" in str(exc)
        return
    assert isinstance(result, SearchResult)


def cli(database: Database, *args: bytes, env: dict[str, str] | None = None) -> tuple[int, str]:
    """``helpdesk`` in a process of its own, its arguments as raw bytes (what a shell
    hands over), stdout and stderr together."""
    url = database.engine.url.render_as_string(hide_password=False).encode()
    done = subprocess.run(
        [sys.executable, "-m", "helpdesk_tui", b"--database-url", url, *args],
        capture_output=True,
        env={**os.environ, **STAFF_ENV, **(env or {})},
        timeout=120,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace")


CLI_QUERIES = {
    "not utf-8": b"mu\xf1oz",
    "noncharacter": NASTY["noncharacter"].encode(),
    "escape": NASTY["escape"].encode(),
    "rtl override": NASTY["rtl override"].encode(),
    "10 KB": NASTY["10 KB"].encode(),
    "markup": NASTY["rich markup"].encode(),
}


@pytest.mark.parametrize("case", CLI_QUERIES)
def test_the_search_command_never_shows_a_traceback(seeded_db: Database, case: str) -> None:
    code, output = cli(seeded_db, b"guardians", b"search", CLI_QUERIES[case])
    assert "Traceback" not in output, output
    assert code in (0, 1, 2), output
    if code:
        assert output.startswith(("Error: ", "Usage: ")), output
    if code == 2:
        assert "is not valid text" in output
    assert not unsafe_characters(output), output


def test_bytes_that_are_not_text_in_a_name_or_password_get_a_message(
    seeded_db: Database,
) -> None:
    code, output = cli(seeded_db, b"guardians", b"search", b"--staff", b"demo-\xff", b"munoz")
    assert (code, "Traceback" in output) == (2, False), output
    assert "not valid text" in output
    code, output = cli(
        seeded_db,
        b"guardians",
        b"search",
        b"munoz",
        env={"HELPDESK_STAFF_PASSWORD": "demo-\udcffpassword"},
    )
    assert (code, "Traceback" in output) == (1, False), output
    assert "not valid text" in output


@pytest.fixture(params=["sqlite", "pg"])
def fresh_district(request):  # type: ignore[no-untyped-def]
    return request.getfixturevalue(f"{request.param}_seeded")


def test_names_from_the_database_print_as_plain_text(fresh_district: Database) -> None:
    """A name stored before the import cleaned names (or typed in by hand) still prints
    without its escapes, and JSON keeps it whole but terminal-safe."""
    with fresh_district.write() as session:
        row = Guardian(
            first_name="\x1b[2J[red]Eve[/]\u202e", last_name="Qzwx\x9b", city="\x07Aurora"
        )
        session.add(row)
        session.flush()
        reindex_guardian(session, row.id or 0)
    url = fresh_district.engine.url.render_as_string(hide_password=False)
    for extra in ([], ["--json"]):
        result = CliRunner().invoke(
            main, ["--database-url", url, "guardians", "search", "qzwx", *extra], env=STAFF_ENV
        )
        assert result.exit_code == 0, result.output
        assert not unsafe_characters(result.output), result.output
        assert "[2J[red]Eve[/] Qzwx" in result.output or extra
    [found] = json.loads(result.output)["results"]
    assert found["name"] == "\x1b[2J[red]Eve[/]\u202e Qzwx\x9b"  # the data, as stored


# -- the roster import ----------------------------------------------------------------
FIELDS = {
    "givenName": "Carlos,Ruiz",
    "email": "carlos.ruiz@example.com",
    "address": "77 Oak Ave,Naperville",
    "sourcedId": "g6,,,true",
}
CSV_SAFE = {k: v for k, v in NASTY.items() if k != "lone surrogate"}


def put(value: str, field: str) -> tuple[str, str]:
    """The edit that puts ``value`` in g6's ``field`` (quoted, as a CSV writer would)."""
    quoted = '"' + value.replace('"', '""') + '"'
    original = FIELDS[field]
    _, comma, rest = original.partition(",")
    return original, f"{quoted}{comma}{rest}"


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("case", CSV_SAFE)
def test_the_roster_import_refuses_clearly_or_stores_clean_text(
    db: Database, tmp_path: Path, case: str, field: str
) -> None:
    export = export_copy(tmp_path)
    old, new = put(CSV_SAFE[case], field)
    edit(export, "users.csv", old, new)
    try:
        report = run(db, export)
    except ImportRefused as exc:
        assert "users.csv line " in str(exc) and "export it again" in str(exc)
        return
    if not report.applied:
        assert report.problems and all(p.startswith("users.csv line ") for p in report.problems)
        return
    with db.read() as session:
        stored = [
            value
            for row in session.exec(select(Guardian)).all()
            for value in vars(row).values()
            if isinstance(value, str)
        ]
    assert len(stored) > 10 and not [s for s in stored if unsafe_characters(s)]


def test_lone_surrogates_in_a_file_are_read_as_bytes_not_a_crash(db: Database, tmp_path: Path):
    export = export_copy(tmp_path)
    path = export / "users.csv"
    text = path.read_text(encoding="utf-8").replace("Carlos", "Car\ud800los")
    path.write_bytes(text.encode("utf-8", "surrogatepass"))  # not valid UTF-8
    report = run(db, export)  # read as Windows-1252, said so; mojibake emails refused
    assert any("read as Windows-1252" in note for note in report.notes)
    assert not report.applied and report.problems[0].startswith("users.csv line 7: email")


# -- incoming mail --------------------------------------------------------------------
@pytest.mark.parametrize("case", CSV_SAFE)
def test_incoming_mail_becomes_clean_text(case: str) -> None:
    value = CSV_SAFE[case]
    raw = (
        f"From: {value[:200]} <p@nowhere.example>\r\nSubject: {value[:500]}\r\n"
        'MIME-Version: 1.0\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n'
    ).encode("utf-8", "surrogateescape") + value.encode("utf-8", "surrogateescape")
    mail = parse_mail(raw, fallback_id="<x@y>")
    for text in (mail.subject, mail.body, mail.sender_name):
        assert not unsafe_characters(text), (text[:80], unsafe_characters(text)[:5])
    assert len(mail.body) < 21_000 and len(mail.subject) <= 200


@pytest.mark.parametrize("case", ["nul", "escape", "lone surrogate"])
def test_every_header_an_email_gives_a_ticket_is_clean(case: str) -> None:
    value = NASTY[case]
    raw = (
        f"From: Eve <e{value}ve@nowhere.example>\r\nMessage-ID: <a{value}b@x>\r\n"
        f"In-Reply-To: <c{value}d@y>\r\nSubject: hi\r\n\r\nbody"
    ).encode("utf-8", "surrogatepass")  # a lone surrogate: bytes that are not UTF-8
    mail = parse_mail(raw, fallback_id="<x@y>")
    for text in (mail.sender_email, mail.message_id, *mail.in_reply_to):
        assert not unsafe_characters(text), text

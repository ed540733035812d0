"""A hostile OneRoster zip: about 316 KB on disk, one users.csv line of 300 MB inside
(a cell of 300 million "x", which deflate packs 1000 to 1). Imported into an empty
SQLite file (and PostgreSQL with --backends), in a process of its own, so its peak
memory (max RSS) is the import's own; a small good export is measured beside it for
the baseline a process needs anyway.

    .venv/bin/python benchmarks/roster_bad_zip.py [--line-mb 300] [--backends sqlite,postgresql]
"""

import argparse
import json
import resource
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from bench_db import DATA, empty_database_url

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
MANIFEST = (
    "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n"
    "file.orgs,bulk\nfile.users,bulk\nfile.demographics,absent\n"
)
ORGS = "sourcedId,status,dateLastModified,name,type,identifier\nsch-1,,,Elm School,school,E1\n"
USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades\n"
)
GOOD_ROWS = (
    "s1,,,true,sch-1,student,,,Ana,Diaz,,9001,,,,g1,03\n"
    "g1,,,true,sch-1,parent,,,Rosa,Diaz,,,rosa@example.org,(630) 555-0101,,s1,\n"
)


def build(path: Path, *, line_mb: int) -> Path:
    """The export as a zip; with ``line_mb``, the guardian's given name is that many MB."""
    if path.exists():
        return path
    started = time.perf_counter()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("manifest.csv", MANIFEST)
        zf.writestr("orgs.csv", ORGS)
        with zf.open("users.csv", "w", force_zip64=True) as users:
            users.write(USERS_HEADER.encode())
            if line_mb:
                users.write(b"s1,,,true,sch-1,student,,,Ana,Diaz,,9001,,,,g1,03\n")
                users.write(b"g1,,,true,sch-1,parent,,,")
                chunk = b"x" * (1 << 20)
                for _ in range(line_mb):
                    users.write(chunk)
                users.write(b",Diaz,,,rosa@example.org,,,s1,\n")
            else:
                users.write(GOOD_ROWS.encode())
    print(
        f"  built {path.name}: {path.stat().st_size / 1024:,.0f} KB on disk "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return path


def one_import(url: str, export: str) -> None:
    """Child process: one import, its outcome and peak memory as JSON on stdout."""
    from helpdesk_tui.data import migrate
    from helpdesk_tui.data.engine import Database, build_engine
    from helpdesk_tui.services.roster import ImportRefused, NewDistrict, import_oneroster

    engine = build_engine(url)
    migrate.upgrade(engine)
    started = time.perf_counter()
    try:
        report = import_oneroster(
            Database(engine),
            Path(export),
            new_district=NewDistrict("https://portal.example.org", "help@example.org", "555-0100"),
            now=NOW,
        )
        outcome = "applied" if report.applied else f"refused: {'; '.join(report.problems)[:200]}"
    except ImportRefused as exc:
        outcome = f"refused: {str(exc)[:200]}"
    except Exception as exc:  # noqa: BLE001 - the figure to report is that it broke
        outcome = f"TRACEBACK {type(exc).__name__}: {str(exc)[:150]}"
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "outcome": outcome,
                "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run_child(url: str, export: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(export)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = out.stdout.strip().splitlines()
    if not lines:
        return {"seconds": 0.0, "outcome": f"child died: {out.stderr[-300:]}", "max_rss_mb": 0}
    result: dict[str, object] = json.loads(lines[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--line-mb", type=int, default=300)
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        one_import(*args.child)
        return
    DATA.mkdir(exist_ok=True)
    exports = {
        "good (2 users)": build(DATA / "oneroster-good-small.zip", line_mb=0),
        f"one {args.line_mb} MB line": build(
            DATA / f"oneroster-line-{args.line_mb}mb.zip", line_mb=args.line_mb
        ),
    }
    print("Roster import of a hostile zip, one process per import")
    print(f"{'backend':<11} {'export':<20} {'zip KB':>7} {'seconds':>8} {'peak RSS':>9}  outcome")
    for backend in args.backends.split(","):
        for label, export in exports.items():
            url = empty_database_url(backend, "helpdesk_bad_zip_bench")
            r = run_child(url, export)
            print(
                f"{backend:<11} {label:<20} {export.stat().st_size / 1024:>7,.0f} "
                f"{float(str(r['seconds'])):>8.1f} {float(str(r['max_rss_mb'])):>7.0f} MB  "
                f"{r['outcome']}",
                flush=True,
            )


if __name__ == "__main__":
    main()

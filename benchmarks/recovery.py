"""How long the audited recovery actions take, and how fast the audit chain verifies.

    .venv/bin/python benchmarks/recovery.py [--guardians 2000] [--reissues 500] [--audit-rows 50000]

On a fresh demo district per database (SQLite file in benchmarks/.data/, PostgreSQL
database helpdesk_bench_recovery), prints p50/p95 of: a verification (start, two
screening answers, callback, finish), an emailed code (argon2-hashed), a key reissue
(revoke, create, outbox, notices, audit row), and `audit verify` per 10,000 rows.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_db import demo_database, ms, write_seconds  # noqa: E402

from helpdesk_tui.services import recovery  # noqa: E402
from helpdesk_tui.services import verification as v  # noqa: E402
from helpdesk_tui.services.kernel import audit  # noqa: E402
from helpdesk_tui.services.staff import authenticate  # noqa: E402
from tests.recovery import birth_date_of, pick_guardian  # noqa: E402


def p50_p95(samples: list[float]) -> str:
    return f"{ms(samples)}  (n={len(samples)})"


def run(backend: str, args: argparse.Namespace) -> None:
    database = demo_database(backend, "helpdesk_bench_recovery", guardians=args.guardians, seed=7)
    agent = authenticate(database, username="demo-agent", password="demo-password")
    verifications, codes, reissues = [], [], []
    guardians = []
    for _ in range(args.verified):
        g = pick_guardian(database)
        started = time.perf_counter()
        with database.write() as s:
            view = v.start_verification(s, actor=agent, guardian_id=g.id, method="phone")
        with database.write() as s:
            kw = {"actor": agent, "verification_id": view.id}
            v.check_screening(s, **kw, item="zip", answer=g.postal_code or "")
            v.check_screening(s, **kw, item="birth_date", answer=birth_date_of(database, g.id or 0))
            v.record_callback(s, **kw, phone=g.mobile_phone or g.home_phone or g.work_phone or "")
        with database.write() as s:
            v.finish_verification(s, actor=agent, verification_id=view.id)
        verifications.append(time.perf_counter() - started)
        codes.append(
            write_seconds(database, lambda s, gid=g.id, to=g.email: _code(s, agent, gid, to))
        )
        guardians.append(g.id)
    for i in range(args.reissues):
        gid = guardians[i % len(guardians)]
        reissues.append(
            write_seconds(
                database,
                lambda s, gid=gid: recovery.reissue_activation_key(
                    s, actor=agent, guardian_id=gid, delivery="letter", reason="benchmark"
                ),
            )
        )
    with database.write() as s:  # a long trail, appended in one go
        for i in range(args.audit_rows):
            audit.record(s, actor=agent, action="benchmark", guardian_id=None, detail=f"row {i}")
    with database.read() as s:
        start = time.perf_counter()
        report = audit.verify_chain(s)
        verify_s = time.perf_counter() - start
    assert report.ok
    print(f"[{backend}] district of {args.guardians} guardians")
    print(f"  verification (start, 2 answers, callback, finish): {p50_p95(verifications)}")
    print(f"  emailed code (new verification, argon2 hash):     {p50_p95(codes)}")
    print(f"  key reissue (revoke, create, notices, audit):      {p50_p95(reissues)}")
    print(
        f"  audit verify: {report.rows_checked} rows in {verify_s:.2f} s "
        f"({verify_s / report.rows_checked * 10_000:.2f} s per 10,000 rows)"
    )
    database.dispose()


def _code(session, agent, guardian_id, to):  # type: ignore[no-untyped-def]
    code = v.new_code()  # hashed before the write, as the desk does
    view = v.start_verification(session, actor=agent, guardian_id=guardian_id, method="phone")
    v.send_code(session, actor=agent, verification_id=view.id, to=to, code=code)
    v.abandon_verification(session, actor=agent, verification_id=view.id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guardians", type=int, default=2000)
    parser.add_argument("--verified", type=int, default=100)
    parser.add_argument("--reissues", type=int, default=500)
    parser.add_argument("--audit-rows", type=int, default=50_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args)


if __name__ == "__main__":
    main()

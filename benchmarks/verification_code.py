"""How long a verification code holds the write transaction (the lock every other desk
queues behind on SQLite), with argon2 inside it (as before issue 11) and outside it.

    .venv/bin/python benchmarks/verification_code.py [--runs 40] [--backend sqlite|postgresql|both]

On a fresh demo district per database (SQLite file in benchmarks/.data/, PostgreSQL
database helpdesk_bench_codes), per run: one verification, a code sent and read back.
Prints p50/p95 of the time the write transactions were open for: sending (argon2 hash)
and reading back (argon2 verify), the old way and the new way.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_db import demo_database, ms, write_seconds  # noqa: E402

from helpdesk_tui.services import verification as v  # noqa: E402
from helpdesk_tui.services.staff import authenticate  # noqa: E402
from tests.recovery import outbox_for, pick_guardian  # noqa: E402


def run(backend: str, runs: int) -> None:
    database = demo_database(backend, "helpdesk_bench_codes", guardians=max(200, runs * 3), seed=7)
    agent = authenticate(database, username="demo-agent", password="demo-password")
    figures: dict[str, list[float]] = {k: [] for k in ("send", "send_old", "read", "read_old")}
    for i in range(runs):
        old = i % 2 == 1  # alternate, so both ways see the same machine load
        g = pick_guardian(database)
        with database.write() as s:
            vid = v.start_verification(s, actor=agent, guardian_id=g.id or 0, method="phone").id
        if old:  # the hash made inside the write, as send_code did before
            figures["send_old"].append(
                write_seconds(
                    database,
                    lambda s, vid=vid: v.send_code(
                        s, actor=agent, verification_id=vid, to="email", code=v.new_code()
                    ),
                )
            )
        else:
            code = v.new_code()
            figures["send"].append(
                write_seconds(
                    database,
                    lambda s, vid=vid, code=code: v.send_code(
                        s, actor=agent, verification_id=vid, to="email", code=code
                    ),
                )
            )
        secret = [m for m in outbox_for(database, g.id or 0) if m.kind == "verification_code"][-1]
        typed = secret.secret or ""
        if old:  # compared inside the write, as confirm_code did before

            def both(s, vid=vid, typed=typed):  # type: ignore[no-untyped-def]
                reading = v.check_code(s, actor=agent, verification_id=vid, code=typed)
                v.confirm_code(s, actor=agent, verification_id=vid, reading=reading)

            figures["read_old"].append(write_seconds(database, both))
        else:
            with database.read() as s:
                reading = v.check_code(s, actor=agent, verification_id=vid, code=typed)
            figures["read"].append(
                write_seconds(
                    database,
                    lambda s, vid=vid, reading=reading: v.confirm_code(
                        s, actor=agent, verification_id=vid, reading=reading
                    ),
                )
            )
    print(f"[{backend}] write transaction held, {runs // 2} runs each way")
    print(f"  send a code, argon2 inside the write:   {ms(figures['send_old'])}")
    print(f"  send a code, argon2 before the write:   {ms(figures['send'])}")
    print(f"  read back, argon2 inside the write:     {ms(figures['read_old'])}")
    print(f"  read back, argon2 in a read before:     {ms(figures['read'])}")
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.runs)


if __name__ == "__main__":
    main()

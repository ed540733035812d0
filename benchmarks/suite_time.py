"""Wall time of the whole test suite, several runs in a row, optionally while another
process keeps a core busy (`python3 -c "while True: pass"`), as a loaded CI machine
would. Prints each run's time and outcome; exits 1 if any run failed (a flaky suite).

    .venv/bin/python benchmarks/suite_time.py --runs 3 --busy
    .venv/bin/python benchmarks/suite_time.py --checkout /tmp/old --runs 1 --busy   # another tree

Run it with PostgreSQL and Dovecot available; it sets HELPDESK_REQUIRE_PG=1 and
HELPDESK_REQUIRE_IMAP=1 as CI does, and a fresh HELPDESK_DATA_DIR for each run.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_suite(checkout: Path, extra: list[str]) -> tuple[float, str, bool]:
    env = dict(os.environ, HELPDESK_REQUIRE_PG="1", HELPDESK_REQUIRE_IMAP="1")
    env["HELPDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="suite-data-")
    started = time.perf_counter()
    done = subprocess.run(
        [str(checkout / ".venv" / "bin" / "pytest"), "-q", "-p", "no:cacheprovider", *extra],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:  # keep what failed, to read afterwards
        kept = Path(tempfile.mkstemp(prefix="suite-failed-", suffix=".txt")[1])
        kept.write_text(done.stdout + done.stderr)
        print(f"  output of the failed run: {kept}", flush=True)
    summary = next(
        (
            line
            for line in reversed(done.stdout.splitlines())
            if re.search(r"\d+ (passed|failed)", line)
        ),
        done.stdout[-300:],
    )
    return seconds, summary.strip("= "), done.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--busy", action="store_true", help="keep one core busy meanwhile")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the tree to test")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args()
    hog = None
    if args.busy:
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        results = []
        for n in range(1, args.runs + 1):
            seconds, summary, ok = run_suite(args.checkout, args.pytest_args)
            results.append((seconds, ok))
            print(f"run {n}: {seconds:6.1f} s  {'ok  ' if ok else 'FAIL'}  {summary}", flush=True)
    finally:
        if hog is not None:
            hog.kill()
    times = [s for s, _ in results]
    load = "with one core kept busy" if args.busy else "on an idle machine"
    print(
        f"{len(times)} run(s) {load} on {os.cpu_count()} cores: "
        f"min {min(times):.1f} s, max {max(times):.1f} s; "
        f"{sum(ok for _, ok in results)}/{len(results)} passed"
    )
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())

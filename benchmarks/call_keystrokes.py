"""The two daily flows by keyboard, in the real app (Pilot), counting keys and time:

- a lost-key phone call, from the caller's name to the resolved ticket: find, verify
  (ZIP code and street, and an emailed code), reissue the key by email, resolve;
- a clerk's counter unlock with a photo ID: find, verify in person, unlock.

Keys are counted in two kinds: what the caller says (their name, answers and the code
they read out, typed by the agent) and navigation (everything else, Enter after an
answer included). The time of the call includes waiting for the code email to exist
(the demo's .eml mail, as on a desk with no SMTP server configured).

    .venv/bin/python benchmarks/call_keystrokes.py [--runs 3]

Prints each flow's keys, navigation keys and seconds (median of the runs), and how
long the code email took from F6.
"""

import argparse
import asyncio
import email
import email.policy
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_db import demo_database  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from helpdesk_tui.app import HelpdeskApp  # noqa: E402
from helpdesk_tui.config import Settings  # noqa: E402
from helpdesk_tui.data.engine import Database  # noqa: E402
from helpdesk_tui.data.tables import Guardian, PortalAccount, Ticket  # noqa: E402
from helpdesk_tui.screens.guardian.guardian_detail import GuardianDetailScreen  # noqa: E402
from tests.recovery import pick_guardian  # noqa: E402
from tests.ui.helpers import settle, sign_in  # noqa: E402

DEBUG = "--debug" in sys.argv
CODE = re.compile(r"\b(\d{3}[ -]?\d{3})\b")


@dataclass
class Tally:
    navigation: list[str] = field(default_factory=list)
    spoken: int = 0

    async def nav(self, pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
        self.navigation.extend(keys)
        await pilot.press(*keys)
        await settle(pilot)
        if DEBUG:
            screen = pilot.app.screen
            said = [str(w.render()) for w in screen.query("#verify-status, #proof-status")]
            print(keys, type(screen).__name__, said, file=sys.stderr)

    async def say(self, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
        """What the caller says, typed as they say it."""
        self.spoken += len(text)
        await pilot.press(*text)
        await settle(pilot)


async def open_by_name(pilot, tally: Tally, g: Guardian) -> None:  # type: ignore[no-untyped-def]
    await tally.say(pilot, f"{g.first_name} {g.last_name}")
    await tally.nav(pilot, "ctrl+o")  # the highlighted (first) row
    assert isinstance(pilot.app.screen, GuardianDetailScreen), "the name did not open them"


async def phone_call(database: Database, folder: Path) -> tuple[Tally, float, float]:
    g = pick_guardian(database, account="none", own_name=True)
    settings = Settings(database_url="", data_dir=folder, config_file=folder / "none.toml")
    app = HelpdeskApp(database, demo=True, settings=settings, timers=False)
    tally = Tally()
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        start = time.perf_counter()
        await open_by_name(pilot, tally, g)
        await tally.nav(pilot, "v")
        await tally.say(pilot, g.postal_code or "")
        await tally.nav(pilot, "enter")
        await tally.say(pilot, g.address_line or "")  # the next question on the list
        await tally.nav(pilot, "enter")
        mails = folder / "demo-mail"
        before = set(mails.glob("*.eml")) if mails.exists() else set()
        sent = time.perf_counter()
        await tally.nav(pilot, "f6")
        code = None
        while code is None:  # the code email to this guardian (the round may send more)
            if time.perf_counter() - sent > 30:
                raise SystemExit("no code email within 30 s")
            await pilot.pause(0.02)
            for eml in set(mails.glob("*.eml")) - before if mails.exists() else set():
                mail = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
                body = mail.get_body(("plain",))
                if g.email and g.email in str(mail["To"]) and body is not None:
                    code = code or CODE.search(body.get_content())
        email_seconds = time.perf_counter() - sent
        await tally.say(pilot, code.group(1))
        await tally.nav(pilot, "enter")  # ready to pass: it finishes by itself
        await settle(pilot)
        await tally.nav(pilot, "k")
        await tally.nav(pilot, "enter")  # email to the address on file, as offered
        await tally.nav(pilot, "s")  # done with the key: resolve the call
        await tally.nav(pilot, "enter")  # the closing note as written from the timeline
        await settle(pilot)
        seconds = time.perf_counter() - start
    with database.read() as s:
        ticket = s.exec(
            select(Ticket).where(col(Ticket.guardian_id) == g.id).order_by(col(Ticket.id).desc())
        ).first()
    assert ticket is not None and ticket.status == "resolved", "the call was not resolved"
    return tally, seconds, email_seconds


async def counter_unlock(database: Database) -> tuple[Tally, float]:
    app = HelpdeskApp(database, demo=True, settings=None, timers=False)
    tally = Tally()
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "demo-clerk")
        clerk = app.staff
        assert clerk is not None
        g = pick_guardian(
            database,
            account="active",
            verified_email=True,
            school_id=clerk.school_id,
            own_name=True,
        )
        with database.write() as s:  # locked out on the portal
            account = s.exec(
                select(PortalAccount).where(col(PortalAccount.guardian_id) == g.id)
            ).one()
            account.status, account.failed_login_count = "disabled", 5
            account.disabled_at, account.disabled_reason = account.created_at, "5 failed sign-ins"
        start = time.perf_counter()
        await open_by_name(pilot, tally, g)
        await tally.nav(pilot, "v")  # the checklist opens on the photo ID
        await tally.nav(pilot, "enter", "down", "enter")  # driver's license
        await tally.nav(pilot, "space")  # photo matches, form signed: recorded, passed
        await settle(pilot)
        await tally.nav(pilot, "u")
        await tally.nav(pilot, "enter")  # unlock (no note)
        seconds = time.perf_counter() - start
    with database.read() as s:
        status = s.exec(select(PortalAccount.status).where(col(PortalAccount.guardian_id) == g.id))
        assert status.one() == "active", "not unlocked"
    return tally, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--debug", action="store_true", help="say where each key landed")
    runs = parser.parse_args().runs
    database = demo_database("sqlite", "helpdesk_bench_call", guardians=2000, seed=7)
    calls, unlocks = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            calls.append(asyncio.run(phone_call(database, Path(folder))))
        unlocks.append(asyncio.run(counter_unlock(database)))
    tally = calls[-1][0]
    print(f"Lost-key phone call, name to resolved ticket ({runs} runs):")
    print(f"  navigation keys {len(tally.navigation)}: {' '.join(tally.navigation)}")
    print(f"  caller's words typed: {tally.spoken} keys")
    print(f"  total {statistics.median(c[1] for c in calls):.1f} s (median)")
    print(f"  code email on disk {statistics.median(c[2] for c in calls):.2f} s after F6")
    tally = unlocks[-1][0]
    print(f"Clerk counter unlock with photo ID ({runs} runs):")
    print(f"  navigation keys {len(tally.navigation)}: {' '.join(tally.navigation)}")
    print(f"  total {statistics.median(u[1] for u in unlocks):.1f} s (median)")


if __name__ == "__main__":
    main()

"""Processes that mix staff and parent actions on the same few guardians, for the lock
order test: staff reissue keys, unlock logins and send reset links while parents redeem
those keys, sign in with a wrong password, set and verify a security email, and reset
their password with the newest link. Every action goes through the services as the
desk and the portal call them (retried by ``Database.run`` on a deadlock)."""

import contextlib
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import col, select

from helpdesk_tui.data.demo.rows import DEMO_PORTAL_PASSWORD
from helpdesk_tui.data.engine import Database, DatabaseUnavailable, build_engine
from helpdesk_tui.data.tables import OutboxMessage, PortalAccount
from helpdesk_tui.services import portal, recovery
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.staff import authenticate

PASSWORD = DEMO_PORTAL_PASSWORD  # every login made or reset here keeps the demo password
IP = "198.51.100.77"
THROTTLE_FREE_TIME = datetime(2025, 1, 1, tzinfo=UTC)  # wrong passwords, far apart


@dataclass
class MixResult:
    done: Counter[str] = field(default_factory=Counter)  # action -> times it went through
    refused: Counter[str] = field(default_factory=Counter)  # "action: error" -> refusals
    errors: list[str] = field(default_factory=list)  # anything else: a bug


def _username(database: Database, guardian_id: int) -> str | None:
    return database.run(
        lambda s: s.exec(
            select(PortalAccount.username).where(col(PortalAccount.guardian_id) == guardian_id)
        ).first(),
        write=False,
    )


def _newest_link(database: Database, guardian_id: int, kind: str) -> str | None:
    return database.run(
        lambda s: s.exec(
            select(OutboxMessage.secret)
            .where(col(OutboxMessage.guardian_id) == guardian_id, col(OutboxMessage.kind) == kind)
            .order_by(col(OutboxMessage.id).desc())
        ).first(),
        write=False,
    )


def run_mix(url: str, guardian_ids: list[int], rounds: int, seed: int) -> MixResult:
    database = Database(build_engine(url))
    agent = authenticate(database, username="demo-agent", password="demo-password")
    rnd = random.Random(seed)
    keys: dict[int, str] = {}  # the newest key this process issued, per guardian
    ticks = itertools.count(seed * 10_000)
    result = MixResult()

    def reissue(gid: int) -> None:
        issued = database.run(
            lambda s: recovery.reissue_activation_key(
                s, actor=agent, guardian_id=gid, delivery="letter", reason="lock order test"
            )
        )
        keys[gid] = issued.key

    def redeem(gid: int) -> None:
        key = keys.pop(gid, None)
        if key is None:
            return reissue(gid)
        name = f"Mix{seed}x{rnd.randrange(10**9)}"
        portal.redeem_key(database, key_text=key, username=name, password=PASSWORD, ip=IP)

    def wrong_password(gid: int) -> None:
        """A parent guessing: five wrong passwords (the fifth in a row disables the login,
        writes the audit row and queues the notices, unless another action came between).
        Each try is put 20 minutes after the last on the portal's clock, so the throttle
        lets every one be checked."""
        username = _username(database, gid)
        for _ in range(5 if username else 0):
            now = THROTTLE_FREE_TIME + timedelta(minutes=20 * next(ticks))
            with contextlib.suppress(portal.SignInRefused):  # the expected answer
                portal.sign_in(
                    database, username=username or "", password="Not-it-42", ip=IP, now=now
                )

    def unlock(gid: int) -> None:
        database.run(lambda s: recovery.unlock_account(s, actor=agent, guardian_id=gid))

    def staff_reset_link(gid: int) -> None:
        database.run(lambda s: recovery.send_password_reset(s, actor=agent, guardian_id=gid))

    def security_email(gid: int) -> None:
        username = _username(database, gid)
        if username:
            portal.set_security_email(
                database, username=username, password=PASSWORD, email=f"mix{gid}@example.org", ip=IP
            )
            link = _newest_link(database, gid, "link:verify_email")
            if link:
                database.run(lambda s: portal.verify_security_email(s, link=link))

    def reset(gid: int) -> None:
        username = _username(database, gid)
        if username:
            portal.forgot_password(database, username=username, ip=IP)
        link = _newest_link(database, gid, "link:reset")
        if link:
            portal.reset_password(database, link=link, new_password=PASSWORD, ip=IP)

    actions = [
        (reissue, 3),
        (redeem, 3),
        (wrong_password, 2),
        (unlock, 1),
        (staff_reset_link, 1),
        (security_email, 1),
        (reset, 1),
    ]
    population = [a for a, _ in actions]
    weights = [w for _, w in actions]
    for _ in range(rounds):
        gid = rnd.choice(guardian_ids)
        [action] = rnd.choices(population, weights)
        try:
            action(gid)
        except DomainError as exc:
            result.refused[f"{action.__name__}: {type(exc).__name__}"] += 1
        except (DatabaseUnavailable, Exception) as exc:  # noqa: BLE001 - the test lists them
            result.errors.append(f"{action.__name__}: {type(exc).__name__}: {exc}".splitlines()[0])
        else:
            result.done[action.__name__] += 1
    # This process's deadlock count reaches pg_stat_database when its session next goes
    # idle; make that happen now, before the test reads the counter.
    database.run(lambda s: s.exec(text("SELECT pg_stat_force_next_flush()")), write=False)  # type: ignore[call-overload]
    database.dispose()
    return result

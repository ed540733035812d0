"""The portal's per-source throttle: a progressive delay, from the access log, for an
address and for a username with many recent failed sign-ins.

The rule, one per source: count the failed attempts of the last ``window`` (15
minutes) from this IP address, and separately for this username (in any case); up to
``free_failures`` cost nothing; from then on each further attempt must wait
``first_delay * 2 ** (failures - free_failures)`` after the last failure (1 s, 2 s,
4 s, ...), never more than ``max_delay`` (5 minutes). An attempt made sooner is turned
away: it is logged as a failure (so a source that keeps trying while told to wait
stays slowed), but the password is not checked and nothing counts toward the
account's lockout, so a flood from one source cannot lock out many families. The
parent is told how many minutes to wait.

- By address: 10 free failures, because a school's, library's or employer's network
  puts many families behind one address. One address can then have about 20 passwords
  checked in 10 minutes at best (13 when it retries whenever it is told it may), so it
  locks out 2 to 4 logins in that time instead of about 350
  (benchmarks/portal_throttle.py).
- By username: 3 free failures; a person never notices the 1 or 2 s before the 4th
  and 5th try, a script spread over many addresses does, and a disabled login stays
  slow to probe.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk_tui.data.tables import LoginAttempt


@dataclass(frozen=True, slots=True)
class Throttle:
    free_failures: int
    window: timedelta = timedelta(minutes=15)
    first_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(minutes=5)

    def delay(self, failures: int) -> timedelta:
        """How long after the last failure the next attempt must wait."""
        if failures < self.free_failures:
            return timedelta(0)
        doublings = min(failures - self.free_failures, 20)  # 2**20 s is far past the cap
        return min(self.first_delay * (1 << doublings), self.max_delay)


IP_THROTTLE = Throttle(free_failures=10)
USERNAME_THROTTLE = Throttle(free_failures=3)


def throttle_wait(session: Session, *, ip: str, name_key: str, now: datetime) -> timedelta:
    """How much longer an attempt from ``ip`` for the username ``name_key`` (as the
    access log keeps it: casefolded) must wait; zero when it may go ahead."""
    wait = timedelta(0)
    for throttle, column, value in (
        (IP_THROTTLE, col(LoginAttempt.ip_address), ip),
        (USERNAME_THROTTLE, col(LoginAttempt.username_tried), name_key),
    ):
        failures, last = session.exec(
            select(func.count(), func.max(LoginAttempt.attempted_at)).where(
                column == value,
                col(LoginAttempt.attempted_at) > now - throttle.window,
                col(LoginAttempt.attempted_at) <= now,
                ~col(LoginAttempt.success),
            )
        ).one()
        if failures >= throttle.free_failures:
            wait = max(wait, last + throttle.delay(failures) - now)
    return wait


def wait_words(wait: timedelta) -> str:
    """The wait as a parent reads it: whole minutes, rounded up."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"

"""Business time for many instants at once, for the service-level figures.

The district's calendar (services/sla) answers one question at a time with datetimes;
the figures ask it for 100,000 instants given as epoch seconds. ``BusinessClock`` lays
the calendar's business days over a window of dates once (a few hundred entries),
then measures each instant with a bisect and two list lookups, no datetime built.
``elapsed(t)`` is the business time from the window's start to ``t``, so the business
time between two instants is a difference of two of them.

A test checks it against ``BusinessCalendar.business_seconds`` over weekends, public
holidays, closure days and DST changes.
"""

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from itertools import repeat
from operator import sub
from typing import Protocol
from zoneinfo import ZoneInfo


class Calendar(Protocol):
    """What the figures use of the district's BusinessCalendar."""

    zone: ZoneInfo
    first_day: date
    last_day: date
    day_seconds: float

    def is_open(self, moment: datetime) -> bool: ...


class BusinessClock:
    def __init__(
        self, calendar: Calendar, *, opens: time, closes: time, first: date, last: date
    ) -> None:
        first, last = max(first, calendar.first_day), min(last, calendar.last_day)
        self.day_seconds = calendar.day_seconds
        #: (day, open, close) in epoch seconds, for each business day in the window
        self.days: list[tuple[date, float, float]] = []
        day = first
        while day <= last:
            opening = datetime.combine(day, opens, calendar.zone)
            if calendar.is_open(opening):
                closing = datetime.combine(day, closes, calendar.zone)
                self.days.append((day, opening.timestamp(), closing.timestamp()))
            day += timedelta(days=1)
        # Indexed by bisect_right(self._opens, t), which is at least 1 thanks to the
        # -inf sentinel: elapsed(t) = min(t - shift, after) of the last opening <= t.
        self._opens = [-math.inf]
        self._shift = [-math.inf, -math.inf]  # before the first opening: min(inf, 0) = 0
        self._after = [0.0, 0.0]
        self._before: list[float] = []  # business seconds before each day's opening
        total = 0.0
        for _, start, end in self.days:
            self._opens.append(start)
            self._shift.append(start - total)
            self._before.append(total)
            total += end - start
            self._after.append(total)

    def elapsed(self, moments: Iterable[float]) -> list[float]:
        """Business seconds from the window's start to each instant (epoch seconds):
        a bisect over the days' openings per instant, the rest two list lookups, each
        step mapped over all the instants at once (no Python call per instant)."""
        instants = list(moments)
        spans = list(map(bisect_right, repeat(self._opens), instants))
        shifted = map(sub, instants, map(self._shift.__getitem__, spans))
        return list(map(min, shifted, map(self._after.__getitem__, spans)))

    def between(self, start: float, end: float) -> float:
        """Business seconds from ``start`` to ``end`` (epoch seconds)."""
        a, b = self.elapsed((start, end))
        return b - a

    def latest_with(self, elapsed: float) -> float:
        """The latest instant whose ``elapsed`` is at most ``elapsed``: the instant that
        much business time into the window, or, when that is a closing time, the next
        opening (an instant in between has the same business time behind it)."""
        if not self.days or elapsed < 0:
            return -math.inf
        i = bisect_right(self._after, elapsed, lo=2) - 2  # the first day ending after it
        if i >= len(self.days):
            return math.inf
        return self.days[i][1] + (elapsed - self._before[i])


def percentile(ordered: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted values: the smallest value at least
    ``share`` of them are at or under (p90 of 10 values is the 9th)."""
    if not ordered:
        return None
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def median(ordered: Sequence[float]) -> float | None:
    """The middle of sorted values; the mean of the two middle ones for an even count."""
    n = len(ordered)
    if not n:
        return None
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def counts_up_to(ordered: Sequence[float], limits: Iterable[float]) -> list[int]:
    """How many sorted values are at or under each limit."""
    return [bisect_right(ordered, limit) for limit in limits]

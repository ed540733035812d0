"""How times, flags and statuses read on screen."""

from datetime import datetime


def when(moment: datetime | None, empty: str = "—") -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else empty


def day(moment: datetime | None, empty: str = "—") -> str:
    return moment.strftime("%Y-%m-%d") if moment else empty


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"

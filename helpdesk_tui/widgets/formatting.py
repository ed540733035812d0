"""How times, flags and statuses read on screen."""

from datetime import datetime


def when(moment: datetime | None, empty: str = "—") -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else empty


def day(moment: datetime | None, empty: str = "—") -> str:
    return moment.strftime("%Y-%m-%d") if moment else empty


_SCHOOL_WORDS = (
    (" Elementary School", " Elem."),
    (" Middle School", " MS"),
    (" High School", " HS"),
)


def short_school(name: str) -> str:
    """ "Riverbend Central High School" -> "Riverbend Central HS", for narrow columns."""
    for long, short in _SCHOOL_WORDS:
        if name.endswith(long):
            return name[: -len(long)] + short
    return name

"""How times, flags, statuses and text from outside read on screen."""

from datetime import datetime

from rich.text import Text
from textual.content import Content

from helpdesk_tui.services.kernel.text import clean_text
from helpdesk_tui.services.kernel.text import count_of as count_of  # for the screens


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


def time_left(seconds: float) -> str:
    """Business time as staff read it, in business hours and minutes: "7 h 40 min
    left", "25 min left", "2 h 05 min late", "41 h late" (no "days": a business day is
    8 hours, and "1d" read as 24). At most 15 characters."""
    if 0 <= seconds < 60:
        return "due now"  # includes "at the next opening" when the helpdesk is closed
    hours, mins = divmod(int(abs(seconds) // 60), 60)
    text = f"{hours} h" if hours >= 10 else f"{hours} h {mins:02d} min" if hours else f"{mins} min"
    return f"{text} late" if seconds < 0 else f"{text} left"


def plain(value: object, *, style: str = "", multiline: bool = False) -> Text:
    """A value from the database (a name, an address, an email's subject) for a table
    cell or a line: shown exactly as written, never read as markup ("[red]" stays
    "[red]"), and without control characters or direction overrides."""
    return Text(clean_text(str(value), multiline=multiline), style=style, end="")


def plain_content(value: object, *, multiline: bool = False) -> Content:
    """``plain`` for a Static, Label or border title."""
    return Content(clean_text(str(value), multiline=multiline))


def markup(template: str, **values: object) -> Content:
    """Markup written here with values from the database put in as plain text:
    ``markup("Issued to [b]$name[/b]", name=k.guardian_name)``. A value is never read
    as markup, whatever it holds."""
    return Content.from_markup(template, **{k: clean_text(str(v)) for k, v in values.items()})

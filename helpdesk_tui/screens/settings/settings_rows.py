"""The settings screen's tables: what each section lists, a row per setting (or per
holiday, closure, busy period and target), with what the screen needs to act on it."""

from dataclasses import dataclass

from rich.text import Text

from helpdesk_tui.services.sla import (
    CalendarOverview,
    ClosureRange,
    DuePreview,
    PublicHoliday,
)
from helpdesk_tui.services.staff import DeskPolicy
from helpdesk_tui.services.verification import VerificationPolicy
from helpdesk_tui.vocabulary import Priority, Proof
from helpdesk_tui.widgets.formatting import plain

# A row: what it stands for (a setting's key, a holiday, a closure ...) and its cells.
Row = tuple[object, tuple[str | Text, ...]]


@dataclass(frozen=True, slots=True)
class Loaded:
    policy: VerificationPolicy
    desks: DeskPolicy
    overview: CalendarOverview
    preview: DuePreview


def minutes_text(minutes: int) -> str:
    """Business time: '8 h', '1 h 30 min', '45 min'."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest:02d} min"


# Short enough for the value column at 80 columns; the edit dialog gives the long words.
_PROOF_WORDS: dict[str, str] = {
    Proof.EMAIL_CODE: "emailed code",
    Proof.CALLBACK: "callback",
    Proof.PHOTO_ID: "photo ID",
}


def verification_rows(p: VerificationPolicy) -> list[Row]:
    return [
        ("screening", ("Screening answers that must match", str(p.screening_required))),
        ("proofs", ("Proofs accepted", ", ".join(_PROOF_WORDS.get(x, x) for x in p.proofs))),
        ("pass", ("A pass lasts", f"{p.pass_minutes} min")),
        ("failures", ("Failures in 24 h that block a guardian", str(p.failure_limit))),
    ]


def desk_rows(d: DeskPolicy) -> list[Row]:
    return [
        ("lockout", ("Wrong passwords before a staff account locks", str(d.lockout_threshold))),
        ("idle", ("Idle minutes before a desk locks", f"{d.idle_lock_minutes} min")),
    ]


def hours_rows(o: CalendarOverview) -> list[Row]:
    where = f"{o.country}-{o.subdivision}" if o.subdivision else o.country
    return [
        ("hours", ("Opens", o.hours_open)),
        ("hours", ("Closes", o.hours_close)),
        ("hours", ("Business days", f"{o.days_label} ({o.business_days})")),
        ("fixed", ("Time zone", o.time_zone)),
        ("fixed", ("Public holidays of", where)),
    ]


# What the helpdesk does on a public holiday, in few words (80 columns).
HOLIDAY_STATES = {"closed": "closed", "open": "open (worked)", "weekend": "weekend"}


def calendar_rows(o: CalendarOverview) -> list[Row]:
    """The year's public holidays and district closures, by date."""
    entries: list[tuple[object, object]] = [(h.day, h) for h in o.holidays]
    entries += [(c.first_day, c) for c in o.closures]
    rows: list[Row] = []
    for _, entry in sorted(entries, key=lambda e: (e[0], isinstance(e[1], ClosureRange))):
        if isinstance(entry, PublicHoliday):
            style = "green" if entry.state == "open" else ""
            rows.append(
                (
                    entry,
                    (
                        f"{entry.day:%a} {entry.day.day} {entry.day:%b}",
                        plain(entry.name),
                        plain(HOLIDAY_STATES.get(entry.state, entry.state), style=style),
                    ),
                )
            )
        elif isinstance(entry, ClosureRange):
            first, last = entry.first_day, entry.last_day
            span = (
                f"{first:%a} {first.day} {first:%b}"
                if first == last
                else f"{first.day} {first:%b}-{last.day} {last:%b}"
            )
            days = "1 day" if entry.days == 1 else f"{entry.days} days"
            rows.append(
                (entry, (span, plain(entry.name), plain(f"closed, {days}", style="yellow")))
            )
    return rows


def busy_rows(o: CalendarOverview) -> list[Row]:
    return [
        (
            b,
            (
                plain(b.name),
                f"{b.first_day:%a} {b.first_day:%Y-%m-%d}",
                f"{b.last_day:%a} {b.last_day:%Y-%m-%d}",
                f"{b.stretch_percent}%",
            ),
        )
        for b in o.busy_periods
    ]


def target_rows(o: CalendarOverview) -> list[Row]:
    return [
        (
            t,
            (
                t.label + (" (built in)" if t.built_in else ""),
                Priority.label_of(t.priority),
                minutes_text(t.first_response_minutes),
                minutes_text(t.resolution_minutes),
            ),
        )
        for t in o.targets
    ]

"""What each setting's dialog asks for, how it is previewed and how it is saved: one
``Edit`` per kind of change. Values are read from the boxes inside the worker, so a
value that cannot be read (a date typed wrong) comes back as a refusal in words."""

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from helpdesk_tui.screens.settings.edit_dialog import Checked, Edit, Field, Values
from helpdesk_tui.services.kernel.actors import StaffMember
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.sla import (
    BusyLine,
    CalendarChange,
    CalendarChanged,
    CalendarOverview,
    CloseDays,
    ClosureRange,
    DropBusyPeriod,
    NewBusyPeriod,
    NewHours,
    NewTarget,
    OpenOnHoliday,
    PublicHoliday,
    ReopenDays,
    TargetLine,
    add_busy_period,
    close_on_holiday,
    close_range,
    import_ics,
    open_on_holiday,
    preview_due,
    read_ics_file,
    remove_busy_period,
    reopen_days,
    set_business_hours,
    set_target,
)
from helpdesk_tui.services.staff import DeskPolicy, check_desk_policy, set_desk_policy
from helpdesk_tui.services.verification import VerificationPolicy, check_policy, set_policy
from helpdesk_tui.vocabulary import Category, Priority, Proof


def whole(text: str, what: str) -> int:
    value = text.strip()
    if not value.isdigit() or len(value) > 6:
        raise DomainError(f"{what}: type a whole number (got '{value[:20]}').")
    return int(value)


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_of(text: str, what: str) -> date:
    value = text.strip()
    try:
        if _DAY.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise DomainError(f"{what}: type a date as YYYY-MM-DD, e.g. 2026-12-21 (got '{value[:20]}').")


def day_words(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


Check = Callable[[Values], Callable[[Any], Checked]]
Save = Callable[[Values], Callable[[Any], str]]


def _previewed(change: Callable[[Values], CalendarChange], now: datetime) -> Check:
    """The check of a calendar change: the due times of a new ticket with it."""

    def check(values: Values) -> Callable[[Any], Checked]:
        def run(s: Any) -> Checked:
            made: CalendarChange = change(values)
            shown = preview_due(
                s,
                category=values.get("category", "other"),
                priority=values.get("priority", "normal"),
                change=made,
                now=now,
            )
            return Checked(shown.line, shown.moves_due_dates)

        return run

    return check


def _saved(call: Callable[[Any, Values], CalendarChanged]) -> Save:
    """The save of a calendar change: the service's own words, re-timed tickets too."""
    return lambda values: lambda s: call(s, values).message


# -- policies ------------------------------------------------------------------------
POLICY_FIELDS = {
    "screening": ("Screening answers that must match", "screening_required"),
    "proofs": ("Proofs accepted", "proofs"),
    "pass": ("Minutes a pass lasts", "pass_minutes"),
    "failures": ("Failures in 24 hours that block a guardian", "failure_limit"),
}


def policy_edit(staff: StaffMember, key: str, policy: VerificationPolicy) -> Edit:
    label, name = POLICY_FIELDS[key]
    current = ",".join(policy.proofs) if key == "proofs" else str(getattr(policy, name))

    def wanted(values: Values) -> dict[str, Any]:
        text = values["value"]
        if key == "proofs":
            return {"proofs": tuple(p.strip() for p in text.split(",") if p.strip())}
        return {name: whole(text, label)}

    explanation = (
        "One or more, separated by commas: "
        + "; ".join(f"{p.value} ({p.label})" for p in Proof)
        + "."
        if key == "proofs"
        else "Takes effect for the next verification."
    )
    return Edit(
        title=f"Verification policy: {label.lower()}",
        explanation=explanation,
        fields=(Field("value", label, current),),
        check=lambda values: (
            lambda s: Checked("After saving: " + check_policy(s, **wanted(values)).describe() + ".")
        ),
        save=lambda values: (
            lambda s: "Policy now: " + set_policy(s, actor=staff, **wanted(values)).describe() + "."
        ),
    )


DESK_FIELDS = {
    "lockout": ("Wrong passwords before a staff account locks", "lockout_threshold"),
    "idle": ("Idle minutes before a desk locks", "idle_lock_minutes"),
}


def desk_edit(staff: StaffMember, key: str, policy: DeskPolicy) -> Edit:
    label, name = DESK_FIELDS[key]

    def wanted(values: Values) -> dict[str, int | None]:
        value = whole(values["value"], label)
        return {
            "lockout_threshold": value if key == "lockout" else None,
            "idle_lock_minutes": value if key == "idle" else None,
        }

    return Edit(
        title=f"Desks: {label.lower()}",
        explanation="Counts from the next sign-in attempt."
        if key == "lockout"
        else "Each desk reads it when someone signs in there.",
        fields=(Field("value", label, str(getattr(policy, name))),),
        check=lambda values: (
            lambda s: Checked(
                "After saving: " + check_desk_policy(s, **wanted(values)).describe() + "."
            )
        ),
        save=lambda values: (
            lambda s: (
                "Desk policy now: "
                + set_desk_policy(s, actor=staff, now=None, **wanted(values)).describe()
                + "."
            )
        ),
    )


# -- hours ---------------------------------------------------------------------------
def hours_edit(staff: StaffMember, o: CalendarOverview, now: datetime) -> Edit:
    def change(v: Values) -> NewHours:
        return NewHours(v["open"], v["close"], v["days"])

    return Edit(
        title="Business hours",
        explanation=f"Local time ({o.time_zone}). Days as digits, 1 = Monday: 12345 is "
        "Monday to Friday.",
        fields=(
            Field("open", "Opens (HH:MM)", o.hours_open, max_length=5),
            Field("close", "Closes (HH:MM)", o.hours_close, max_length=5),
            Field("days", "Business days", o.business_days, max_length=7),
        ),
        check=_previewed(change, now),
        save=_saved(
            lambda s, v: set_business_hours(
                s,
                actor=staff,
                hours_open=v["open"],
                hours_close=v["close"],
                business_days=v["days"],
            )
        ),
    )


# -- holidays and closures -----------------------------------------------------------
def holiday_edit(staff: StaffMember, holiday: PublicHoliday, now: datetime) -> Edit:
    day, opening = holiday.day, holiday.state != "open"
    verb = "Open on" if opening else "Close again on"
    service = open_on_holiday if opening else close_on_holiday
    return Edit(
        title=f"{verb} {holiday.name}, {day_words(day)}?",
        explanation="The helpdesk works this public holiday all the same: it counts as a "
        "business day."
        if opening
        else "The helpdesk closes on this public holiday again.",
        fields=(),
        check=_previewed(lambda _v: OpenOnHoliday(day, opening), now),
        save=_saved(lambda s, _v: service(s, actor=staff, day=day)),
        confirm="Open" if opening else "Close",
    )


def closure_edit(staff: StaffMember, now: datetime) -> Edit:
    def change(v: Values) -> CloseDays:
        return CloseDays(day_of(v["first"], "First day"), day_of(v["last"], "Last day"), v["name"])

    return Edit(
        title="Close a day or a range (a winter break)",
        explanation="Business days only are added: weekends and public holidays in the range "
        "are closed anyway.",
        fields=(
            Field("first", "First day (YYYY-MM-DD)", "", "2026-12-21", max_length=10),
            Field("last", "Last day (YYYY-MM-DD)", "", "2027-01-01", max_length=10),
            Field("name", "Name", "", "Winter break", max_length=120),
        ),
        check=_previewed(change, now),
        save=_saved(
            lambda s, v: close_range(
                s,
                actor=staff,
                first_day=day_of(v["first"], "First day"),
                last_day=day_of(v["last"], "Last day"),
                name=v["name"],
            )
        ),
        confirm="Close",
    )


def reopen_edit(staff: StaffMember, closure: ClosureRange, now: datetime) -> Edit:
    first, last = closure.first_day, closure.last_day
    span = day_words(first) if first == last else f"{day_words(first)} to {day_words(last)}"
    return Edit(
        title=f"Reopen {span}?",
        explanation=f"The district closure {closure.name} is removed: these days are business "
        "days again.",
        fields=(),
        check=_previewed(lambda _v: ReopenDays(first, last), now),
        save=_saved(lambda s, _v: reopen_days(s, actor=staff, first_day=first, last_day=last)),
        confirm="Reopen",
    )


def import_edit(staff: StaffMember) -> Edit:
    def dry_run(values: Values) -> Callable[[Any], Checked]:
        def run(s: Any) -> Checked:
            path = values["path"].strip()
            if not path:
                raise DomainError("Type the path of the district calendar's .ics file.")
            data = read_ics_file(Path(path).expanduser())
            found = import_ics(s, actor=staff, data=data, file_name=Path(path).name, dry_run=True)
            return Checked("\n".join([found.message, *found.lines]), found.days_added > 0)

        return run

    def save(values: Values) -> Callable[[Any], str]:
        def run(s: Any) -> str:
            path = Path(values["path"].strip()).expanduser()
            done = import_ics(s, actor=staff, data=read_ics_file(path), file_name=path.name)
            return done.message

        return run

    return Edit(
        title="Import the district calendar (.ics)",
        explanation="All-day events become closure days (a multi-day event, a range). What "
        "would change is listed before anything is saved.",
        fields=(Field("path", "File", "", "~/Downloads/district.ics", max_length=1000),),
        check=dry_run,
        save=save,
        confirm="Import",
    )


# -- busy periods and targets --------------------------------------------------------
def busy_edit(staff: StaffMember, now: datetime) -> Edit:
    def change(v: Values) -> NewBusyPeriod:
        return NewBusyPeriod(
            v["name"],
            day_of(v["first"], "First day"),
            day_of(v["last"], "Last day"),
            whole(v["stretch"], "Targets (%)"),
        )

    def save(s: Any, v: Values) -> CalendarChanged:
        made = change(v)
        return add_busy_period(
            s,
            actor=staff,
            name=made.name,
            first_day=made.first_day,
            last_day=made.last_day,
            stretch_percent=made.stretch_percent,
        )

    return Edit(
        title="Add a busy period",
        explanation="Tickets arriving in it get longer targets (150% is half as long again); "
        "the queue shows a banner.",
        fields=(
            Field("name", "Name", "", "School opening", max_length=120),
            Field("first", "First day (YYYY-MM-DD)", "", "2027-08-16", max_length=10),
            Field("last", "Last day (YYYY-MM-DD)", "", "2027-08-27", max_length=10),
            Field("stretch", "Targets (% of normal)", "150", max_length=3),
        ),
        check=_previewed(change, now),
        save=_saved(save),
        confirm="Add",
    )


def unbusy_edit(staff: StaffMember, busy: BusyLine, now: datetime) -> Edit:
    busy_id = busy.busy_id
    return Edit(
        title=f"Remove the busy period {busy.name}?",
        explanation=f"{day_words(busy.first_day)} to {day_words(busy.last_day)}, targets at "
        f"{busy.stretch_percent}%: targets are normal again.",
        fields=(),
        check=_previewed(lambda _v: DropBusyPeriod(busy_id), now),
        save=_saved(lambda s, _v: remove_busy_period(s, actor=staff, busy_id=busy_id)),
        confirm="Remove",
    )


CATEGORIES = (("*", "every category"), *((c.value, c.label) for c in Category))
PRIORITIES = tuple((p.value, p.label) for p in Priority)


def target_edit(staff: StaffMember, line: TargetLine | None, now: datetime) -> Edit:
    def change(v: Values) -> NewTarget:
        return NewTarget(
            v["category"],
            v["priority"],
            whole(v["first"], "First response (minutes)"),
            whole(v["resolution"], "Resolution (minutes)"),
        )

    def save(s: Any, v: Values) -> CalendarChanged:
        made = change(v)
        return set_target(
            s,
            actor=staff,
            category=made.category,
            priority=made.priority,
            first_response_minutes=made.first_response_minutes,
            resolution_minutes=made.resolution_minutes,
        )

    return Edit(
        title="Service target",
        explanation="Business minutes (480 is one 8-hour business day); a category without "
        "its own target takes every category's.",
        fields=(
            Field("category", "Category", line.category if line else "*", choices=CATEGORIES),
            Field("priority", "Priority", line.priority if line else "normal", choices=PRIORITIES),
            Field(
                "first",
                "First response (minutes)",
                str(line.first_response_minutes) if line else "",
                max_length=6,
            ),
            Field(
                "resolution",
                "Resolution (minutes)",
                str(line.resolution_minutes) if line else "",
                max_length=6,
            ),
        ),
        check=_previewed(change, now),
        save=_saved(save),
    )

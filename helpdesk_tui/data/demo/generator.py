"""Generates a demo district as batches of plain row tuples, family by family.

Everything follows from (seed, guardians, now): the same arguments give the same
district. Rows are tuples in the column order of ``COLUMNS`` so a bulk writer can
stream them (executemany on SQLite, COPY on PostgreSQL) without ORM objects.
"""

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from helpdesk_tui.data.demo import names
from helpdesk_tui.data.key_codec import format_key, key_digest, key_last4
from helpdesk_tui.data.normalize import fold
from helpdesk_tui.data.search_index import GuardianText, guardian_terms

COLUMNS: dict[str, tuple[str, ...]] = {
    "guardian": (
        "id",
        "first_name",
        "last_name",
        "email",
        "alt_email",
        "mobile_phone",
        "home_phone",
        "work_phone",
        "address_line",
        "city",
        "state",
        "postal_code",
        "preferred_language",
        "active",
    ),
    "household": ("id", "name", "address_line", "city", "phone"),
    "student": (
        "id",
        "student_number",
        "first_name",
        "last_name",
        "birth_date",
        "grade",
        "school_id",
        "enrolled_this_year",
        "enrolled_next_year",
        "active",
    ),
    "household_member": ("id", "household_id", "guardian_id", "student_id"),
    "guardian_student": (
        "id",
        "guardian_id",
        "student_id",
        "relation",
        "is_guardian",
        "portal_access",
        "restricted",
    ),
    "portal_account": (
        "id",
        "kind",
        "guardian_id",
        "student_id",
        "username",
        "username_key",
        "status",
        "failed_login_count",
        "disabled_at",
        "disabled_reason",
        "last_login_at",
        "created_at",
        "security_email",
        "security_email_verified",
        "security_email_verified_at",
    ),
    "activation_key": (
        "id",
        "guardian_id",
        "digest",
        "last4",
        "status",
        "issued_at",
        "issued_by_staff_id",
        "expires_at",
        "redeemed_at",
        "redeemed_by_account_id",
        "revoked_at",
        "revoked_by_staff_id",
        "revoke_reason",
    ),
    "login_attempt": (
        "id",
        "account_id",
        "username_tried",
        "attempted_at",
        "ip_address",
        "success",
    ),
    "search_term": ("id", "term", "guardian_id", "kind"),
}
# Insert order: parents before children.
TABLE_ORDER = tuple(COLUMNS)

SCHOOL_COUNTS = {"elementary": 14, "middle": 5, "high": 3}
GRADES = {"elementary": (0, 5), "middle": (6, 8), "high": (9, 12)}
DEMO_PASSWORD = "demo-password"
DISABLED_REASON = "5 consecutive failed logins"
KEY_VALID_DAYS = 90
# Account states by share of guardians (the rest have no account and no key).
STATES = (
    ("active", 0.58),
    ("disabled", 0.04),
    ("key_outstanding", 0.18),
    ("key_expired", 0.04),
    ("wrong_member", 0.02),
)


def demo_key(seed: int, key_id: int) -> str:
    """The clear text of demo key ``key_id``: derivable, so the demo can be tried
    (`helpdesk db seed-demo` prints a few). Real keys come from key_codec.new_key()."""
    raw = bytearray(hashlib.sha256(f"demo-key:{seed}:{key_id}".encode()).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x40  # uuid4 version and variant bits
    raw[8] = (raw[8] & 0x3F) | 0x80
    return format_key(raw.hex())


@dataclass
class Batch:
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    guardians: int = 0


@dataclass
class _Ids:
    counters: dict[str, int] = field(default_factory=lambda: {t: 0 for t in COLUMNS})

    def next(self, table: str) -> int:
        self.counters[table] += 1
        return self.counters[table]


@dataclass
class _Person:
    id: int
    first: str
    last: str
    relation: str = ""
    students: list[tuple[str, str, str]] = field(default_factory=list)
    emails: tuple[str | None, ...] = ()
    phones: tuple[str | None, ...] = ()
    username: str | None = None

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None


@dataclass(frozen=True)
class SampleKeys:
    """Clear-text demo keys worth trying in the lookup box."""

    outstanding: list[str] = field(default_factory=list)
    redeemed_by_other_member: list[str] = field(default_factory=list)


class DistrictGenerator:
    def __init__(
        self,
        *,
        seed: int,
        guardians: int,
        now: datetime | None = None,
        school_ids: dict[str, list[int]],
        school_year_start: int,
        batch_guardians: int = 5000,
    ) -> None:
        self.seed = seed
        self.total = guardians
        self.now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
        self.rng = random.Random(seed)
        self.school_ids = school_ids
        self.year_start = school_year_start
        self.batch_guardians = batch_guardians
        self.ids = _Ids()
        self.samples = SampleKeys()

    # -- batches -----------------------------------------------------------------
    def batches(self) -> Iterator[Batch]:
        made = 0
        batch = Batch()
        while made < self.total:
            made += self._family(batch, self.total - made)
            if batch.guardians >= self.batch_guardians:
                yield batch
                batch = Batch()
        if batch.guardians:
            yield batch

    # -- one family ----------------------------------------------------------------
    def _family(self, batch: Batch, room: int) -> int:
        rng = self.rng
        spanish = rng.random() < 0.45
        last = self._last_name(spanish)
        zone = rng.randrange(1000)
        city, postal = rng.choice(names.CITIES)
        address = (
            f"{rng.randint(100, 4999)} {rng.choice(names.STREETS)} {rng.choice(names.STREET_KINDS)}"
        )
        home_phone = self._phone()
        lang = "es" if spanish and rng.random() < 0.55 else "en"

        students = [
            self._student(
                batch, last if rng.random() < 0.9 else self._last_name(spanish), spanish, zone
            )
            for _ in range(rng.choices((1, 2, 3, 4), (45, 35, 15, 5))[0])
        ]
        split = rng.random() < 0.10 and room >= 2
        mother_first = rng.choice(
            names.SPANISH_FIRST_FEMALE if spanish else names.ENGLISH_FIRST_FEMALE
        )
        father_first = rng.choice(names.SPANISH_FIRST_MALE if spanish else names.ENGLISH_FIRST_MALE)
        households: list[tuple[int, list[_Person]]] = []

        # First household: one or two parents, sometimes a grandparent.
        first_home: list[_Person] = []
        parents = 2 if rng.random() < 0.7 and room >= 2 else 1
        mother_last = last if rng.random() < 0.6 else self._last_name(spanish)
        first_home.append(_Person(0, mother_first, mother_last, "mother"))
        if parents == 2 and not split:
            first_home.append(_Person(0, father_first, last, "father"))
        if rng.random() < 0.04 and room > len(first_home):
            grand = rng.choice(
                names.SPANISH_FIRST_FEMALE if spanish else names.ENGLISH_FIRST_FEMALE
            )
            first_home.append(_Person(0, grand, self._last_name(spanish), "grandmother"))
        households.append(
            (
                self._household(batch, f"{mother_last} household", address, city, home_phone),
                first_home,
            )
        )
        if split:
            # Blended family: the children live in two households, each with a parent
            # and sometimes a step-parent.
            second_home = [_Person(0, father_first, last, "father")]
            if rng.random() < 0.5 and room >= len(first_home) + 2:
                step = rng.choice(
                    names.SPANISH_FIRST_FEMALE if spanish else names.ENGLISH_FIRST_FEMALE
                )
                second_home.append(_Person(0, step, self._last_name(spanish), "stepmother"))
            if rng.random() < 0.5 and room >= len(first_home) + len(second_home) + 1:
                step = rng.choice(names.SPANISH_FIRST_MALE if spanish else names.ENGLISH_FIRST_MALE)
                first_home.append(_Person(0, step, self._last_name(spanish), "stepfather"))
            other_address = f"{rng.randint(100, 4999)} {rng.choice(names.STREETS)} {rng.choice(names.STREET_KINDS)}"
            households.append(
                (
                    self._household(batch, f"{last} household", other_address, city, self._phone()),
                    second_home,
                )
            )

        made = 0
        for household_id, people in households:
            for student_id, *_ in students:
                batch.rows["household_member"].append(
                    (self.ids.next("household_member"), household_id, None, student_id)
                )
            restricted_parent = split and rng.random() < 0.08
            for person in people:
                if made >= room:
                    break
                person.id = self._guardian(batch, person, address, city, postal, home_phone, lang)
                made += 1
                batch.rows["household_member"].append(
                    (self.ids.next("household_member"), household_id, person.id, None)
                )
                is_step = person.relation.startswith("step")
                is_restricted = restricted_parent and person.relation == "father"
                for student_id, s_first, s_last, number in students:
                    batch.rows["guardian_student"].append(
                        (
                            self.ids.next("guardian_student"),
                            person.id,
                            student_id,
                            person.relation,
                            not is_step,
                            (not is_step) or rng.random() < 0.5,
                            is_restricted,
                        )
                    )
                    person.students.append((s_first, s_last, number))
        family = [p for _, people in households for p in people if p.id]
        for person in family:
            self._portal_state(batch, person, family)
        for person in family:
            self._terms(batch, person)
        batch.guardians += made
        return made

    def _last_name(self, spanish: bool) -> str:
        rng = self.rng
        if spanish and rng.random() < 0.15:
            return f"{rng.choice(names.SPANISH_LAST)} {rng.choice(names.SPANISH_LAST)}"
        return rng.choice(names.SPANISH_LAST if spanish else names.ENGLISH_LAST)

    def _phone(self) -> str:
        rng = self.rng
        return (
            f"({rng.choice(names.AREA_CODES)}) {rng.randint(201, 989)}-{rng.randint(0, 9999):04d}"
        )

    def _household(self, batch: Batch, name: str, address: str, city: str, phone: str) -> int:
        household_id = self.ids.next("household")
        batch.rows["household"].append((household_id, name, address, city, phone))
        return household_id

    def _student(
        self, batch: Batch, last: str, spanish: bool, zone: int
    ) -> tuple[int, str, str, str]:
        rng = self.rng
        female = rng.random() < 0.5
        pool = (
            (names.SPANISH_FIRST_FEMALE if female else names.SPANISH_FIRST_MALE)
            if spanish
            else (names.ENGLISH_FIRST_FEMALE if female else names.ENGLISH_FIRST_MALE)
        )
        first = rng.choice(pool)
        grade = rng.randint(0, 12)
        level = "elementary" if grade <= 5 else "middle" if grade <= 8 else "high"
        schools = self.school_ids[level]
        school_id = schools[zone % len(schools)]
        born = date(self.year_start - 6 - grade, 9, 1) + timedelta(days=rng.randrange(365))
        student_id = self.ids.next("student")
        number = str(2_000_000 + student_id)
        roll = rng.random()
        this_year, next_year = (
            (True, grade < 12) if roll < 0.95 else (False, True) if roll < 0.98 else (False, False)
        )
        batch.rows["student"].append(
            (student_id, number, first, last, born, grade, school_id, this_year, next_year, True)
        )
        if grade >= 6 and this_year:
            # Grades 6-12 get their own portal account at enrollment (numeric username).
            batch.rows["portal_account"].append(
                (
                    self.ids.next("portal_account"),
                    "student",
                    None,
                    student_id,
                    number,
                    number,
                    "active",
                    0,
                    None,
                    None,
                    None,
                    self._past(days=400),
                    None,
                    False,
                    None,
                )
            )
        return student_id, first, last, number

    def _guardian(
        self,
        batch: Batch,
        person: _Person,
        address: str,
        city: str,
        postal: str,
        home_phone: str,
        lang: str,
    ) -> int:
        rng = self.rng
        guardian_id = self.ids.next("guardian")
        local = "".join(ch for ch in fold(person.first + person.last) if ch.isalnum())[:20]
        email = (
            f"{local}{rng.randint(1, 999)}@{rng.choice(names.EMAIL_DOMAINS)}"
            if rng.random() < 0.93
            else None
        )
        alt_email = (
            f"{local}.work@{rng.choice(names.EMAIL_DOMAINS)}" if rng.random() < 0.12 else None
        )
        person.emails = (email, alt_email)
        person.phones = (
            self._phone(),
            home_phone if rng.random() < 0.6 else None,
            self._phone() if rng.random() < 0.2 else None,
        )
        batch.rows["guardian"].append(
            (
                guardian_id,
                person.first,
                person.last,
                *person.emails,
                *person.phones,
                address,
                city,
                "IL",
                postal,
                lang,
                True,
            )
        )
        return guardian_id

    # -- portal state --------------------------------------------------------------
    def _portal_state(self, batch: Batch, person: _Person, family: list[_Person]) -> None:
        rng = self.rng
        roll, state = rng.random(), "none"
        for name, share in STATES:
            if roll < share:
                state = name
                break
            roll -= share
        others = [p for p in family if p is not person]
        if state == "wrong_member" and not others:
            state = "active"
        if state == "none":
            return
        if state in ("key_outstanding", "key_expired"):
            issued = (
                self._past(days=60)
                if state == "key_outstanding"
                else self._past(days=400, at_least=100)
            )
            key_id = self._key(
                batch, person.id, "active" if state == "key_outstanding" else "expired", issued
            )
            if state == "key_outstanding" and len(self.samples.outstanding) < 3:
                self.samples.outstanding.append(demo_key(self.seed, key_id))
            return
        created = self._past(days=700, at_least=30)
        if rng.random() < 0.1:  # an earlier key, revoked when this one was issued
            self._key(
                batch,
                person.id,
                "revoked",
                created - timedelta(days=rng.randint(5, 40)),
                revoked=created - timedelta(days=1),
            )
        account_id = self.ids.next("portal_account")
        name_source = rng.choice(others) if state == "wrong_member" else person
        username = f"{''.join(ch for ch in fold(name_source.first[0] + name_source.last) if ch.isalnum())[:16]}{person.id}"
        person.username = username
        key_id = self._key(
            batch,
            person.id,
            "redeemed",
            created - timedelta(days=rng.randint(0, 20)),
            redeemed=(created, account_id),
        )
        if state == "wrong_member" and len(self.samples.redeemed_by_other_member) < 3:
            self.samples.redeemed_by_other_member.append(demo_key(self.seed, key_id))
        security = person.email if person.email and rng.random() < 0.75 else None
        verified = bool(security) and rng.random() < 0.8
        attempts = self._login_history(
            batch, account_id, username, created, disabled=state == "disabled"
        )
        last_login = max((t for t, ok in attempts if ok), default=None)
        disabled_at = attempts[-1][0] if state == "disabled" else None
        batch.rows["portal_account"].append(
            (
                account_id,
                "guardian",
                person.id,
                None,
                username,
                username.casefold(),
                "disabled" if state == "disabled" else "active",
                5 if state == "disabled" else 0,
                disabled_at,
                DISABLED_REASON if disabled_at else None,
                last_login,
                created,
                security,
                verified,
                created + timedelta(hours=2) if verified else None,
            )
        )

    def _key(
        self,
        batch: Batch,
        guardian_id: int,
        status: str,
        issued: datetime,
        *,
        redeemed: tuple[datetime, int] | None = None,
        revoked: datetime | None = None,
    ) -> int:
        key_id = self.ids.next("activation_key")
        key = demo_key(self.seed, key_id)
        redeemed_at, account_id = redeemed if redeemed else (None, None)
        batch.rows["activation_key"].append(
            (
                key_id,
                guardian_id,
                key_digest(key),
                key_last4(key),
                status,
                issued,
                None,
                issued + timedelta(days=KEY_VALID_DAYS),
                redeemed_at,
                account_id,
                revoked,
                None,
                "reissued at the guardian's request" if revoked else None,
            )
        )
        return key_id

    def _login_history(
        self, batch: Batch, account_id: int, username: str, created: datetime, *, disabled: bool
    ) -> list[tuple[datetime, bool]]:
        rng = self.rng
        times = sorted(
            created + (self.now - created) * rng.random() for _ in range(rng.randint(1, 4))
        )
        attempts = [(t, rng.random() < 0.85) for t in times]
        if disabled:
            start = self._past(days=20)
            attempts += [(start + timedelta(minutes=2 * i), False) for i in range(5)]
        ip = f"203.0.113.{rng.randint(1, 254)}"
        for when, ok in attempts:
            batch.rows["login_attempt"].append(
                (
                    self.ids.next("login_attempt"),
                    account_id,
                    username,
                    when,
                    ip if rng.random() < 0.8 else f"198.51.100.{rng.randint(1, 254)}",
                    ok,
                )
            )
        return attempts

    def _past(self, *, days: int, at_least: int = 0) -> datetime:
        return self.now - timedelta(
            days=self.rng.randint(at_least, days), minutes=self.rng.randrange(24 * 60)
        )

    # -- lookup index ------------------------------------------------------------------
    def _terms(self, batch: Batch, person: _Person) -> None:
        text = GuardianText(
            first_name=person.first,
            last_name=person.last,
            emails=person.emails,
            phones=person.phones,
            username=person.username,
            students=person.students,
        )
        for term, kind in guardian_terms(text).items():
            batch.rows["search_term"].append((self.ids.next("search_term"), term, person.id, kind))

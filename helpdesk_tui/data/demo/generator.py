"""Generates a demo district as batches of plain row tuples, family by family.

Everything follows from (seed, guardians, now): the same arguments give the same
district. Rows are tuples in the column order of ``COLUMNS`` so a bulk writer can
stream them (executemany on SQLite, COPY on PostgreSQL) without ORM objects.
"""

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from helpdesk_tui.data.demo import names
from helpdesk_tui.data.demo.portal_history import PortalHistory
from helpdesk_tui.data.demo.rows import Batch, Person, RowIds, SampleKeys
from helpdesk_tui.data.normalize import fold
from helpdesk_tui.data.search_index import GuardianText, guardian_terms


class DistrictGenerator(PortalHistory):
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
        self.ids = RowIds()
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
        households: list[tuple[int, list[Person]]] = []

        # First household: one or two parents, sometimes a grandparent.
        first_home: list[Person] = []
        parents = 2 if rng.random() < 0.7 and room >= 2 else 1
        mother_last = last if rng.random() < 0.6 else self._last_name(spanish)
        first_home.append(Person(0, mother_first, mother_last, "mother"))
        if parents == 2 and not split:
            first_home.append(Person(0, father_first, last, "father"))
        if rng.random() < 0.04 and room > len(first_home):
            grand = rng.choice(
                names.SPANISH_FIRST_FEMALE if spanish else names.ENGLISH_FIRST_FEMALE
            )
            first_home.append(Person(0, grand, self._last_name(spanish), "grandmother"))
        households.append(
            (
                self._household(batch, f"{mother_last} household", address, city, home_phone),
                first_home,
            )
        )
        if split:
            # Blended family: the children live in two households, each with a parent
            # and sometimes a step-parent.
            second_home = [Person(0, father_first, last, "father")]
            if rng.random() < 0.5 and room >= len(first_home) + 2:
                step = rng.choice(
                    names.SPANISH_FIRST_FEMALE if spanish else names.ENGLISH_FIRST_FEMALE
                )
                second_home.append(Person(0, step, self._last_name(spanish), "stepmother"))
            if rng.random() < 0.5 and room >= len(first_home) + len(second_home) + 1:
                step = rng.choice(names.SPANISH_FIRST_MALE if spanish else names.ENGLISH_FIRST_MALE)
                first_home.append(Person(0, step, self._last_name(spanish), "stepfather"))
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
                    None,  # student passwords live in the SIS
                )
            )
        return student_id, first, last, number

    def _guardian(
        self,
        batch: Batch,
        person: Person,
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
    # -- lookup index ------------------------------------------------------------------
    def _terms(self, batch: Batch, person: Person) -> None:
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

"""The shapes the demo generator produces: row tuples per table, in batches."""

import hashlib
from dataclasses import dataclass, field

from helpdesk_tui.data.bulk_load import RowValues
from helpdesk_tui.data.key_codec import format_key

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
        "sis_restricted",
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
        "password_hash",
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
# Every demo guardian login has this portal password, so `helpdesk portal login --demo`
# can be rehearsed. Its argon2 hash is a constant: hashing at each seed would cost time
# and make two seeds of one district differ.
DEMO_PORTAL_PASSWORD = "Portal-demo-1"
DEMO_PORTAL_PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$hzG2FWeepCXG99Z36xnA8A$4nNex9SlNFl3VexCP6/cBwUys+/5g6C5SN3G4szH5jA"
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
    rows: dict[str, list[RowValues]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    guardians: int = 0


@dataclass
class RowIds:
    counters: dict[str, int] = field(default_factory=lambda: {t: 0 for t in COLUMNS})

    def next(self, table: str) -> int:
        self.counters[table] += 1
        return self.counters[table]


@dataclass
class Person:
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

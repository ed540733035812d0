"""The portal's side: accounts, activation keys and the access log."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

from helpdesk_tui.data.tables.checks import one_of
from helpdesk_tui.vocabulary import AccountKind, AccountStatus, KeyStatus, TokenPurpose


class PortalAccount(SQLModel, table=True):
    """A guardian's or a student's portal login. Staff never see or set a password; the
    portal side keeps only its argon2 hash (student passwords live in the SIS)."""

    __tablename__ = "portal_account"
    __table_args__ = (
        one_of("kind", AccountKind, name="ck_portal_account_kind"),
        CheckConstraint(
            "(kind = 'guardian' AND guardian_id IS NOT NULL AND student_id IS NULL)"
            " OR (kind = 'student' AND student_id IS NOT NULL AND guardian_id IS NULL)",
            name="ck_portal_account_owner",
        ),
        one_of("status", AccountStatus, name="ck_portal_account_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    guardian_id: int | None = Field(default=None, foreign_key="guardian.id", unique=True)
    student_id: int | None = Field(default=None, foreign_key="student.id", unique=True)
    username: str = Field(max_length=64)
    # Casefolded username: uniqueness is case-insensitive on every database.
    username_key: str = Field(max_length=64, unique=True)
    password_hash: str | None = Field(default=None, max_length=200)
    status: str = Field(default=AccountStatus.ACTIVE, max_length=10)
    failed_login_count: int = 0
    disabled_at: datetime | None = None
    disabled_reason: str | None = Field(default=None, max_length=300)
    last_login_at: datetime | None = None
    created_at: datetime
    security_email: str | None = Field(default=None, max_length=254)
    security_email_verified: bool = False
    security_email_verified_at: datetime | None = None


class ActivationKey(SQLModel, table=True):
    """A key as issued; only its SHA-256 digest and last four characters are kept."""

    __tablename__ = "activation_key"
    __table_args__ = (
        one_of("status", KeyStatus, name="ck_activation_key_status"),
        # At most one active key per guardian, enforced by the database itself.
        Index(
            "uq_activation_key_one_active_per_guardian",
            "guardian_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_activation_key_guardian", "guardian_id", "issued_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    guardian_id: int = Field(foreign_key="guardian.id")
    digest: str = Field(max_length=64, unique=True)
    last4: str = Field(max_length=4)
    status: str = Field(default=KeyStatus.ACTIVE, max_length=10)
    issued_at: datetime
    issued_by_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    expires_at: datetime | None = None
    redeemed_at: datetime | None = None
    redeemed_by_account_id: int | None = Field(default=None, foreign_key="portal_account.id")
    revoked_at: datetime | None = None
    revoked_by_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    revoke_reason: str | None = Field(default=None, max_length=300)


class LoginAttempt(SQLModel, table=True):
    """The portal's access log: every attempt, successful or not."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_account_time", "account_id", "attempted_at"),
        # The per-source throttle counts recent failures by address and by name tried.
        Index("ix_login_attempt_ip_time", "ip_address", "attempted_at"),
        Index("ix_login_attempt_username_time", "username_tried", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="portal_account.id")
    username_tried: str = Field(max_length=64)
    attempted_at: datetime
    ip_address: str = Field(max_length=45)
    success: bool
    # Turned away by the portal's throttle: no password was checked (a failure all the
    # same for the throttle, never towards the account's lockout).
    throttled: bool = False


class AccountToken(SQLModel, table=True):
    """A single-use link token (password reset or security-email verification), kept
    only as a SHA-256 digest."""

    __tablename__ = "account_token"
    __table_args__ = (one_of("purpose", TokenPurpose, name="ck_account_token_purpose"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="portal_account.id", index=True)
    purpose: str = Field(max_length=20)
    digest: str = Field(max_length=64, unique=True)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

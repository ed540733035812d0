"""The product's vocabularies: every role, status, channel, category, audit action and
outcome the database stores, as enums, each with the words a person reads for it.

This is the one place those words live. Stored values never change (they are in the
database and the audit trail); labels may. Members are strings, so they compare equal
to the values read back from the database and can be written to it as they are.
Depends on nothing, so data, services and screens all share it.
"""

from enum import StrEnum
from typing import Self


class Vocabulary(StrEnum):
    """A stored value and its label (the value with spaces when none is given)."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("_", " ")
        return member

    @classmethod
    def has(cls, value: str) -> bool:
        """Whether ``value`` is one of this vocabulary's stored values."""
        return value in cls._value2member_map_

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored value, also one this version does not know (an older
        or newer row): then the value itself, readably."""
        try:
            return cls(value).label
        except ValueError:
            return value.replace("_", " ")


# -- staff ---------------------------------------------------------------------------
class Role(Vocabulary):
    AGENT = "agent"
    CLERK = "clerk", "school clerk"
    SUPERVISOR = "supervisor"


# -- tickets -------------------------------------------------------------------------
class Channel(Vocabulary):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web", "web form"
    WALK_IN = "walk_in", "walk-in"


class Category(Vocabulary):
    KEY_REQUEST = "key_request"
    LOST_KEY = "lost_key"
    KEY_ALREADY_USED = "key_already_used"
    LOGIN_NAME_TAKEN = "login_name_taken"
    FORGOT_LOGIN = "forgot_login", "forgot username/password"
    ACCOUNT_DISABLED = "account_disabled"
    SECURITY_EMAIL = "security_email"
    USERNAME_CHANGE = "username_change"
    NO_ACCOUNT = "no_account", "no account yet"
    OTHER = "other"


class Priority(Vocabulary):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketStatus(Vocabulary):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"  # on the guardian: the clocks stop
    RESOLVED = "resolved"
    CLOSED = "closed"


RUNNING = (TicketStatus.NEW, TicketStatus.OPEN)  # a service-level clock runs
UNFINISHED = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING)


class MessageKind(Vocabulary):
    INCOMING = "incoming", "from the guardian"
    REPLY = "reply", "reply to the guardian"
    NOTE = "note", "internal note (staff only)"


class TicketEventKind(Vocabulary):
    CREATED = "created"
    CLAIMED = "claimed"
    ASSIGNED = "assigned"
    RELEASED = "released"
    FIRST_RESPONSE = "first_response"
    PENDING = "pending"
    REOPENED = "reopened"
    RESOLVED = "resolved"
    CLOSED = "closed"
    MERGED = "merged"
    # one reminder per pending spell, a business day before it closes
    REMINDED = "reminded", "reminder sent"
    REMINDER_NOT_SENT = "reminder_not_sent", "reminder not sent"
    CHANGED = "changed"
    LINKED = "linked", "family linked"
    SUGGESTED = "suggested", "category suggested"


class QueueView(Vocabulary):
    UNASSIGNED = "unassigned", "Unassigned"
    MINE = "mine", "Mine"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    PENDING = "pending", "Pending on guardian"
    OPEN = "open", "All open"


# -- portal accounts and keys ----------------------------------------------------------
class KeyStatus(Vocabulary):
    ACTIVE = "active"
    REDEEMED = "redeemed"
    REVOKED = "revoked"
    EXPIRED = "expired"


class AccountStatus(Vocabulary):
    ACTIVE = "active"
    DISABLED = "disabled"


class AccountKind(Vocabulary):
    GUARDIAN = "guardian"
    STUDENT = "student"


class Delivery(Vocabulary):
    EMAIL = "email"
    LETTER = "letter", "printed letter"


class TokenPurpose(Vocabulary):
    RESET = "reset", "password reset"
    VERIFY_EMAIL = "verify_email", "security-email verification"


class Language(Vocabulary):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


class UsageCondition(Vocabulary):
    """What the portal usage report counts for a guardian with portal rights."""

    NO_ACCOUNT = "no_account", "No account"
    KEY_OUTSTANDING = "key_outstanding", "Key outstanding"
    DISABLED = "disabled", "Disabled"
    NEVER_USED = "never_used", "Never used"


class KeyBatchState(Vocabulary):
    """A batch run of activation keys (services/key_batches)."""

    RUNNING = "running", "not finished (resume it)"
    DONE = "done", "finished"


class BatchItemState(Vocabulary):
    """One family in a batch run."""

    PENDING = "pending", "waiting"
    ISSUED = "issued", "key issued"
    SKIPPED = "skipped"


class BatchSkip(Vocabulary):
    """Why a batch run gives a family no key."""

    RESTRICTED = "restricted", "restricted relationship (custody or court order)"
    NO_RIGHTS = "no_rights", "no portal rights to an enrolled student any more"
    BLOCKED = "blocked", "verification block (a supervisor must clear it first)"
    HAS_ACCOUNT = "has_account", "already holds a portal account"
    NO_EMAIL = "no_email", "no email address on file"
    NO_POSTAL = "no_postal", "no postal address on file"
    NO_ADDRESS = "no_address", "no email or postal address on file"
    OTHER_BATCH = "other_batch", "waiting in another unfinished batch"
    BATCH_KEY = "batch_key", "holds an unused key an earlier batch sent (see: key outstanding)"
    KEY_MEANWHILE = "key_meanwhile", "given a key elsewhere (a desk, another batch) since"


class PortalEvent(Vocabulary):
    """What the portal tells everyone on file about."""

    KEY_REDEEMED = "key_redeemed", "a login was made with the key"
    ACCOUNT_LOCKED = "account_locked", "the login was locked"
    SECURITY_EMAIL_CHANGED = "security_email_changed", "the security email was changed"
    PASSWORD_CHANGED = "password_changed", "the password was changed"


# -- verifying the caller --------------------------------------------------------------
class VerificationMethod(Vocabulary):
    PHONE = "phone"
    IN_PERSON = "in_person", "in person"
    WRITTEN = "written", "written request"


class VerificationOutcome(Vocabulary):
    OPEN = "open", "in progress"
    PASSED = "passed"
    FAILED = "failed"
    ABANDONED = "abandoned"


class Proof(Vocabulary):
    EMAIL_CODE = "email_code", "code emailed to an address on file"
    CALLBACK = "callback", "callback to a number on file"
    PHOTO_ID = "photo_id", "photo ID compared and form signed in person"


PHOTO_ID_REFUSED = "photo_id_refused"  # recorded among the proofs: the ID did not match


class ScreeningResult(Vocabulary):
    MATCH = "match"
    NO_MATCH = "no match"
    JUDGE = "judge", "staff judge it"  # the record is shown for staff to compare


# -- mail ------------------------------------------------------------------------------
class OutboxStatus(Vocabulary):
    PENDING = "pending", "waiting"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class ImportOutcome(Vocabulary):
    """What became of an email that could not be imported (its decision-list entry)."""

    RETRY = "retry", "to be tried again at the next mailbox read"
    RETRIED = "retried", "put back in the inbox"
    DISMISSED = "dismissed"


# -- the audit trail -------------------------------------------------------------------
class AuditOutcome(Vocabulary):
    DONE = "done"
    DENIED = "denied"
    PASSED = "passed"
    FAILED = "failed"
    BLOCKED = "blocked"
    CLEARED = "cleared"


class AuditAction(Vocabulary):
    # verifying the caller
    VERIFICATION = "verification"
    VERIFICATION_CODE_SENT = "verification_code_sent", "verification code sent"
    VERIFICATION_BLOCKED = "verification_blocked"
    VERIFICATION_BLOCK_CLEARED = "verification_block_cleared", "verification block cleared"
    # keys and accounts, by staff
    KEY_REISSUED = "key_reissued"
    KEY_CHECKED = "key_checked"
    KEY_BATCH_DRY_RUN = "key_batch_dry_run", "batch keys: dry run"
    KEY_BATCH_RUN = "key_batch_run", "batch keys run"
    KEY_BATCH_ISSUED = "key_batch_issued", "key issued in a batch run"
    ACCOUNT_UNLOCKED = "account_unlocked"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_RESET = "account_reset"
    USERNAME_SENT = "username_sent"
    USERNAME_CHANGED = "username_changed"
    PASSWORD_RESET_SENT = "password_reset_sent", "password reset link sent"
    VERIFICATION_RESENT = "verification_resent", "email verification resent"
    LANGUAGE_SET = "language_set", "language set"
    RESTRICTION_CLEARED = "restriction_cleared"
    CONTACT_REVEALED = "contact_revealed", "contact details revealed"
    GUARDIAN_VIEWED = "guardian_viewed", "guardian record opened"  # audited when refused
    # tickets (audited when refused; the ticket's timeline records what was done)
    TICKET_VIEWED = "ticket_viewed", "ticket opened"
    TICKET_CREATED = "ticket_created", "ticket created"
    TICKET_NOTE_ADDED = "ticket_note_added", "note added to a ticket"
    TICKET_REPLIED = "ticket_replied", "reply to a ticket"
    TICKET_ASSIGNED = "ticket_assigned", "ticket assigned"
    TICKET_STATUS_CHANGED = "ticket_status_changed", "ticket status changed"
    TICKET_MERGED = "ticket_merged", "tickets merged"
    ATTACHMENT_OPENED = "attachment_opened", "attachment saved"
    TICKET_CHANGED = "ticket_changed", "ticket corrected"
    # on the portal
    KEY_REDEEMED = "key_redeemed"
    ACCOUNT_LOCKED = "account_locked"
    SECURITY_EMAIL_SET = "security_email_set"
    SECURITY_EMAIL_VERIFIED = "security_email_verified"
    PASSWORD_RESET_DONE = "password_reset_done", "password reset"
    # administration
    POLICY_CHANGED = "policy_changed", "verification policy changed"
    CLOSURE_ADDED = "closure_added", "closure day added"
    BUSY_PERIOD_ADDED = "busy_period_added", "busy period added"
    SLA_TARGET_SET = "sla_target_set", "service target set"
    BUSINESS_HOURS_SET = "business_hours_set", "business hours changed"
    OPEN_DAY_ADDED = "open_day_added", "open on a public holiday"
    OPEN_DAY_REMOVED = "open_day_removed", "closed again on a public holiday"
    CLOSURE_REMOVED = "closure_removed", "closure days removed"
    BUSY_PERIOD_REMOVED = "busy_period_removed", "busy period removed"
    CALENDAR_IMPORTED = "calendar_imported", "district calendar imported (.ics)"
    STAFF_ADDED = "staff_added"
    STAFF_SIGNED_IN = "staff_signed_in", "staff signed in"
    STAFF_SIGN_IN_FAILED = "staff_sign_in_failed", "staff sign-in failed"
    STAFF_LOCKED = "staff_locked", "staff account locked"
    STAFF_UNLOCKED = "staff_unlocked", "staff account unlocked"
    STAFF_LISTED = "staff_listed", "staff accounts listed"
    STAFF_DISABLED = "staff_disabled", "staff account disabled"
    STAFF_ENABLED = "staff_enabled", "staff account enabled"
    STAFF_ROLE_CHANGED = "staff_role_changed", "staff role or school changed"
    STAFF_PASSWORD_RESET = "staff_password_reset", "staff password reset"
    STAFF_PASSWORD_CHANGED = "staff_password_changed", "staff password changed"
    DESK_LOCKED = "desk_locked", "desk locked while idle"
    ROSTER_IMPORTED = "roster_imported", "roster imported"
    AUDIT_GUARDS_RESTORED = "audit_guards_restored", "audit trail guards restored"
    PORTAL_REPORT = "portal_report", "portal usage report"
    SLA_REPORT = "sla_report", "service-level report"
    DECISIONS_VIEWED = "decisions_viewed", "supervisors' decision lists opened"
    MAIL_RETRIED = "mail_retried", "failed email queued again"
    MAIL_DISCARDED = "mail_discarded", "failed email discarded"
    MAIL_IMPORT_RETRIED = "mail_import_retried", "unimported email put back in the inbox"
    MAIL_IMPORT_DISMISSED = "mail_import_dismissed", "unimported email dismissed"


# Actions on a guardian that change their portal access: each notifies every address
# on file, and a ticket's closing note names them.
RECOVERY_ACTIONS = (
    AuditAction.KEY_REISSUED,
    AuditAction.ACCOUNT_UNLOCKED,
    AuditAction.ACCOUNT_DISABLED,
    AuditAction.USERNAME_SENT,
    AuditAction.PASSWORD_RESET_SENT,
    AuditAction.VERIFICATION_RESENT,
    AuditAction.USERNAME_CHANGED,
    AuditAction.ACCOUNT_RESET,
)

"""The domain, one package per capability over a small shared kernel. Knows nothing of
Textual. The TUI, the command line and the tests all go through these functions.

    kernel/        errors, clock, locks, the audit trail's writer, permissions, actors,
                   the district, masking: what every feature builds on
    texts/         what we write to guardians (letters, emails, canned replies)
    mail/          the outbox, the notices every recovery action sends, delivery
    sla/           business time, service targets, ticket clocks, calendar settings
    accounts/      portal login rules, single-use link tokens and their emails
    verification/  proving who the caller is; the policy; blocks after failures
    guardians/     the lookup, the guardian record, eligibility, language, custody
    recovery/      keys (reissue, key check, letter) and account help for staff
    tickets/       lifecycle, conversation, detail, queues, email in
    portal/        the parent portal's side: redeem, sign in, self-service
    reports/       supervisors' reports
    roster/        the roster from the SIS (OneRoster CSV)
    staff/         staff sign-in and staff accounts
    presence       who else has a record open
    key_batches/   batch activation keys from the usage report's lists (over the rest)

Each feature package's ``__init__`` is its API; other packages (and the screens and
the command line) import from it, never from its modules. The layers between packages
are import-linter contracts in pyproject.toml.

Every function takes the session and the acting staff member as keyword-only
arguments, checks permission, writes its audit row in the same transaction, and
returns plain read models (frozen dataclasses), never live ORM rows.
"""

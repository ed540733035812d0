"""Domain errors. Each message tells a clerk what to do next.

DatabaseUnavailable (the data layer's, after its retries) and OutcomeUnknown (a write
whose connection was lost as it committed) are part of the services' API too: callers
tell a refusal from a database that cannot be used right now.
"""

from helpdesk_tui.data.engine import DatabaseUnavailable, OutcomeUnknown

__all__ = [
    "DatabaseUnavailable",
    "OutcomeUnknown",
    "DomainError",
    "InvalidSearch",
    "NotFound",
    "NotPermitted",
    "SignInFailed",
]


class DomainError(Exception):
    """Base class: ``str(error)`` is shown to staff as it is."""


class SignInFailed(DomainError):
    pass


class NotPermitted(DomainError):
    pass


class NotFound(DomainError):
    pass


class InvalidSearch(DomainError):
    pass

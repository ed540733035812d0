"""Domain errors. Each message tells a clerk what to do next."""


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

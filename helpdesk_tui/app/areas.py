"""The areas staff work in, each a Textual mode with its own stack of screens, made
when first visited: lookup (Ctrl+F), key check (F2), queue (F3), portal usage (F4,
supervisors), service levels (F8, supervisors and agents), staff (F9, supervisors),
settings (F10, supervisors).
Which staff member may go where is the app's check_action."""

from collections.abc import Callable

from textual.screen import Screen


def _lookup() -> Screen[None]:
    # Imported when first needed: the sign-in screen shows sooner without them.
    from helpdesk_tui.screens.lookup import GuardianLookupScreen

    return GuardianLookupScreen()


def _queue() -> Screen[None]:
    from helpdesk_tui.screens.tickets import TicketQueueScreen

    return TicketQueueScreen()


def _key_check() -> Screen[None]:
    from helpdesk_tui.screens.lookup import KeyCheckScreen

    return KeyCheckScreen()


def _reports() -> Screen[None]:
    from helpdesk_tui.screens.reports import PortalUsageScreen

    return PortalUsageScreen()


def _levels() -> Screen[None]:
    from helpdesk_tui.screens.reports import ServiceLevelsScreen

    return ServiceLevelsScreen()


def _staff() -> Screen[None]:
    from helpdesk_tui.screens.staff import StaffScreen

    return StaffScreen()


def _settings() -> Screen[None]:
    from helpdesk_tui.screens.settings import SettingsScreen

    return SettingsScreen()


# The areas staff work in, each with its own stack of screens.
AREAS: dict[str, Callable[[], Screen[None]]] = {
    "lookup": _lookup,
    "queue": _queue,
    "keys": _key_check,
    "reports": _reports,
    "levels": _levels,
    "staff": _staff,
    "settings": _settings,
}

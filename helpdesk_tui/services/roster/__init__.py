"""The district's roster from its SIS (OneRoster CSV)."""

from helpdesk_tui.services.roster.importer import (
    ImportRefused,
    ImportReport,
    NewDistrict,
    import_oneroster,
)

__all__ = ["ImportRefused", "ImportReport", "NewDistrict", "import_oneroster"]

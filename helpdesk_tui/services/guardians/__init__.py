"""Finding and reading guardians: the lookup, the guardian record, portal
eligibility, the language of their letters, custody restrictions."""

from helpdesk_tui.services.guardians.detail import (
    GuardianDetail,
    get_guardian_detail,
    portal_fingerprint,
)
from helpdesk_tui.services.guardians.eligibility import portal_refusal
from helpdesk_tui.services.guardians.language import set_preferred_language
from helpdesk_tui.services.guardians.lookup import SearchResult, search_guardians
from helpdesk_tui.services.guardians.lookup_query import MAX_QUERY_LENGTH, parse_query
from helpdesk_tui.services.guardians.restrictions import clear_restriction

__all__ = [
    "GuardianDetail",
    "MAX_QUERY_LENGTH",
    "SearchResult",
    "clear_restriction",
    "get_guardian_detail",
    "parse_query",
    "portal_fingerprint",
    "portal_refusal",
    "search_guardians",
    "set_preferred_language",
]

"""Finding and reading guardians: the lookup, the guardian record (contact details
masked until a pass, or revealed with a reason), portal eligibility, the language of
their letters, custody restrictions."""

from helpdesk_tui.services.guardians.contact import REVEAL_LASTS
from helpdesk_tui.services.guardians.detail import GuardianDetail, get_guardian_detail
from helpdesk_tui.services.guardians.eligibility import portal_refusal
from helpdesk_tui.services.guardians.fingerprint import RecordFingerprint, portal_fingerprint
from helpdesk_tui.services.guardians.language import set_preferred_language
from helpdesk_tui.services.guardians.lookup import GuardianHit, SearchResult, search_guardians
from helpdesk_tui.services.guardians.lookup_query import MAX_QUERY_LENGTH, parse_query
from helpdesk_tui.services.guardians.record_parts import StudentLink
from helpdesk_tui.services.guardians.restrictions import clear_restriction
from helpdesk_tui.services.guardians.reveal import reveal_contact

__all__ = [
    "GuardianDetail",
    "GuardianHit",
    "MAX_QUERY_LENGTH",
    "REVEAL_LASTS",
    "RecordFingerprint",
    "SearchResult",
    "StudentLink",
    "clear_restriction",
    "get_guardian_detail",
    "parse_query",
    "portal_fingerprint",
    "portal_refusal",
    "reveal_contact",
    "search_guardians",
    "set_preferred_language",
]

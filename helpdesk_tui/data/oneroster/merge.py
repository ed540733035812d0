"""Applying the staged export to the roster, set by set, inside the caller's transaction.

Matching is by the SIS's sourcedId. Bulk files replace the roster: a person missing from
one becomes inactive, never deleted (tickets, keys and audit rows stay linked). Delta
files apply ``active`` and ``tobedeleted`` rows only. What the helpdesk owns is left
alone: portal accounts and keys, a language staff set, tickets, and a restriction a
supervisor cleared (``restricted`` changes only when the SIS's own flag changes).

Each step runs one condition twice, once to name a few examples and once to act, so a
dry run (rolled back by the caller) reports exactly what a real run would do.
"""

from helpdesk_tui.data.oneroster.merge_context import MergeContext, MergeReport
from helpdesk_tui.data.oneroster.merge_people import (
    merge_guardians,
    merge_student_logins,
    merge_students,
)
from helpdesk_tui.data.oneroster.merge_relations import merge_households, merge_links
from helpdesk_tui.data.oneroster.merge_schools import merge_school_grades, merge_schools


class Merger(MergeContext):
    """Runs the steps in the order they depend on each other: schools before the
    people in them, people before their links, links before households, and the
    schools' grade spans last, from the students now in them."""

    STEPS = 6

    def run(self, *, demographics: bool) -> MergeReport:
        self.progress.phase("Applying to the roster", self.STEPS)
        self.sql("CREATE TEMPORARY TABLE touched_guardian (id INTEGER PRIMARY KEY)")
        self.progress.advance(1)
        merge_schools(self)
        self.progress.advance(1)
        merge_students(self, demographics=demographics)
        self.progress.advance(1)
        merge_guardians(self)
        self.progress.advance(1)
        merge_links(self)
        self.progress.advance(1)
        merge_households(self)
        merge_student_logins(self)
        merge_school_grades(self)
        self.progress.advance(1)
        return self.report

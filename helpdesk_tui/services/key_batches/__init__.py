"""Batch activation keys (supervisors): from the portal usage report's lists (with
rights and no account, or a key outstanding longer than N days) for a school or the
district, a dry run (who would get a key, who would not and why), then a run that
gives every family a key by email and/or as one merged PDF of letters for the school
office, group by group, resumable if stopped (see steps.py for the caller's loop)."""

from helpdesk_tui.services.key_batches.families import LISTS, WHOLE_DISTRICT, BatchChoice
from helpdesk_tui.services.key_batches.pdf_merge import merge_pdfs
from helpdesk_tui.services.key_batches.runs import (
    BatchPlan,
    BatchProgress,
    SkippedFamily,
    key_batch_progress,
    plan_key_batch,
    plan_summary,
    start_key_batch,
    unfinished_key_batches,
)
from helpdesk_tui.services.key_batches.steps import (
    GROUP,
    continue_key_batch,
    discard_letter_parts,
    finish_key_batch,
    merge_batch_letters,
)

__all__ = [
    "GROUP",
    "LISTS",
    "WHOLE_DISTRICT",
    "BatchChoice",
    "BatchPlan",
    "BatchProgress",
    "SkippedFamily",
    "continue_key_batch",
    "discard_letter_parts",
    "finish_key_batch",
    "key_batch_progress",
    "merge_batch_letters",
    "merge_pdfs",
    "plan_key_batch",
    "plan_summary",
    "start_key_batch",
    "unfinished_key_batches",
]

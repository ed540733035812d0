"""Batch activation keys: one row per run (who, when, for which school and list, how the
keys go out, how far it got) and one row per family it considered, decided when the
run starts: issued, skipped with the reason, or still pending (a run stopped part way
is resumed from its pending rows, so no family gets two keys and none is left out
without a reason)."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from helpdesk_tui.data.tables.checks import one_of
from helpdesk_tui.vocabulary import BatchItemState, KeyBatchState, UsageCondition


class KeyBatch(SQLModel, table=True):
    __tablename__ = "key_batch"
    __table_args__ = (
        one_of("state", KeyBatchState, name="ck_key_batch_state"),
        one_of("list_name", UsageCondition, name="ck_key_batch_list"),
    )

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime
    started_by_staff_id: int = Field(foreign_key="staff.id")
    school_id: int | None = Field(default=None, foreign_key="school.id")  # None: the district
    # The usage report's list: no_account, or key_outstanding for longer than ``days``.
    list_name: str = Field(max_length=20)
    days: int
    by_email: bool
    by_letter: bool
    state: str = Field(default=KeyBatchState.RUNNING, max_length=10)
    # Where each letter is written before its key's transaction commits (a folder only
    # its owner can enter), and the one merged PDF made from them at the end.
    parts_folder: str | None = Field(default=None, max_length=1000)
    letters_to: str | None = Field(default=None, max_length=1000)
    finished_at: datetime | None = None


class KeyBatchItem(SQLModel, table=True):
    __tablename__ = "key_batch_item"
    __table_args__ = (
        one_of("state", BatchItemState, name="ck_key_batch_item_state"),
        UniqueConstraint("batch_id", "guardian_id", name="uq_key_batch_item_guardian"),
        # The next pending families in letter order; counts per state.
        Index("ix_key_batch_item_next", "batch_id", "state", "position"),
        # Is this guardian waiting in another unfinished run?
        Index("ix_key_batch_item_guardian", "guardian_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="key_batch.id")
    guardian_id: int = Field(foreign_key="guardian.id")
    household_id: int | None = Field(default=None, foreign_key="household.id")
    # The letter's place in the merged PDF: households by their student's school, grade
    # and name, a household's guardians together.
    position: int
    # Who carries the letter home, for the school office: "Grade 3 · Lopez, Ana".
    routing: str = Field(default="", max_length=200)
    state: str = Field(default=BatchItemState.PENDING, max_length=10)
    reason: str | None = Field(default=None, max_length=20)  # BatchSkip, when skipped
    by_email: bool = False
    by_letter: bool = False
    key_id: int | None = Field(default=None, foreign_key="activation_key.id")
    issued_at: datetime | None = None

"""The lookup index: normalized words that lead to a guardian.

One row per (word, guardian): the guardian's and their students' names, emails,
phone digits, student numbers and portal username, folded (accents stripped,
casefolded) so that a prefix range scan on an ordinary B-tree index answers the
lookup box in O(log n).
"""

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

# Byte order on PostgreSQL so that prefix ranges (term >= 'ab' AND term < 'ac') mean
# "starts with", whatever the database's locale; SQLite's BINARY collation already is.
TermType = String(120).with_variant(String(120, collation="C"), "postgresql")


class SearchTerm(SQLModel, table=True):
    __tablename__ = "search_term"
    __table_args__ = (
        # INCLUDE makes the lookup scan index-only on PostgreSQL (SQLite reads `kind` only
        # for the rows it returns).
        Index(
            "uq_search_term_term", "term", "guardian_id", unique=True, postgresql_include=["kind"]
        ),
        Index("ix_search_term_guardian", "guardian_id", "term"),
    )

    id: int | None = Field(default=None, primary_key=True)
    term: str = Field(sa_type=TermType)
    guardian_id: int = Field(foreign_key="guardian.id", ondelete="CASCADE")
    kind: str = Field(max_length=10)

"""CHECK constraints that keep a column within one of the product's vocabularies."""

from sqlalchemy import CheckConstraint

from helpdesk_tui.vocabulary import Vocabulary


def one_of(column: str, vocabulary: type[Vocabulary], *, name: str) -> CheckConstraint:
    """``column IN (...)`` over every stored value of ``vocabulary``, in its order."""
    values = ", ".join(f"'{member.value}'" for member in vocabulary)
    return CheckConstraint(f"{column} IN ({values})", name=name)

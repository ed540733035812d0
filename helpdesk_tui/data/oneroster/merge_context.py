"""What every merge step shares: the connection, the staged export, the clock, and
the report the steps add their counts and examples to.

Apart from the steps (merge_schools.py, merge_people.py, merge_relations.py) so that
each of them depends on this alone, and merge.py only orders them.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, CursorResult, text

from helpdesk_tui.data.oneroster.staging import NoProgress, Progress, Staged

SAMPLES = 8


@dataclass
class MergeReport:
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    samples: dict[tuple[str, str], list[str]] = field(default_factory=dict)


class MergeContext:
    def __init__(
        self,
        conn: Connection,
        staged: Staged,
        *,
        now: datetime,
        progress: Progress | None = None,
    ) -> None:
        self.conn = conn
        self.staged = staged
        self.now = now
        self.delta = staged.mode("users") == "delta"
        self.report = MergeReport()
        self.progress: Progress = progress or NoProgress()

    def sql(self, statement: str, **params: Any) -> CursorResult[*tuple[Any, ...]]:
        return self.conn.execute(text(statement), params)

    def step(self, entity: str, what: str, sample_sql: str, act_sql: str, **params: Any) -> int:
        """Name a few of what ``sample_sql`` finds, then run ``act_sql``: the count and
        the examples go in the report."""
        names = [str(r[0]) for r in self.sql(sample_sql + f" LIMIT {SAMPLES}", **params)]
        if not names:
            return 0
        done = self.sql(act_sql, **params).rowcount
        if done:
            self.report.counts[entity][what] += done
            self.report.samples[(entity, what)] = names
        return done

    def count(self, entity: str, what: str, name: str) -> None:
        """One more ``entity`` ``what`` (added, changed...), named while examples are few."""
        self.report.counts[entity][what] += 1
        names = self.report.samples.setdefault((entity, what), [])
        if len(names) < SAMPLES:
            names.append(name)

"""The one clock services read: an injected instant, or now in UTC."""

from datetime import UTC, datetime


def resolve_now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)

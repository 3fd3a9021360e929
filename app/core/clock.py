"""The application's one clock: every date and time a rule depends on comes from here.

Tests move time with ``clock.freeze(datetime)`` / ``clock.advance(timedelta)`` and
``clock.unfreeze()``; production reads the system clock in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_frozen: datetime | None = None


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def today(time_zone: str = "UTC") -> date:
    """Return the calendar date now in the given IANA time zone."""
    return now().astimezone(zone(time_zone)).date()


def zone(time_zone: str | None) -> ZoneInfo:
    """Return the ZoneInfo for a name, UTC when empty."""
    return ZoneInfo(time_zone or "UTC")


def is_valid_time_zone(name: str) -> bool:
    """Tell whether a name is a known IANA time zone."""
    if not name or name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def time_zone_choices() -> list[str]:
    """Return the IANA zone names, sorted, for pickers."""
    return sorted(_zone_names())


def as_utc(value: datetime) -> datetime:
    """Return an aware UTC datetime, reading naive values (SQLite) as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def frozen_at() -> datetime | None:
    """Return the moment the clock is frozen at, or None when it runs."""
    return _frozen


def freeze(at: datetime) -> None:
    """Stop the clock at a moment (tests)."""
    global _frozen
    _frozen = as_utc(at)


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward (tests)."""
    global _frozen
    _frozen = (_frozen or now()) + delta


def unfreeze() -> None:
    """Let the clock follow the system clock again."""
    global _frozen
    _frozen = None

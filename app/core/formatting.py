"""How documents and pages print money, dates and times."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from app.core import clock

CENT = Decimal("0.01")


def to_cents(value) -> Decimal:
    """Return a Decimal rounded half-up to the cent."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value) -> str:
    """Print an amount the way documents in English do: $12,345.67 or -$1,234.56."""
    if value is None:
        return ""
    amount = to_cents(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def long_date(value: date | datetime | None, time_zone: str | None = None) -> str:
    """Print a date as March 4, 2027 (a datetime first moves to the time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.as_utc(value).astimezone(clock.zone(time_zone)).date()
    return f"{value:%B} {value.day}, {value.year}"


def long_datetime(value: datetime | None, time_zone: str | None = None) -> str:
    """Print a moment as March 4, 2027, 3:05 PM PST in the given time zone."""
    if value is None:
        return ""
    local = clock.as_utc(value).astimezone(clock.zone(time_zone))
    hour = local.hour % 12 or 12
    return f"{long_date(local.date())}, {hour}:{local:%M %p} {local.tzname()}"

"""How documents and pages print money, dates and times, in the reader's language.

English keeps the house's own forms ($12,345.67; March 4, 2027, 3:05 PM PST); every other
language takes its forms from Babel (CLDR): 12.345,67 US$, 4 marzo 2027, 4. marts 2027 …
The language is the request's (flask-babel's locale selector) or the one forced while a
letter or e-mail is rendered for its recipient (``flask_babel.force_locale``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from app.core import clock

CENT = Decimal("0.01")


def to_cents(value) -> Decimal:
    """Return a Decimal rounded half-up to the cent."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def language() -> str:
    """Return the language being rendered: the forced or selected locale, else English."""
    try:
        from flask_babel import get_locale

        locale = get_locale()
    except (RuntimeError, KeyError, AttributeError):
        return "en"
    return locale.language if locale is not None else "en"


def money(value) -> str:
    """Print an amount: $12,345.67 or -$1,234.56 in English, the locale's form otherwise."""
    if value is None:
        return ""
    amount = to_cents(value)
    lang = language()
    if lang != "en":
        from babel.numbers import format_currency

        return format_currency(amount, "USD", locale=lang)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def number(value) -> str:
    """Print a whole number: 12,345 in English, the locale's grouping otherwise (12 345)."""
    if value is None:
        return ""
    lang = language()
    if lang != "en":
        from babel.numbers import format_decimal

        return format_decimal(value, locale=lang)
    return f"{value:,}"


def long_date(value: date | datetime | None, time_zone: str | None = None) -> str:
    """Print a date as March 4, 2027 (a datetime first moves to the time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.as_utc(value).astimezone(clock.zone(time_zone)).date()
    lang = language()
    if lang != "en":
        from babel.dates import format_date

        return format_date(value, "long", locale=lang)
    return f"{value:%B} {value.day}, {value.year}"


def long_datetime(value: datetime | None, time_zone: str | None = None) -> str:
    """Print a moment as March 4, 2027, 3:05 PM PST in the given time zone."""
    if value is None:
        return ""
    local = clock.as_utc(value).astimezone(clock.zone(time_zone))
    lang = language()
    if lang != "en":
        from babel.dates import format_time

        clock_time = format_time(local, "HH:mm", locale=lang)
        return f"{long_date(local.date())}, {clock_time} {local.tzname()}"
    hour = local.hour % 12 or 12
    return f"{long_date(local.date())}, {hour}:{local:%M %p} {local.tzname()}"


_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "Etc/GMT"})


def time_zone_aliases() -> frozenset[str]:
    """Return the old names of time zones (US/Pacific for America/Los_Angeles), from CLDR."""
    from babel.core import get_global

    return frozenset(get_global("zone_aliases"))


def time_zone_name(zone: str | None) -> str:
    """Name a time zone in the reader's words, from CLDR: Pacific Time (Los Angeles),
    hora del Pacífico (Los Ángeles), Ora del Pacifico USA (Los Angeles), a country and a
    city where the zone has no common name (United States (Honolulu)); the identifier
    itself (spaces for underscores) where CLDR has no words for it.

    Built from the generic name and the city rather than Babel's get_timezone_location,
    whose Russian region format is the daylight one ("…, летнее время") all year.
    """
    if not zone:
        return ""
    from babel import Locale
    from babel.core import get_global
    from babel.dates import get_timezone_location

    locale = Locale.parse(language())
    canonical = get_global("zone_aliases").get(zone, zone)
    if canonical in _UTC_NAMES or zone in _UTC_NAMES:
        words = locale.time_zones.get("Etc/UTC", {}).get("long", {}).get("standard")
        return words or "UTC"
    metazone = get_global("meta_zones").get(canonical)
    region = None
    if metazone:
        region = locale.meta_zones.get(metazone, {}).get("long", {}).get("generic")
    if region is None:
        territory = get_global("zone_territories").get(canonical)
        if territory not in (None, "001", "ZZ"):
            region = locale.territories.get(territory)
    if region is None:
        return zone.replace("_", " ")
    try:
        city = get_timezone_location(canonical, locale, return_city=True)
    except LookupError:
        city = canonical.rsplit("/", 1)[-1].replace("_", " ")
    if city == region:
        return region  # Guam, not Guam (Guam)
    return locale.zone_formats["fallback"] % {"0": city, "1": region}

"""Which language a page, an API answer or an e-mail is in.

The application offers English and every language whose catalog is compiled
(``config LANGUAGES``, computed at start-up: app/core/catalogs.py). A page follows the
signed-in person's own choice, else the ``lang`` cookie the language switcher sets, else the
browser's ``Accept-Language``, else English. The API follows the token's person, else
``Accept-Language``, else English (no cookie: integrations send none). An e-mail or letter
is rendered in its recipient's language with ``in_language`` when the application offers it,
else in English.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g, has_request_context, request

COOKIE = "lang"
COOKIE_DAYS = 365


def N_(message: str) -> str:  # Babel's own name for the marker
    """Mark a constant for the catalogs (Babel extracts N_ by default) and keep it as it is:
    the words are translated with _() where they are shown."""
    return message


def available() -> list[str]:
    """Return the languages the application offers now, English first."""
    try:
        return list(current_app.config.get("LANGUAGES") or ["en"])
    except RuntimeError:
        return ["en"]


def usable(language: str | None) -> str:
    """Return the language if the application offers it, else English."""
    return language if language in available() else "en"


def name_of(language: str) -> str:
    """Return a language's name in that language (Español, Dansk, Русский)."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(language).get_display_name(language) or language
    except (ValueError, UnknownLocaleError):
        return language
    return name[:1].upper() + name[1:]


def choices() -> list[tuple[str, str]]:
    """Return (code, name) for each offered language, for the switcher."""
    return [(code, name_of(code)) for code in available()]


def select_locale() -> str:
    """flask-babel's locale selector: the person's choice, the cookie, the browser, English."""
    languages = available()
    if not has_request_context():
        return "en"
    if request.path.startswith("/api/"):
        user = g.get("api_user")
        if user is not None and user.language in languages:
            return user.language
    else:
        from flask_login import current_user

        if current_user and current_user.is_authenticated and current_user.language in languages:
            return current_user.language
        cookie = request.cookies.get(COOKIE)
        if cookie in languages:
            return cookie
    # The browser's languages by preference, each by its primary tag (en-US is English).
    for value, _quality in request.accept_languages:
        primary = value.split("-")[0].split("_")[0].lower()
        if primary in languages:
            return primary
    return "en"


@contextmanager
def in_language(language: str | None) -> Iterator[str]:
    """Render what is inside in a recipient's language (English when not offered); yields
    the language used."""
    from flask_babel import force_locale

    chosen = usable(language)
    with force_locale(chosen):
        yield chosen


def set_cookie(response, language: str) -> None:
    """Remember a chosen language on this browser."""
    response.set_cookie(
        COOKIE,
        language,
        max_age=COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )

"""What the application accepts as input, decided once for the pages and the API.

- Record ids fit the database's integer column (1 … 2³¹−1); a larger id in a path is a 404.
- Text is refused (422 naming the field, or a form error) when it holds NUL, a lone surrogate,
  a control character other than newline (LF or CR LF) and tab, or a bidirectional override;
  text longer than its column is refused too, never cut (see ``core.integrity``).
- JSON deeper than ``MAX_JSON_DEPTH`` levels is a 400.
- Dates lie between ``DATE_MIN`` and ``DATE_MAX``; page numbers up to ``MAX_PAGE``, page sizes
  up to the configured ``MAX_PER_PAGE`` (200).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import gettext as _

from app.core.errors import ValidationError

DB_INT_MAX = 2**31 - 1  # PostgreSQL integer, the type of every id column
MAX_PAGE = DB_INT_MAX
MAX_JSON_DEPTH = 100
# Text columns without a length of their own (descriptions, notes, letter wording).
LONG_TEXT_MAX = 20000
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)

# C0 and C1 controls and DEL, except tab and LF (CR is allowed only right before LF);
# lone surrogates; the bidirectional embeddings and overrides (U+202A–U+202E) that make a
# title read differently from what it holds.
_BAD = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\ud800-\udfff]|\r(?!\n)",
)


def text_problem(value: str) -> str | None:
    """Return why a piece of text is refused, or None when it is acceptable."""
    match = _BAD.search(value)
    if match is None:
        return None
    char = match.group()
    code = f"U+{ord(char):04X}"
    position = match.start() + 1
    if char == "\x00":
        return _("Remove the NUL character (U+0000) at position %(n)d.", n=position)
    if "\ud800" <= char <= "\udfff":
        return _(
            "The text holds a lone surrogate (%(code)s) at position %(n)d, which is not a "
            "character; send valid Unicode.",
            code=code,
            n=position,
        )
    if "\u202a" <= char <= "\u202e":
        return _(
            "Remove the text-direction override (%(code)s) at position %(n)d.",
            code=code,
            n=position,
        )
    return _(
        "Remove the control character %(code)s at position %(n)d; only line breaks and tabs "
        "are allowed.",
        code=code,
        n=position,
    )


def check_text(value: Any, field: str) -> None:
    """Raise ValidationError naming the field when a text value is refused."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValidationError(field, problem)


def text_errors(value: Any, prefix: str = "") -> dict[str, list[str]]:
    """Return {field path: [message]} for every refused text in a parsed JSON value."""
    errors: dict[str, list[str]] = {}
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            errors[prefix or "_schema"] = [problem]
    elif isinstance(value, dict):
        for key, item in value.items():
            key_text = str(key)
            problem = text_problem(key_text)
            name = f"{prefix}.{key_text}" if prefix else key_text
            if problem:
                errors[prefix or "_schema"] = [problem]
                continue
            errors.update(text_errors(item, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            errors.update(text_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    return errors


_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_too_deep(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Tell whether a JSON text nests arrays and objects deeper than ``limit`` levels.

    Decided before parsing, so that a hostile body never reaches the recursive decoder.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b'""', data)):
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def too_long(value: str, maximum: int) -> str | None:
    """Return the message for text longer than its maximum, or None when it fits."""
    if len(value) <= maximum:
        return None
    return _("Use at most %(max)d characters (this has %(n)d).", max=maximum, n=len(value))


def check_date(value: date | None, field: str) -> None:
    """Refuse a date outside the years the application works with."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(field, date_message())


def date_message() -> str:
    """Return the message for a date outside the accepted range."""
    return _(
        "Enter a date between %(start)s and %(end)s.",
        start=DATE_MIN.isoformat(),
        end=DATE_MAX.isoformat(),
    )


def is_db_id(value: Any) -> bool:
    """Tell whether a value is an integer that can be a record id."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= DB_INT_MAX


EMAIL_MAX = 254


def email_problem(value: str) -> str | None:
    """Return why an e-mail address is refused (its form, its length), or None.

    The form is checked by email-validator, the library WTForms' Email() uses, without a
    DNS look-up: the same answer on the pages, in the API and in CSV imports.
    """
    from email_validator import EmailNotValidError, validate_email

    if not value:
        return _("Enter an e-mail address.")
    if message := too_long(value, EMAIL_MAX):
        return message
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return _("Enter a valid e-mail address, such as name@example.com.")
    return None


def length_errors(values: dict[str, Any], maxima: dict[str, int]) -> dict[str, list[str]]:
    """Return {field: [message]} for each text value longer than its maximum."""
    errors: dict[str, list[str]] = {}
    for field, maximum in maxima.items():
        value = values.get(field)
        if isinstance(value, str) and (message := too_long(value, maximum)):
            errors[field] = [message]
    return errors

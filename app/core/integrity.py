"""The last line before the database: text that does not fit its column, or that holds
characters the application refuses, becomes a ValidationError naming the field.

Services and forms check their own fields with friendlier words; this check makes sure that
nothing is ever cut (SQLite does not enforce lengths) and that PostgreSQL never answers a
500 for a value it cannot store, whichever path the value came by (a CSV row, a form field
read by hand, a JSON body).
"""

from __future__ import annotations

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from app.core.errors import ValidationError
from app.core.inputs import LONG_TEXT_MAX, text_problem, too_long

_CACHE: dict = {}


def _string_columns(mapper) -> list[tuple[str, int | None]]:
    """Return (attribute, maximum length) for the mapper's text columns.

    A Text column without a length holds at most LONG_TEXT_MAX characters of what people
    type, unless it is marked ``info={"unbounded": True}`` (text the application writes).
    """
    cached = _CACHE.get(mapper)
    if cached is None:
        cached = []
        for attribute in mapper.column_attrs:
            column = attribute.columns[0]
            if isinstance(column.type, String):
                length = column.type.length
                if length is None and not column.info.get("unbounded"):
                    length = LONG_TEXT_MAX
                cached.append((attribute.key, length))
        _CACHE[mapper] = cached
    return cached


def check_row(obj) -> None:
    """Raise ValidationError for a text attribute too long for its column or refused."""
    state = inspect(obj)
    errors: dict[str, list[str]] = {}
    for key, length in _string_columns(state.mapper):
        value = state.dict.get(key)
        if not isinstance(value, str):
            continue
        if key in state.committed_state or state.key is None:
            if length is not None and (message := too_long(value, length)):
                errors[key] = [message]
                continue
            problem = text_problem(value)
            if problem:
                errors[key] = [problem]
    if errors:
        raise ValidationError(errors)


@event.listens_for(Session, "before_flush")
def _check_text_columns(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        check_row(obj)

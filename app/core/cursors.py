"""Keyset cursors of the listing mechanism (app/core/listing.py): a page's cursor names the
row it ends on (its sort values and tiebreak), the page, size, sort, direction and the
request's other arguments; reading one back checks every part and the type of each value,
and ``beyond`` turns it into the condition that seeks the next (or previous) rows in the
index that serves the order."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import json
import math
import zlib
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import and_, false, or_, true, tuple_
from sqlalchemy import types as sa_types
from sqlalchemy.sql.elements import ColumnElement

from app.core.errors import ValidationError
from app.extensions import db

PAGE_ARGS = ("page", "after", "before")
_CURSOR_VERSION = 1
_CURSOR_MAX = 1024
_INT_MAX = 2**63 - 1


class BadCursor(Exception):
    pass


def _context() -> int:
    """A checksum of the request's arguments other than the page's (filters, search,
    sort): a cursor is only good for the list it came from."""
    if not has_request_context():
        return 0
    args = sorted((k, v) for k, v in request.args.items(multi=True) if k not in PAGE_ARGS)
    return zlib.crc32(json.dumps(args).encode())


def make_cursor(values: tuple, number: int, page: Any, *, forward: bool) -> str:
    """Return the cursor of the page ``number`` of ``page``'s list, sought from ``values``."""
    payload = [
        _CURSOR_VERSION,
        number,
        page.per_page,
        page.sort,
        page.direction,
        _context(),
        1 if forward else 0,
        [_dump(v) for v in values],
    ]
    text = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def read_cursor(after, before, order, number, size, key, direction):
    """Return (values, forward) to seek from, or None to read the page by OFFSET.

    A cursor that cannot be read or was made for another page, size, sort or list is
    refused on the API (422) and ignored on pages."""
    raw, forward = (after, True) if after not in (None, "") else (before, False)
    if raw in (None, ""):
        return None
    try:
        if before not in (None, "") and after not in (None, ""):
            raise BadCursor
        seek = _decode(str(raw), order, number, size, key, direction, forward)
    except BadCursor:
        if has_request_context() and request.path.startswith("/api/"):
            name = "after" if forward else "before"
            raise ValidationError(
                {name: [_("This cursor does not belong to this list; start from page 1.")]}
            ) from None
        return None
    return seek


def _decode(raw, order, number, size, key, direction, forward):
    if order is None or len(raw) > _CURSOR_MAX:
        raise BadCursor
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        payload = json.loads(text)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor from None
    if not isinstance(payload, list) or len(payload) != 8:
        raise BadCursor
    version, page, per_page, sort, dir_, context, way, values = payload
    if [version, page, per_page, sort, dir_, context, way] != [
        _CURSOR_VERSION,
        number,
        size,
        key,
        direction,
        _context(),
        1 if forward else 0,
    ]:
        raise BadCursor
    if not isinstance(values, list) or len(values) != len(order):
        raise BadCursor
    return [_load(v, e, n) for v, (e, _d, n) in zip(values, order, strict=True)], forward


def _dump(value: Any) -> Any:
    if value is None or isinstance(value, bool | str | int | float):
        return value
    if isinstance(value, enum.Enum):
        return {"e": value.name}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return str(value)


def _load(value: Any, expression: ColumnElement, nullable: bool) -> Any:
    """Read one cursor value back as the Python type the expression binds."""
    sql_type = getattr(expression, "type", None)
    if value is None:
        if not nullable:
            raise BadCursor
        return None
    try:
        if isinstance(value, dict) and len(value) == 1:
            ((tag, text),) = value.items()
            if not isinstance(text, str):
                raise BadCursor
            if tag == "e":
                enum_class = getattr(sql_type, "enum_class", None)
                if enum_class is None:
                    raise BadCursor
                value = enum_class[text]
            elif tag == "n":
                value = Decimal(text)
                if not value.is_finite():
                    raise BadCursor
            elif tag == "t":
                value = dt.datetime.fromisoformat(text)
            elif tag == "d":
                value = dt.date.fromisoformat(text)
            else:
                raise BadCursor
        elif isinstance(value, bool) or not isinstance(value, str | int | float):
            raise BadCursor
    except (KeyError, ValueError, InvalidOperation):
        raise BadCursor from None
    if isinstance(value, int) and not -_INT_MAX <= value <= _INT_MAX:
        raise BadCursor
    if isinstance(value, float) and not math.isfinite(value):
        raise BadCursor
    if not _fits(value, sql_type):
        raise BadCursor
    return value


def _fits(value: Any, sql_type) -> bool:
    """Tell whether a value read from a cursor is of the kind the column binds."""
    if isinstance(sql_type, sa_types.Enum) and sql_type.enum_class is not None:
        return isinstance(value, sql_type.enum_class | str) and (
            not isinstance(value, str) or value in sql_type.enums
        )
    if isinstance(sql_type, sa_types.DateTime):
        return isinstance(value, dt.datetime)
    if isinstance(sql_type, sa_types.Date):
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if isinstance(sql_type, sa_types.Boolean):
        return isinstance(value, bool)
    if isinstance(sql_type, sa_types.Integer):
        return isinstance(value, int)
    if isinstance(sql_type, sa_types.Numeric):
        return isinstance(value, Decimal | int | float)
    if isinstance(sql_type, sa_types.String):
        return isinstance(value, str)
    return isinstance(value, str | int | float | Decimal)


def nullable_in(expression: ColumnElement, own_table) -> bool:
    """Tell whether the expression may be NULL in the list: a NOT NULL column of the list's
    own table cannot; any other may (a joined table's column may be outer-joined)."""
    column = getattr(expression, "expression", expression)
    if own_table is None or getattr(column, "table", None) is not own_table:
        return True
    return getattr(column, "nullable", True) is not False


def beyond(order, values, forward: bool) -> ColumnElement:
    """The rows after (``forward``) or before the row whose order values are ``values``."""
    nulls_last_ascending = db.session.get_bind().dialect.name == "postgresql"
    directions = {descending for _e, descending, _n in order}
    if len(directions) == 1 and not any(n for _e, _d, n in order):
        # One direction, no NULLs: a row value comparison, which both databases answer
        # with a range of the index that serves the order.
        later = (not directions.pop()) == forward
        left, right = tuple_(*(e for e, _d, _n in order)), tuple_(*values)
        return left > right if later else left < right
    conditions = []
    for position, ((expression, descending, nullable), value) in enumerate(
        zip(order, values, strict=True)
    ):
        equal = [
            e.is_(None) if v is None else e == v
            for (e, _d, _n), v in zip(order[:position], values[:position], strict=True)
        ]
        later = (not descending) == forward  # further in the values' ascending order
        # NULL is the largest value on PostgreSQL and the smallest on SQLite.
        null_after = nulls_last_ascending == later
        if value is None:
            step = expression.is_not(None) if not null_after else false()
            if not nullable:
                step = false()
        else:
            step = expression > value if later else expression < value
            if null_after and nullable:
                step = or_(step, expression.is_(None))
        conditions.append(and_(*equal, step) if equal else step)
    return or_(*conditions) if conditions else true()

"""Schemas shared by every API module: problems, lists and query arguments."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
from marshmallow import fields, validate

from app.core.inputs import DATE_MAX, DATE_MIN, DB_INT_MAX, LONG_TEXT_MAX, MAX_PAGE


class BaseSchema(ma.Schema):
    """Request and response schemas: unknown request fields are ignored."""

    class Meta:
        unknown = ma.EXCLUDE


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem detail."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "field → messages, for 422"},
    )


def Id(**kwargs) -> fields.Integer:
    """A record id: an integer from 1 to 2³¹−1 (the database's range)."""
    kwargs.setdefault("validate", validate.Range(min=1, max=DB_INT_MAX))
    return fields.Integer(strict=True, **kwargs)


def Text(
    maximum: int = LONG_TEXT_MAX, *, minimum: int | None = None, blank: bool = True, **kwargs
) -> fields.String:
    """A text field and its maximum length, stated in the OpenAPI document.

    The schema checks only that it is text: the length (never cut) and emptiness are refused
    by the service, or by the check before every write (core.integrity), together with the
    request's other field errors and after its state rules. ``blank=False``: it must hold
    something other than spaces.
    """
    metadata = {"maxLength": maximum, **kwargs.pop("metadata", {})}
    if minimum is not None:
        metadata["minLength"] = minimum
    if not blank:
        metadata["pattern"] = r"\S"
    return fields.String(metadata=metadata, **kwargs)


def Email(**kwargs) -> fields.String:
    """An e-mail address (at most 254 characters), refused by the service when not valid."""
    return Text(254, metadata={"format": "email", **kwargs.pop("metadata", {})}, **kwargs)


def Enum(values, **kwargs) -> fields.String:
    """A choice among ``values``, stated in the document and refused by the service."""
    choices = list(values)
    if kwargs.get("allow_none") or ("load_default" in kwargs and kwargs["load_default"] is None):
        choices.append(None)
    return fields.String(metadata={"enum": choices, **kwargs.pop("metadata", {})}, **kwargs)


def Number(minimum: int | None = None, maximum: int | None = None, **kwargs) -> fields.Integer:
    """A whole number whose range is stated in the document and refused by the service."""
    metadata = dict(kwargs.pop("metadata", {}))
    if minimum is not None:
        metadata["minimum"] = minimum
    if maximum is not None:
        metadata["maximum"] = maximum
    return fields.Integer(metadata=metadata, **kwargs)


class Day(fields.Date):
    """A calendar date (YYYY-MM-DD) between 1900-01-01 and 2199-12-31."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not DATE_MIN <= day <= DATE_MAX:
            from app.core.inputs import date_message

            raise ma.ValidationError(date_message())
        return day


class ListArgsSchema(BaseSchema):
    """Pagination and search for list endpoints."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=200),
        metadata={"description": "page size, at most 200 (a larger value is a 422)"},
    )
    q = Text(200, load_default=None, metadata={"description": "search text"})
    after = fields.String(
        load_default=None,
        metadata={
            "description": "the cursor of a list's `next` link: the page is read from the row "
            "after the previous page's last one (send it with that link's `page`); a cursor "
            "of another list, page or sort is a 422"
        },
    )


def list_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """Return the `{items, total}` envelope for a list of ``item``, dumped through its
    precompiled plan (app.api.dumping: the same JSON as marshmallow, several times faster)."""
    from app.api.dumping import FastDumpSchema

    return type(
        name,
        (FastDumpSchema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(required=True),
            "total_exact": fields.Boolean(
                metadata={
                    "description": "false when the list holds more than `total` items: "
                    "counts stop at a bound (10,000) so big lists stay fast"
                }
            ),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "next": fields.String(
                allow_none=True,
                metadata={
                    "description": "the path of the next page (with its cursor), or null "
                    "on the last page"
                },
            ),
        },
    )


def envelope(page, dump) -> dict:
    """Return a list response for a listing.Page."""
    return {
        "items": [dump(item) for item in page.items],
        "total": page.total,
        "total_exact": page.total_exact,
        "page": page.page,
        "per_page": page.per_page,
        "next": page.link("next"),
    }


MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"

# Money sent to the API: a number or a decimal string ("1250.00", "380000"); the service
# reads it (parse_amount) after the state checks, so the schema only documents it.
MONEY_INPUT = {
    "type": ["string", "number"],
    "example": "1250.00",
    "minimum": 0,
    "pattern": r"^\s*\$?[0-9][0-9,]*(\.[0-9]{1,2})?\s*$",
    "description": "an amount of zero or more: a number or a decimal string with at most two "
    "decimals ($ and thousands commas allowed)",
}


class Money(fields.Decimal):
    """Money out: a string with two decimals (``"1250.00"``), documented with its pattern."""

    def __init__(self, **kwargs):
        kwargs.setdefault("places", 2)
        kwargs.setdefault("as_string", True)
        kwargs.setdefault("allow_nan", False)
        metadata = {"pattern": MONEY_PATTERN, "example": "1250.00", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _validated(self, value):
        result = super()._validated(value)
        if result is not None and (result.is_nan() or result.is_infinite()):
            raise self.make_error("special")
        return result


ZERO = Decimal("0.00")

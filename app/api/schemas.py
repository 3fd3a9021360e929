"""Schemas shared by every API module: problems, lists and query arguments."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
from marshmallow import fields, validate


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


class ListArgsSchema(BaseSchema):
    """Pagination and search for list endpoints."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "page size, at most 200 (larger values are capped)"},
    )
    q = fields.String(load_default=None, metadata={"description": "search text"})


def list_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """Return the `{items, total}` envelope for a list of ``item``."""
    return type(
        name,
        (ma.Schema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
        },
    )


def envelope(page, dump) -> dict:
    """Return a list response for a listing.Page."""
    return {
        "items": [dump(item) for item in page.items],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }


class Money(fields.Decimal):
    """Money: a string with two decimals out; a string or a number in."""

    def __init__(self, **kwargs):
        kwargs.setdefault("places", 2)
        kwargs.setdefault("as_string", True)
        kwargs.setdefault("allow_nan", False)
        super().__init__(**kwargs)

    def _validated(self, value):
        result = super()._validated(value)
        if result is not None and (result.is_nan() or result.is_infinite()):
            raise self.make_error("special")
        return result


ZERO = Decimal("0.00")

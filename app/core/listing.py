"""Search, sorting and pagination shared by every list page and API list."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.core.errors import ValidationError
from app.core.inputs import MAX_PAGE
from app.extensions import db


@dataclass
class Page:
    """One page of a list, with what the page needs to draw its controls."""

    items: list[Any]
    total: int
    page: int
    per_page: int
    q: str = ""
    sort: str = ""
    direction: str = "asc"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one)."""
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        """Tell whether there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Tell whether there is a page after this one."""
        return self.page < self.pages


def clamp_page(page: Any, per_page: Any) -> tuple[int, int]:
    """Return (page, per_page) from raw values: missing or unreadable ones take the defaults;
    a page beyond MAX_PAGE or a size beyond MAX_PER_PAGE is refused (422), never cut."""
    config = current_app.config
    page_number = _whole(page, 1)
    size = _whole(per_page, config["PER_PAGE"])
    errors = {}
    if not 1 <= page_number <= MAX_PAGE:
        errors["page"] = [_("Choose a page from 1 to %(max)d.", max=MAX_PAGE)]
    if not 1 <= size <= config["MAX_PER_PAGE"]:
        errors["per_page"] = [
            _("Choose a page size from 1 to %(max)d.", max=config["MAX_PER_PAGE"])
        ]
    if errors:
        raise ValidationError(errors)
    return page_number, size


def _whole(value: Any, default: int) -> int:
    """Read a page argument: unreadable or missing → the default; digits → their number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip() if value is not None else ""
    if not re.fullmatch(r"-?[0-9]{1,30}", text):
        return MAX_PAGE + 1 if re.fullmatch(r"-?[0-9]+", text) else default
    return int(text)


def paginate(
    statement: Select,
    *,
    page: Any = 1,
    per_page: Any = None,
    q: str | None = None,
    search: Sequence[ColumnElement] = (),
    sort: str | None = None,
    direction: str | None = None,
    sortable: Mapping[str, ColumnElement] | None = None,
    default_sort: str | None = None,
    tiebreak: ColumnElement | None = None,
    scalars: bool = True,
    search_also: Callable[[str], ColumnElement | None] | None = None,
) -> Page:
    """Filter by ``q`` over ``search`` columns, order by a whitelisted key, and slice.

    ``search_also(q)`` may add one more condition a row can match instead (the audit log
    finds "cured" among its actions' words).
    """
    q = (q or "").strip()
    if q and search:
        pattern = f"%{_escape_like(q.lower())}%"
        conditions = [func.lower(column).like(pattern, escape="\\") for column in search]
        extra = search_also(q) if search_also else None
        if extra is not None:
            conditions.append(extra)
        statement = statement.where(or_(*conditions))
    sortable = sortable or {}
    key = sort if sort in sortable else (default_sort or next(iter(sortable), ""))
    direction = "desc" if direction == "desc" else "asc"
    if key:
        column = sortable[key]
        statement = statement.order_by(column.desc() if direction == "desc" else column.asc())
    if tiebreak is not None and not (key and _same(sortable[key], tiebreak)):
        # Rows with equal sort keys keep one order, so pages neither repeat nor skip rows.
        # (Sorted by the tiebreak itself, the order is total already: "ORDER BY id DESC"
        # alone walks an (association_id, id) index backwards.)
        statement = statement.order_by(tiebreak)
    page_number, size = clamp_page(page, per_page if per_page not in (None, "") else None)
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    result = db.session.execute(statement.limit(size).offset((page_number - 1) * size))
    items = list(result.unique().scalars() if scalars else result.unique().all())
    return Page(items, total or 0, page_number, size, q, key, direction)


def _same(a, b) -> bool:
    return getattr(a, "expression", a).compare(getattr(b, "expression", b))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

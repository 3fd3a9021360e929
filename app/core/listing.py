"""Search, sorting and pagination shared by every list page and API list.

How a list stays cheap at 20,000 units and 80,000 violations (issue 14):

- **Ids first.** When the list is of one mapped entity and the tiebreak is its primary key,
  the page's ids are read alone (``SELECT id … ORDER BY … LIMIT/OFFSET``), then the page's
  rows are loaded by id. The id query can be answered from an index matching the list's
  filter and sort, and the database drops the outer joins it does not need, so a deep page
  walks an index instead of sorting and discarding whole rows.
- **Bounded counts.** The count reads at most ``LIST_COUNT_BOUND`` + 1 ids; past the bound
  the page says "more than N" (``Page.total_exact`` is false) instead of counting every row.
  On the first page, a list shorter than a page is counted from the page itself.
- **Search through an index.** ``contains`` is ``ILIKE`` on PostgreSQL, which the
  ``pg_trgm`` GIN indexes serve; SQLite renders it as ``lower(col) LIKE lower(?)`` over the
  association's rows, which its (association_id, …) indexes keep to one association.
- **The tiebreak follows the direction**, so "newest first" is one index walked backwards.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, false, func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

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
    total_exact: bool = True
    more: bool = False

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one); past the count bound, the pages known
        so far (this one, and the next if there is one)."""
        known = max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1
        if self.total_exact:
            return known
        return max(known, self.page + (1 if self.more else 0))

    @property
    def has_prev(self) -> bool:
        """Tell whether there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Tell whether there is a page after this one."""
        return self.more if not self.total_exact else self.page < self.pages


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
    if q and (search or search_also):
        conditions = [contains(column, q) for column in search]
        extra = search_also(q) if search_also else None
        if extra is not None:
            conditions.append(extra)
        statement = statement.where(or_(*conditions) if conditions else false())
    sortable = sortable or {}
    key = sort if sort in sortable else (default_sort or next(iter(sortable), ""))
    direction = "desc" if direction == "desc" else "asc"
    if key:
        column = sortable[key]
        statement = statement.order_by(column.desc() if direction == "desc" else column.asc())
    if tiebreak is not None and not (key and _same(sortable[key], tiebreak)):
        # Rows with equal sort keys keep one order, so pages neither repeat nor skip rows;
        # the tiebreak runs the same way as the sort, so that one index walked forwards or
        # backwards gives the whole order.
        ordered = isinstance(tiebreak, UnaryExpression) and tiebreak.modifier is not None
        follows = key and direction == "desc" and not ordered
        statement = statement.order_by(tiebreak.desc() if follows else tiebreak)
    page_number, size = clamp_page(page, per_page if per_page not in (None, "") else None)
    offset = (page_number - 1) * size
    bound = current_app.config.get("LIST_COUNT_BOUND", 10_000)
    key_column = _entity_key(statement, tiebreak) if scalars else None
    if key_column is None:
        counted = statement.order_by(None).limit(bound + 1).subquery()
        total = db.session.scalar(select(func.count()).select_from(counted)) or 0
        result = db.session.execute(statement.limit(size + 1).offset(offset))
        items = list(result.unique().scalars() if scalars else result.unique().all())
        more, items = len(items) > size, items[:size]
        return Page(
            items,
            min(total, bound),
            page_number,
            size,
            q,
            key,
            direction,
            total_exact=total <= bound,
            more=more,
        )
    ids = list(
        db.session.scalars(statement.with_only_columns(key_column).limit(size + 1).offset(offset))
    )
    more = len(ids) > size
    ids = ids[:size]
    if page_number == 1 and not more:
        total, exact = len(ids), True
    else:
        counted = statement.order_by(None).with_only_columns(key_column).limit(bound + 1)
        total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
        exact = total <= bound
        total = min(total, bound)
    items: list[Any] = []
    if ids:
        # The rows by their ids alone (the filters and the search already chose them), with
        # the list's loader options.
        rows = select(key_column.class_).where(key_column.in_(ids))
        rows = rows.options(*statement._with_options)
        found = {
            getattr(row, key_column.key): row for row in db.session.scalars(rows).unique().all()
        }
        items = [found[i] for i in ids if i in found]
    return Page(items, total, page_number, size, q, key, direction, total_exact=exact, more=more)


def contains(column: ColumnElement, q: str) -> ColumnElement:
    """The condition "column holds q", any case: ILIKE on PostgreSQL (served by a pg_trgm
    GIN index where there is one), lower(column) LIKE lower(q) on SQLite."""
    pattern = f"%{_escape_like(q.lower())}%"
    return column.ilike(pattern, escape="\\")


def _entity_key(statement: Select, tiebreak: ColumnElement | None):
    """Return the primary-key column the page's ids can be read by, or None when the list is
    not of one mapped entity ordered down to its primary key (grouped, distinct or several
    columns: those are sliced as they are)."""
    if tiebreak is None or statement._group_by_clauses or statement._distinct:
        return None
    descriptions = statement.column_descriptions
    if len(descriptions) != 1:
        return None
    entity = descriptions[0].get("entity")
    expression = descriptions[0].get("expr")
    if entity is None or expression is not entity:
        return None
    keys = sa_inspect(entity).primary_key
    if len(keys) != 1 or not _same(keys[0], tiebreak):
        return None
    return getattr(entity, keys[0].key)


def _same(a, b) -> bool:
    return getattr(a, "expression", a).compare(getattr(b, "expression", b))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

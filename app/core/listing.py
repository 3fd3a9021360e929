"""Search, sorting and pagination shared by every list page and API list.

How a list stays cheap at 20,000 units and 80,000 violations (issue 14):

- **Ids first.** When the list is of one mapped entity and the tiebreak is its primary key,
  the page's ids are read alone (``SELECT id … ORDER BY … LIMIT/OFFSET``), then the page's
  rows are loaded by id. The id query can be answered from an index matching the list's
  filter and sort, and the database drops the outer joins it does not need, so a deep page
  walks an index instead of sorting and discarding whole rows.
- **Bounded counts.** The count reads at most ``LIST_COUNT_BOUND`` + 1 ids; past the bound
  the page says "more than N" (``Page.total_exact`` is false) instead of counting every row.
  On the first page, a list shorter than a page is counted from the page itself; a page
  that starts past the bound and has rows needs no count (there are more than N).
- **Search through an index.** ``contains`` is ``ILIKE`` on PostgreSQL, which the
  ``pg_trgm`` GIN indexes serve; SQLite renders it as ``lower(col) LIKE lower(?)`` over the
  association's rows, which its (association_id, …) indexes keep to one association.
- **The tiebreak follows the direction**, so "newest first" is one index walked backwards.
- **Keyset for next and previous.** Every page carries an opaque cursor for the page after
  it (``Page.next_cursor``, the sort value and tiebreak of its last row) and before it
  (``Page.prev_cursor``, of its first row). ``?page=N&after=…`` then seeks in the index
  (``WHERE (sort, id) > (…) … LIMIT``) instead of walking ``(N − 1) × size`` rows; a page
  number alone still works (``OFFSET``). A cursor names the page, size, sort, direction and
  the other arguments it was made for: one that does not fit this request, or cannot be
  read, is refused on the API (422) and ignored on pages (the page is read by number).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import Select, false, func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from app.core.cursors import PAGE_ARGS, beyond, make_cursor, nullable_in, read_cursor
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
    next_cursor: str | None = None
    prev_cursor: str | None = None
    sought: bool = False  # read by a cursor (keyset) rather than by OFFSET

    def link(self, which: str = "next") -> str | None:
        """Return the path of the page after (``next``) or before (``prev``) this one, with
        its cursor, keeping the request's other arguments; None when there is none."""
        if not has_request_context():
            return None
        if which == "next":
            if not self.has_next:
                return None
            number, values = self.page + 1, {"after": self.next_cursor}
        else:
            if not self.has_prev:
                return None
            number = self.page - 1
            values = {"before": self.prev_cursor} if number > 1 else {}
        args = [(k, v) for k, v in request.args.items(multi=True) if k not in PAGE_ARGS]
        args.append(("page", str(number)))
        args += [(k, v) for k, v in values.items() if v]
        return f"{request.path}?{urlencode(args)}"

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
    after: str | None = None,
    before: str | None = None,
) -> Page:
    """Filter by ``q`` over ``search`` columns, order by a whitelisted key, and slice.

    ``search_also(q)`` may add one more condition a row can match instead (the audit log
    finds "cured" among its actions' words). ``after`` / ``before`` are the cursors of
    ``Page.next_cursor`` / ``Page.prev_cursor``: the page is then sought from that row.
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
    # The order as (expression, descending[, nullable]): a keyset needs it, and only when
    # paginate made the whole order (a statement ordered by its caller is sliced by OFFSET).
    order: list[tuple] | None = [] if not statement._order_by_clauses else None
    if key:
        column = sortable[key]
        statement = statement.order_by(column.desc() if direction == "desc" else column.asc())
        if order is not None:
            order.append((column, direction == "desc"))
    if tiebreak is not None and not (key and _same(sortable[key], tiebreak)):
        # Rows with equal sort keys keep one order, so pages neither repeat nor skip rows;
        # the tiebreak runs the same way as the sort, so that one index walked forwards or
        # backwards gives the whole order.
        ordered = isinstance(tiebreak, UnaryExpression) and tiebreak.modifier is not None
        follows = key and direction == "desc" and not ordered
        statement = statement.order_by(tiebreak.desc() if follows else tiebreak)
        if order is not None:
            if ordered:
                descending = tiebreak.modifier is operators.desc_op
                order.append((tiebreak.element, descending))
            else:
                order.append((tiebreak, bool(follows)))
    elif tiebreak is None:
        order = None
    page_number, size = clamp_page(page, per_page if per_page not in (None, "") else None)
    offset = (page_number - 1) * size
    bound = current_app.config.get("LIST_COUNT_BOUND", 10_000)
    key_column = _entity_key(statement, tiebreak) if scalars else None
    if order is not None and (statement._group_by_clauses or statement._distinct):
        order = None
    if order is not None:
        own = getattr(getattr(order[-1][0], "expression", order[-1][0]), "table", None)
        order = [(e, d, nullable_in(e, own)) for e, d in order]
    seek = read_cursor(after, before, order, page_number, size, key, direction)
    sliced = statement
    if seek is not None:
        values, forward = seek
        sliced = statement.where(beyond(order, values, forward))
        if not forward:
            sliced = sliced.order_by(None).order_by(
                *(e.asc() if descending else e.desc() for e, descending, _n in order)
            )
        offset = 0
    extra_columns = [e for e, _d, _n in order] if order is not None else []
    if key_column is None:
        width = len(statement.column_descriptions)
        if extra_columns:
            sliced = sliced.add_columns(
                *(e.label(f"_listing_{n}") for n, e in enumerate(extra_columns))
            )
        frozen = db.session.execute(sliced.limit(size + 1).offset(offset or None)).freeze()
        result = frozen().columns(*range(width)).unique()
        rows = list(result.scalars() if scalars else result.all())
        keys = []
        if extra_columns:
            # One key per row (a joined collection repeats a row; unique() drops it above).
            ends = frozen().columns(*range(width, width + len(extra_columns)))
            keys = list(dict.fromkeys(tuple(row) for row in ends))
        counted = statement.order_by(None)
    elif order is not None:
        columns = [key_column, *(e.label(f"_listing_{n}") for n, e in enumerate(extra_columns))]
        found = db.session.execute(
            sliced.with_only_columns(*columns).limit(size + 1).offset(offset or None)
        ).all()
        rows, keys = [row[0] for row in found], [tuple(row[1:]) for row in found]
        counted = statement.order_by(None).with_only_columns(key_column)
    else:
        by_ids = sliced.with_only_columns(key_column).limit(size + 1).offset(offset or None)
        rows, keys = list(db.session.scalars(by_ids)), []
        counted = statement.order_by(None).with_only_columns(key_column)
    if seek is not None and not seek[1]:
        rows, keys = rows[::-1], keys[::-1]
    rows, keys, more = _trim(rows, keys, size, seek)
    total, exact = _known_total(page_number, size, bound, len(rows), more)
    if total is None:
        counted = counted.limit(bound + 1).subquery()
        total = db.session.scalar(select(func.count()).select_from(counted)) or 0
        exact = total <= bound
        total = min(total, bound)
    items = rows if key_column is None else _by_ids(statement, key_column, rows)
    page_ = Page(
        items,
        total,
        page_number,
        size,
        q,
        key,
        direction,
        total_exact=exact,
        more=more,
        sought=seek is not None,
    )
    return _with_cursors(page_, keys, order)


def _by_ids(statement: Select, key_column, ids: list) -> list[Any]:
    """The rows by their ids alone (the filters and the search already chose them), with
    the list's loader options, in the ids' order."""
    if not ids:
        return []
    found_rows = select(key_column.class_).where(key_column.in_(ids))
    found_rows = found_rows.options(*statement._with_options)
    found = {
        getattr(row, key_column.key): row for row in db.session.scalars(found_rows).unique().all()
    }
    return [found[i] for i in ids if i in found]


def _known_total(number: int, size: int, bound: int, rows: int, more: bool):
    """Return (total, exact) when the page itself tells, else (None, None) to count: a
    first page shorter than a page is its own count, and a page with rows past the bound
    (a deep page) says "more than the bound" without reading the bound's ids."""
    if number == 1 and not more:
        return rows, True
    if rows and (number - 1) * size >= bound:
        return bound, False
    return None, None


# --- keyset pagination (the cursors themselves: app/core/cursors.py) -------------------


def _trim(rows: list, keys: list, size: int, seek) -> tuple[list, list, bool]:
    """Cut the size + 1 rows read to the page; tell whether rows follow it."""
    if seek is not None and not seek[1]:
        # Sought backwards: the extra row (if any) is the one before the page; the rows
        # after the page are there, the cursor's own row among them.
        extra = len(rows) > size
        return rows[-size:] if extra else rows, keys[-size:] if extra else keys, True
    return rows[:size], keys[:size], len(rows) > size


def _with_cursors(page: Page, keys: list[tuple], order) -> Page:
    if order is None or not keys:
        return page
    if page.has_next:
        page.next_cursor = make_cursor(keys[-1], page.page + 1, page, forward=True)
    if page.page > 2:
        page.prev_cursor = make_cursor(keys[0], page.page - 1, page, forward=False)
    return page


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

"""The navigation bar, built from what the features register with it.

Core knows no feature: each one registers, from its ``shell`` module, the links it adds in
the association at hand (``section``), the administration links (``administration``) and
the badges beside the user menu (``badge``), each with the predicate that decides whether
the signed-in user sees it. The association switcher and the role label come from the
package that knows associations and roles (``set_switcher``, ``set_role_label``).

What the bar costs (issue 14): the links and the role label are predicates over the
memberships, which are read once per request; the switcher's names are read with them (one
statement, ``app.associations.shell``). Badges are SQL counts (``badge(name, make,
query=…)``): all of them are computed together, in that same statement on a page (the
package that reads the memberships adds ``badge_columns``), else in one statement of their
own. Nothing is cached across requests, so a vote or a new role shows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, request, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, select

from app.extensions import db


@dataclass(frozen=True)
class NavItem:
    """One link in the navigation."""

    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class Badge:
    """A count beside the user menu that asks for action, e.g. "3 await my vote"."""

    label: str
    url: str
    count: int


@dataclass(frozen=True)
class Navigation:
    """The links, badges and the association switcher for one request."""

    items: list[NavItem]
    global_items: list[NavItem]
    associations: list[tuple[int, str]]
    current_id: int | None
    current_name: str | None
    role_label: str
    badges: list[Badge]


@dataclass(frozen=True)
class _Entry:
    order: int
    label: Any  # a lazy string: translated when the bar is drawn
    endpoint: str
    shows: Callable[..., bool]


_SECTION: dict[str, _Entry] = {}
_ADMINISTRATION: dict[str, _Entry] = {}
_BADGES: dict[str, Callable[[Any], Badge | None]] = {}
_BADGE_QUERIES: dict[str, tuple[Callable[[Any], Any], Callable[[int], Badge | None]]] = {}
_providers: dict[str, Callable[..., Any]] = {}


def section(
    endpoint: str, label, *, order: int, shows: Callable[[Any, int], bool] | None = None
) -> None:
    """Add a link to every association's section of the bar (``endpoint`` takes ``aid``).

    ``shows(user, association_id)`` decides whether the user sees it; by default everyone
    who may see the association does.
    """
    _SECTION[endpoint] = _Entry(order, label, endpoint, shows or (lambda user, aid: True))


def administration(
    endpoint: str, label, *, order: int, shows: Callable[[Any], bool] | None = None
) -> None:
    """Add a link to the administration menu; ``shows(user)`` decides who sees it."""
    _ADMINISTRATION[endpoint] = _Entry(order, label, endpoint, shows or (lambda user: True))


def badge(
    name: str,
    count: Callable[..., Badge | None],
    *,
    query: Callable[[Any], Any] | None = None,
) -> None:
    """Add a badge beside the user menu.

    With ``query(user)`` (a SELECT of one count), ``count(number)`` makes the badge from the
    number, and every such badge is counted in one statement (``badge_columns``); without
    it ``count(user)`` returns the badge itself. None (or a zero count) hides it.
    """
    if query is not None:
        _BADGE_QUERIES[name] = (query, count)
    else:
        _BADGES[name] = count


def badge_columns(user) -> list[ColumnElement]:
    """Return the badges' counts for the user as labelled scalar subqueries, for the
    statement that reads the user's memberships to add (then ``remember_badge_counts``)."""
    return [
        query(user).scalar_subquery().label(f"badge_{n}")
        for n, (query, _make) in enumerate(_BADGE_QUERIES.values())
    ]


def folds_badges(user) -> bool:
    """Tell whether this request's membership statement should count the badges: a page
    (not the API) read for the signed-in user, before anything in it could change them."""
    return (
        bool(_BADGE_QUERIES)
        and has_request_context()
        and request.method in ("GET", "HEAD")
        and not request.path.startswith("/api/")
        # The signed-in user as Flask-Login already loaded it (never loading it from here).
        and getattr(g.get("_login_user"), "is_authenticated", False)
        and getattr(g.get("_login_user"), "id", None) == getattr(user, "id", -1)
    )


def remember_badge_counts(user, counts: list[int]) -> None:
    """Keep the badges' counts read with the memberships, for this request's bar."""
    if has_request_context():
        g._badge_counts = (user.id, list(counts))


def forget_badge_counts() -> None:
    """Drop the counts read earlier in this request (after a change they count)."""
    if has_request_context():
        g.pop("_badge_counts", None)


def _badge_counts(user) -> list[int]:
    remembered = g.get("_badge_counts")
    if (
        remembered is not None
        and remembered[0] == user.id
        and len(remembered[1]) == len(_BADGE_QUERIES)
    ):
        return remembered[1]
    if not _BADGE_QUERIES:
        return []
    return list(db.session.execute(select(*badge_columns(user))).one())


def set_switcher(associations: Callable[[Any], list[tuple[int, str]]]) -> None:
    """Say how to list the associations a user may switch to, as (id, name)."""
    _providers["switcher"] = associations


def set_role_label(describe: Callable[[Any, int], str]) -> None:
    """Say how to describe a user's roles in an association ("Board (treasurer)")."""
    _providers["role_label"] = describe


def _item(label, endpoint: str, *, sole_of_blueprint: bool = False, **values) -> NavItem:
    url = url_for(endpoint, **values)
    # Active on its own page, on the pages below it (a unit under Units) and, for the one
    # link of a feature, on every page of that feature (Inspections under Violations).
    active = (
        request.endpoint == endpoint
        or (request.path.startswith(url) and url.count("/") > 2 and not url.endswith("/"))
        or (sole_of_blueprint and request.blueprint == endpoint.partition(".")[0])
    )
    return NavItem(str(label), url, active)


def for_request() -> Navigation | None:
    """Return the navigation for the current user, or None when signed out."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return None  # PDFs rendered by jobs and commands have no navigation
    user = current_user._get_current_object()
    switcher = _providers.get("switcher")
    associations = switcher(user) if switcher else []
    association = g.get("association")
    items: list[NavItem] = []
    role_label = ""
    if association is not None:
        aid = association.id
        blueprints = [e.endpoint.partition(".")[0] for e in _SECTION.values()]
        for entry in sorted(_SECTION.values(), key=lambda e: e.order):
            if entry.shows(user, aid):
                sole = blueprints.count(entry.endpoint.partition(".")[0]) == 1
                items.append(_item(entry.label, entry.endpoint, sole_of_blueprint=sole, aid=aid))
        describe = _providers.get("role_label")
        role_label = describe(user, aid) if describe else ""
    global_items = [
        _item(entry.label, entry.endpoint)
        for entry in sorted(_ADMINISTRATION.values(), key=lambda e: e.order)
        if entry.shows(user)
    ]
    counted = [
        make(number or 0)
        for number, (_query, make) in zip(_badge_counts(user), _BADGE_QUERIES.values(), strict=True)
    ]
    called = [count(user) for count in _BADGES.values()]
    badges = [b for b in (*counted, *called) if b and b.count]
    return Navigation(
        items,
        global_items,
        associations,
        association.id if association is not None else None,
        association.name if association is not None else None,
        role_label,
        badges,
    )

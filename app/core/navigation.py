"""The navigation bar, built from what the features register with it.

Core knows no feature: each one registers, from its ``shell`` module, the links it adds in
the association at hand (``section``), the administration links (``administration``) and
the badges beside the user menu (``badge``), each with the predicate that decides whether
the signed-in user sees it. The association switcher and the role label come from the
package that knows associations and roles (``set_switcher``, ``set_role_label``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, request, url_for
from flask_login import current_user


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


def badge(name: str, count: Callable[[Any], Badge | None]) -> None:
    """Add a badge beside the user menu; ``count(user)`` returns it, or None to hide it."""
    _BADGES[name] = count


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
    badges = [b for b in (count(user) for count in _BADGES.values()) if b and b.count]
    return Navigation(
        items,
        global_items,
        associations,
        association.id if association is not None else None,
        association.name if association is not None else None,
        role_label,
        badges,
    )

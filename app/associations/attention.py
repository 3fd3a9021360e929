"""What needs attention in each association, as the features count it, and the panels a
feature adds to an association's overview and to a unit's page.

Associations know no feature: compliance, vendors, approvals and mail register a counter
(``register_counter``) and, for the overview, a panel (``register_panel``). A counter
answers for many associations at once with a fixed number of queries, counts grouped by
association, so that the manager's landing page costs the same for 2 associations or 200.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case

from app.core import clock


@dataclass(frozen=True)
class Attention:
    """One thing to act on in an association: "3 violations are due", with its page."""

    label: str
    count: int
    url: str
    level: str = "warning"  # Bootstrap contextual class: danger, warning, info


@dataclass(frozen=True)
class Scope:
    """The associations a counter answers for, with each one's today and its viewer."""

    user: Any
    ids: list[int]
    today: dict[int, date]

    def today_of(self, column, plus_days: int = 0):
        """Return a SQL expression for today (or ``plus_days`` later) in the association
        that ``column`` names, each association in its own time zone."""
        shift = timedelta(days=plus_days)
        return case({aid: day + shift for aid, day in self.today.items()}, value=column)


Counter = Callable[[Scope], dict[int, list[Attention]]]
_COUNTERS: dict[str, tuple[int, Counter]] = {}
_PANELS: dict[str, tuple[str, int, str, Callable[[Any, Any], dict | None]]] = {}


def register_counter(name: str, counter: Counter, *, order: int) -> None:
    """Add a counter: ``counter(scope)`` returns ``{association_id: [Attention]}``."""
    _COUNTERS[name] = (order, counter)


def register_panel(
    name: str,
    template: str,
    values: Callable[[Any, Any], dict | None],
    *,
    order: int,
    page: str = "association",
) -> None:
    """Add a panel to a page: the association's overview (``page="association"``) or a
    unit's page (``"unit"``). ``values(record, user)`` returns the template's values, or
    None when the panel has nothing to show this user."""
    _PANELS[name] = (page, order, template, values)


def for_associations(associations: Iterable, user) -> dict[int, list[Attention]]:
    """Return what needs the user's attention in each association, most urgent first."""
    associations = list(associations)
    result: dict[int, list[Attention]] = {a.id: [] for a in associations}
    if not associations:
        return result
    scope = Scope(
        user=user,
        ids=[a.id for a in associations],
        today={a.id: clock.today(a.time_zone) for a in associations},
    )
    for _order, counter in sorted(_COUNTERS.values(), key=lambda item: item[0]):
        for aid, items in counter(scope).items():
            result.setdefault(aid, []).extend(i for i in items if i.count)
    levels = {"danger": 0, "warning": 1, "info": 2}
    for items in result.values():
        items.sort(key=lambda i: levels.get(i.level, 3))
    return result


def panels_for(record, user, page: str = "association") -> list[tuple[str, dict]]:
    """Return (template, values) for the page's panels this user sees, in order."""
    shown = []
    panels = sorted((p for p in _PANELS.values() if p[0] == page), key=lambda p: p[1])
    for _page, _order, template, values in panels:
        context = values(record, user)
        if context is not None:
            shown.append((template, context))
    return shown

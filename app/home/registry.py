"""Sections of the owner's home, registered by features."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass
class Item:
    """One line of a section: what it is, a link, and a detail in plain words."""

    text: str
    url: str | None = None
    detail: str = ""
    urgent: bool = False
    action: tuple[str, str] | None = None  # (label, url): what the owner can do now


@dataclass
class Section:
    """What a feature shows on the home: items, and whether something needs attention."""

    items: list[Item] = field(default_factory=list)
    attention: int = 0  # how many things ask the owner to act
    more_url: str | None = None
    more_label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Slot:
    """A place on the home page: its heading and what it says when empty."""

    name: str
    title: Any
    empty: Any
    order: int


# The home's places, in page order. Features fill them; unfilled ones show their empty state.
SLOTS = [
    Slot("units", _l("Your home"), _l("No unit is linked to your account yet."), 10),
    Slot("violations", _l("Open matters"), _l("Nothing is open. All is well."), 20),
    Slot("letters", _l("Your letters"), _l("No letters."), 30),
    Slot("notices", _l("Unread notices"), _l("You have read every notice."), 40),
    Slot("meetings", _l("Upcoming meetings"), _l("No meetings are scheduled."), 50),
    Slot("records", _l("Budgets and minutes"), _l("Nothing has been published yet."), 60),
    Slot("documents", _l("Documents"), _l("No documents yet."), 70),
]

_PROVIDERS: dict[str, list[Callable[..., Section | None]]] = {}


def section(name: str):
    """Register ``function(user, association) -> Section | None`` for a slot."""
    if name not in {slot.name for slot in SLOTS}:
        raise KeyError(f"unknown home section {name!r}")

    def decorate(function):
        _PROVIDERS.setdefault(name, []).append(function)
        return function

    return decorate


def build(user, association) -> list[tuple[Slot, Section | None]]:
    """Return every slot with what its providers gave (merged), in page order."""
    result = []
    for slot in sorted(SLOTS, key=lambda s: s.order):
        merged: Section | None = None
        for provider in _PROVIDERS.get(slot.name, []):
            part = provider(user, association)
            if part is None:
                continue
            if merged is None:
                merged = Section(
                    items=list(part.items),
                    attention=part.attention,
                    more_url=part.more_url,
                    more_label=part.more_label,
                    extra=dict(part.extra),
                )
            else:
                merged.items.extend(part.items)
                merged.attention += part.attention
                merged.extra.update(part.extra)
                merged.more_url = merged.more_url or part.more_url
                merged.more_label = merged.more_label or part.more_label
        result.append((slot, merged))
    return result

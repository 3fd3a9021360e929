"""What other packages plug into the ladder without compliance importing them.

- ``register_hearing_venue(fn)``: ``fn(violation, hearing, meeting_id, actor)`` places a
  scheduled (or moved) hearing at a board meeting and sets ``hearing.meeting_id`` and
  ``hearing.agenda_item_id`` (the meetings package registers it: ``app/meetings/hearings.py``).
- ``register_fine_opened(fn)``: ``fn(fine, request, actor)`` runs once a fine's approval
  request opened (the meetings package puts it on the hearing's agenda item).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HEARING_VENUES: list[Callable[..., None]] = []
_FINE_OPENED: list[Callable[..., None]] = []


def register_hearing_venue(fn: Callable[..., None]) -> Callable[..., None]:
    """Register how a hearing is placed at a meeting (one is expected)."""
    if fn not in _HEARING_VENUES:
        _HEARING_VENUES.append(fn)
    return fn


def register_fine_opened(fn: Callable[..., None]) -> Callable[..., None]:
    """Register what follows a fine's approval request opening."""
    if fn not in _FINE_OPENED:
        _FINE_OPENED.append(fn)
    return fn


def place_hearing(violation: Any, hearing: Any, meeting_id: Any, actor: Any) -> None:
    """Place the hearing at a meeting through the registered venue."""
    for fn in _HEARING_VENUES:
        fn(violation, hearing, meeting_id, actor)


def fine_opened(fine: Any, request: Any, actor: Any) -> None:
    """Tell the registered packages that a fine went to the board."""
    for fn in _FINE_OPENED:
        fn(fine, request, actor)

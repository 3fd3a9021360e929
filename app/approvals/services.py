"""The approval engine's workflow: open, vote, decide, withdraw, thresholds. These are the
names the features use, imported as ``approvals`` (``from app.approvals import services as
approvals``); the engine imports no feature package.

Each name lives in the module of what it does: ``thresholds`` (who decides and how many votes
carry a request), ``submission`` (open, find and withdraw a request), ``voting`` (votes and
the decision), ``meeting_decisions`` (agenda items, motions and emergency consent) and
``listing`` (requests waiting for a vote, and facts about many requests). Code inside
``app.approvals`` imports from those modules.
"""

from __future__ import annotations

from app.approvals.listing import (
    associations_of,
    awaiting_count,
    awaiting_count_query,
    awaiting_vote,
    briefs_of,
)
from app.approvals.meeting_decisions import (
    decide_by_motion,
    declare_emergency,
    place_on_agenda,
    release_from_agenda,
)
from app.approvals.submission import get_request, open_request, withdraw_by_rule, withdraw_request
from app.approvals.thresholds import required_votes, seated_board_ids, set_threshold, threshold_for
from app.approvals.voting import cast_vote

__all__ = [
    "associations_of",
    "awaiting_count",
    "awaiting_count_query",
    "awaiting_vote",
    "briefs_of",
    "cast_vote",
    "decide_by_motion",
    "declare_emergency",
    "get_request",
    "open_request",
    "place_on_agenda",
    "release_from_agenda",
    "required_votes",
    "seated_board_ids",
    "set_threshold",
    "threshold_for",
    "withdraw_by_rule",
    "withdraw_request",
]

"""The ``meeting`` venue: how the approval engine answers an online vote on a request the
board decides at a meeting. Registered on import (app.models imports it)."""

from __future__ import annotations

from flask_babel import gettext as _

from app.approvals import venues


class MeetingVenue(venues.Venue):
    """Requests decided by a motion at a board meeting."""

    name = venues.MEETING

    def online_vote_refusal(self, request, rule) -> str:
        """Name the rule and say how the request is decided instead."""
        return _(
            "%(rule)s Put it on a board meeting's agenda (POST /api/v1/meetings/{id}/"
            "agenda-items with approval_id %(id)d); the motion on that item decides it.",
            rule=rule.rule,
            id=request.id,
        )


venues.register_venue(MeetingVenue())

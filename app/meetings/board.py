"""The seated board of an association: its members' offices and what makes a quorum."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import Membership
from app.extensions import db
from app.meetings.models import Meeting


def board_offices(association_id: int) -> dict[int, str]:
    """Return the seated board members' offices by user id."""
    return dict(
        db.session.execute(
            select(Membership.user_id, Membership.office).where(
                Membership.association_id == association_id, Membership.role == "board"
            )
        ).all()
    )


def quorum_needed(association_id: int) -> int:
    """Return how many board members make a quorum: a majority of the seated board."""
    return len(board_offices(association_id)) // 2 + 1


def quorum_present(meeting: Meeting) -> bool:
    """Tell whether a majority of the seated board is present."""
    seated = set(board_offices(meeting.association_id))
    return bool(seated) and len(meeting.present_ids & seated) >= len(seated) // 2 + 1

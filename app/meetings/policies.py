"""Who may see and run meetings."""

from __future__ import annotations

from app.auth import policies
from app.auth.models import User
from app.meetings.models import Meeting, MeetingKind


def is_secretary(user: User | None, association_id: int) -> bool:
    """Tell whether the user is the board member holding the office of secretary."""
    return policies.is_board(user, association_id) and "secretary" in policies.offices_in(
        user, association_id
    )


def can_schedule(user: User | None, association_id: int) -> bool:
    """The manager or the secretary schedules meetings."""
    return policies.is_manager(user, association_id) or is_secretary(user, association_id)


def can_run(user: User | None, meeting: Meeting) -> bool:
    """The manager or the secretary builds the agenda and records the meeting."""
    return can_schedule(user, meeting.association_id)


def can_cancel(user: User | None, meeting: Meeting) -> bool:
    """Only the manager cancels a meeting."""
    return policies.is_manager(user, meeting.association_id)


def sees_executive(user: User | None, association_id: int) -> bool:
    """Managers and board members see executive sessions; owners never do."""
    return policies.is_manager(user, association_id) or policies.is_board(user, association_id)


def can_view(user: User | None, meeting: Meeting) -> bool:
    """Any member sees an open meeting; an executive session only managers and the board."""
    if not policies.is_member(user, meeting.association_id):
        return False
    if meeting.kind == MeetingKind.EXECUTIVE:
        return sees_executive(user, meeting.association_id)
    return True

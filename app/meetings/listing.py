"""Reading meetings: those a person may see, and the board meetings that can still take
an agenda item."""

from __future__ import annotations

from sqlalchemy import select

from app.approvals.models import ApprovalRequest
from app.associations.models import Association
from app.auth.models import User
from app.core import clock
from app.extensions import db
from app.meetings import policies, rules
from app.meetings.models import BOARD_KINDS, Meeting, MeetingKind, MeetingStatus
from app.meetings.profiles import meeting_rules


def meetings_query(user: User, association_id: int, *, upcoming: bool = False):
    """Return the association's meetings the user may see (owners: no executive sessions)."""
    statement = select(Meeting).where(Meeting.association_id == association_id)
    if not policies.sees_executive(user, association_id):
        statement = statement.where(Meeting.kind != MeetingKind.EXECUTIVE)
    if upcoming:
        statement = statement.where(Meeting.starts_at >= clock.now())
    return statement


def next_meetings_for(approval: ApprovalRequest) -> list[Meeting]:
    """Return the scheduled board meetings whose notice period still allows adding an item,
    soonest first (what "Submit to the board" offers)."""
    association = db.session.get(Association, approval.association_id)
    profile_rules = meeting_rules(association.compliance_profile)
    now = clock.now()
    found = []
    for meeting in db.session.scalars(
        select(Meeting)
        .where(
            Meeting.association_id == approval.association_id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.kind.in_([k.value for k in BOARD_KINDS]),
            Meeting.starts_at >= now,
        )
        .order_by(Meeting.starts_at)
    ):
        period = rules.period_for(profile_rules, meeting.kind, {i.kind for i in meeting.agenda})
        if meeting.emergency or rules.allows(period, meeting.starts_at, association.time_zone, now):
            found.append(meeting)
    return found

"""How the demo's board decides: online where the association's venue allows it, else at a
board meeting held through the meetings services (notice, agenda, attendance, motion,
votes, adjournment, the minutes drafted from the record)."""

from __future__ import annotations

from datetime import timedelta

from app.approvals import services as approvals
from app.approvals import venues
from app.approvals.models import ApprovalRequest
from app.associations.models import Association
from app.auth.models import User
from app.core import clock
from app.extensions import db
from app.meetings import agenda, minutes, minutes_draft, proceedings, scheduling
from app.meetings.board import board_offices
from app.meetings.models import Meeting, MeetingStatus


class DemoBoard:
    """Decides the demo's requests the way each association's venue requires."""

    def __init__(self, manager: User):
        self.manager = manager

    def approve(self, request: ApprovalRequest, comments=()) -> None:
        """Approve a request: the first three eligible members online, or a motion carried
        at a board meeting held now (noticed a week earlier)."""
        if venues.venue_of(request) == venues.ONLINE:
            for voter_id, comment in zip(
                request.eligible_voter_ids[:3], [*comments, "", "", ""], strict=False
            ):
                approvals.cast_vote(
                    request.id,
                    voter=db.session.get(User, voter_id),
                    choice="approve",
                    comment=comment,
                )
            return
        association = db.session.get(Association, request.association_id)
        held_at = clock.now() - timedelta(minutes=1)
        before = clock.frozen_at()
        clock.freeze(held_at - timedelta(days=7))
        try:
            meeting = scheduling.schedule_meeting(
                association,
                kind="board",
                starts_at=held_at,
                location="Clubhouse",
                purpose="Regular meeting of the board.",
                actor=self.manager,
            )
            item = agenda.add_agenda_item(
                meeting, title=request.title[:200], approval_id=request.id, actor=self.manager
            )
        finally:
            if before is None:
                clock.unfreeze()
            else:
                clock.freeze(before)
        self._hold(meeting, item, request)

    def _hold(self, meeting: Meeting, item, request: ApprovalRequest) -> None:
        for user_id in board_offices(meeting.association_id):
            proceedings.record_attendance(
                meeting, user_id=user_id, present=True, actor=self.manager
            )
        eligible = request.eligible_voter_ids
        motion = proceedings.move_motion(
            meeting,
            text=f"Approve: {request.title}"[:2000],
            agenda_item_id=item.id,
            moved_by=eligible[0],
            seconded_by=eligible[1],
            actor=self.manager,
        )
        for user_id in eligible:
            if motion.result != "open":
                break
            proceedings.vote_on_motion(motion, user_id=user_id, choice="yes", actor=self.manager)
        proceedings.adjourn_meeting(meeting, actor=self.manager)
        # The secretary's work after the meeting: the minutes, drafted from the record.
        association = db.session.get(Association, meeting.association_id)
        minutes.save_minutes(
            meeting, body=minutes_draft.draft_from_record(meeting, association), actor=self.manager
        )

    def begin(self, request: ApprovalRequest, voter: User, comment: str) -> None:
        """Start the board's decision: one member's vote online, or the request on the
        agenda of a board meeting two weeks ahead."""
        if venues.venue_of(request) == venues.ONLINE:
            approvals.cast_vote(request.id, voter=voter, choice="approve", comment=comment)
            return
        association = db.session.get(Association, request.association_id)
        meeting = db.session.query(Meeting).filter_by(
            association_id=association.id, status=MeetingStatus.SCHEDULED.value, kind="board"
        ).first() or scheduling.schedule_meeting(
            association,
            kind="board",
            starts_at=clock.now() + timedelta(days=14),
            location="Community center",
            purpose="Regular meeting of the board.",
            actor=self.manager,
        )
        agenda.add_agenda_item(
            meeting, title=request.title[:200], approval_id=request.id, actor=self.manager
        )

    def place_pending(self) -> None:
        """Every request still waiting for a meeting goes on the next board meeting's agenda
        (one is scheduled two weeks ahead where none is), as a manager would prepare it."""
        from sqlalchemy import select

        waiting = db.session.scalars(
            select(ApprovalRequest).where(
                ApprovalRequest.status == "pending",
                ApprovalRequest.venue == venues.MEETING,
                ApprovalRequest.agenda_item_id.is_(None),
            )
        ).all()
        for request in waiting:
            self.begin(request, voter=None, comment="")

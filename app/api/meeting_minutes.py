"""The minutes of a meeting (the draft from the record, writing them, putting them to the board)
and the meeting report."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _

from app.api.meeting_schemas import (
    PDF,
    MinutesBodySchema,
    MinutesDraftSchema,
    MinutesSchema,
    MinutesSubmittedSchema,
)
from app.api.meetings import blp, meeting_for
from app.api.setup import association_for, caller
from app.core.errors import NotAllowed, NotFound
from app.core.pdf import pdf_response
from app.extensions import db
from app.meetings import minutes as minutes_service
from app.meetings import minutes_draft, policies, report


@blp.route("/meetings/<int:meeting_id>/minutes/draft")
class MinutesDraft(MethodView):
    @blp.response(200, MinutesDraftSchema)
    @blp.alt_response(403, description="Not a manager or board member")
    def get(self, meeting_id):
        """Return minutes drafted from the record (attendance, quorum, each agenda item and
        motion with mover, seconder, each member's vote and result) for editing."""
        meeting = meeting_for(meeting_id)
        if not policies.sees_executive(caller(), meeting.association_id):
            raise NotAllowed(_("The draft is for the manager and the board."))
        association = association_for(meeting.association_id)
        return {"body": minutes_draft.draft_from_record(meeting, association)}


@blp.route("/meetings/<int:meeting_id>/minutes")
class Minutes(MethodView):
    @blp.arguments(MinutesBodySchema)
    @blp.response(200, MinutesSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="Pending approval or approved, or a cancelled meeting")
    def put(self, body, meeting_id):
        """Write the minutes (Markdown; manager, secretary); rejected minutes become a
        draft again."""
        meeting = meeting_for(meeting_id)
        minutes_service.save_minutes(meeting, body=body["body"], actor=caller())
        db.session.commit()
        return minutes_service.for_reader(caller(), meeting)


@blp.route("/meetings/<int:meeting_id>/minutes/submit")
class MinutesSubmit(MethodView):
    @blp.response(200, MinutesSubmittedSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="Not written, already before the board, or too early")
    def post(self, meeting_id):
        """Put the minutes to the board (manager, secretary) through the approval engine;
        where the venue is a meeting (CA) a later meeting's motion approves them."""
        meeting = meeting_for(meeting_id)
        request_row = minutes_service.submit_minutes(meeting, actor=caller())
        db.session.commit()
        return {"approval_id": request_row.id, "venue": request_row.venue}


@blp.route("/meetings/<int:meeting_id>/report.pdf")
class MeetingReport(MethodView):
    @blp.doc(responses={"200": {"description": "The meeting report", **PDF}})
    def get(self, meeting_id):
        """Return the meeting report PDF; owners only once they may read the minutes."""
        meeting = meeting_for(meeting_id)
        if not minutes_service.may_read(caller(), meeting):
            raise NotFound(_("No such meeting report."))
        association = association_for(meeting.association_id)
        return pdf_response(report.report_pdf(meeting, association), f"meeting-{meeting.id}.pdf")

"""The board packet: built in the background, followed as a job, opened as a PDF."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _

from app.api.meeting_schemas import PDF, JobAcceptedSchema, JobSchema
from app.api.meetings import blp, meeting_for
from app.api.setup import association_for, caller
from app.core.errors import NotFound
from app.core.pdf import pdf_response
from app.extensions import db
from app.meetings import packet as packets
from app.meetings import policies


@blp.route("/meetings/<int:meeting_id>/packet")
class Packet(MethodView):
    @blp.response(202, JobAcceptedSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="A cancelled meeting")
    def post(self, meeting_id):
        """Build the board packet in the background (manager, secretary); follow it with
        ``GET /jobs/{job_id}``."""
        meeting = meeting_for(meeting_id)
        row = packets.request_packet(meeting, actor=caller())
        db.session.commit()
        return {"job_id": row.job_id}


@blp.route("/meetings/<int:meeting_id>/packet.pdf")
class PacketPdf(MethodView):
    @blp.doc(responses={"200": {"description": "The latest board packet", **PDF}})
    def get(self, meeting_id):
        """Return the latest built packet (manager, board; 404 until one is built); the
        open is recorded."""
        meeting = meeting_for(meeting_id)
        data = packets.open_packet(meeting, caller())
        db.session.commit()
        return pdf_response(data, f"board-packet-{meeting.id}.pdf")


@blp.route("/jobs/<int:job_id>")
class JobItem(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """Return a background job's progress (its association's managers and board)."""
        row = packets.for_job(job_id)
        if row is None:
            raise NotFound(_("No such job."))
        association_for(row.association_id)
        if not policies.sees_executive(caller(), row.association_id):
            raise NotFound(_("No such job."))
        return {
            "id": job_id,
            "status": row.status,
            "progress": row.progress,
            "total": row.total,
            "error": row.error,
            "result_url": f"/api/v1/meetings/{row.meeting_id}/packet.pdf"
            if row.status == "done"
            else None,
        }

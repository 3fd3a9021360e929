"""Due process on a violation: the hearing (its notice, its record, the evidence packet) and
its fines (proposed to the board, settled)."""

from __future__ import annotations

from datetime import datetime

from flask.views import MethodView
from flask_babel import gettext as _

from app.api.compliance import blp, violation_for
from app.api.compliance_schemas import (
    FineCreatedSchema,
    FineCreateSchema,
    FineSchema,
    HearingCreateSchema,
    HearingRecordSchema,
    SettleSchema,
    ViolationSchema,
)
from app.api.setup import allow, caller
from app.compliance import fines as compliance_fines
from app.compliance import hearings as compliance_hearings
from app.compliance import packet as evidence
from app.compliance import policies as compliance_policies
from app.core.errors import NotFound
from app.extensions import db
from app.meetings import hearings as meeting_hearings


def _parse_moment(raw):
    if isinstance(raw, str):
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return raw
    return raw


@blp.route("/violations/<int:violation_id>/hearing")
class HearingEndpoint(MethodView):
    @blp.arguments(HearingCreateSchema)
    @blp.response(201, ViolationSchema)
    @blp.alt_response(409, description="Too short a notice for the profile")
    def post(self, body, violation_id):
        """Schedule (or move) the hearing; issues the notice of hearing."""
        violation = violation_for(violation_id, write=True)
        meeting_hearings.schedule_hearing(
            violation,
            scheduled_at=_parse_moment(body["scheduled_at"]),
            location=body["location"],
            meeting_id=body["meeting_id"],
            actor=caller(),
        )
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/hearing/record")
class HearingRecord(MethodView):
    @blp.arguments(HearingRecordSchema)
    @blp.response(200, ViolationSchema)
    @blp.alt_response(409, description="Before the hearing's date, or already recorded")
    def post(self, body, violation_id):
        """Record the hearing as held (manager, secretary): only this makes it held."""
        violation = violation_for(violation_id)
        allow(compliance_policies.can_record_hearing(caller(), violation.association_id))
        compliance_hearings.record_hearing(
            violation,
            owner_attended=body["owner_attended"],
            summary=body["summary"],
            actor=caller(),
        )
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/hearing/packet")
class HearingPacket(MethodView):
    @blp.response(200, ViolationSchema)
    @blp.alt_response(409, description="No hearing, or the hearing was held")
    def post(self, violation_id):
        """Assemble the evidence packet (letters, findings with photos, the owner's answers)
        and deliver it to the unit's owners through the notices delivery (TX 209.007)."""
        violation = violation_for(violation_id, write=True)
        evidence.send_packet(violation, actor=caller())
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/hearing/packet.pdf")
class HearingPacketPdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    @blp.alt_response(409, description="No hearing scheduled")
    def get(self, violation_id):
        """The evidence packet as it stands today (staff and the unit's owners)."""
        from app.compliance.profiles import refuse
        from app.core.pdf import pdf_response

        violation = violation_for(violation_id)
        if violation.hearing is None:
            raise refuse(_("No hearing is scheduled; the evidence packet goes with a hearing."))
        return pdf_response(evidence.packet_pdf(violation), f"evidence-V{violation.id}.pdf")


@blp.route("/violations/<int:violation_id>/fines")
class Fines(MethodView):
    @blp.arguments(FineCreateSchema)
    @blp.response(201, FineCreatedSchema)
    @blp.alt_response(409, description="Due process missing")
    @blp.alt_response(422, description="Over the cap")
    def post(self, body, violation_id):
        """Propose a fine to the board."""
        violation = violation_for(violation_id, write=True)
        fine = compliance_fines.propose_fine(
            violation,
            amount=body["amount"],
            reason=body["reason"],
            health_safety_finding=body["health_safety_finding"],
            actor=caller(),
        )
        db.session.commit()
        return fine


@blp.route("/fines/<int:fine_id>/settle")
class Settle(MethodView):
    @blp.arguments(SettleSchema)
    @blp.response(200, FineSchema)
    def post(self, body, fine_id):
        """Record an approved fine as paid or waived."""
        from app.compliance.models import Fine

        fine = db.session.get(Fine, fine_id)
        if fine is None:
            raise NotFound(_("No such fine."))
        violation_for(fine.violation_id, write=True)
        compliance_fines.settle_fine(fine, body["status"], actor=caller())
        db.session.commit()
        return fine

"""Rules, inspections and their findings (a finding opens or re-inspects a violation)."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.compliance import blp
from app.api.compliance_schemas import (
    MULTIPART_OR_JSON,
    FindingResultSchema,
    InspectionCreateSchema,
    InspectionSchema,
    RuleCreateSchema,
    RuleSchema,
)
from app.api.schemas import ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.compliance import inspections as compliance_inspections
from app.compliance import policies as compliance_policies
from app.compliance import rules as compliance_rules
from app.compliance.models import Inspection, Rule
from app.core.errors import NotFound
from app.core.listing import paginate
from app.core.parsing import as_id
from app.extensions import db


@blp.route("/associations/<int:aid>/rules")
class Rules(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(RuleSchema, "RuleList"))
    def get(self, args, aid):
        """List the association's rules."""
        association_for(aid)
        page = paginate(
            select(Rule).where(Rule.association_id == aid),
            search=[Rule.code, Rule.title],
            sortable={"code": Rule.code},
            tiebreak=Rule.id,
            **args,
        )
        return envelope(page, lambda r: r)

    @blp.arguments(RuleCreateSchema)
    @blp.response(201, RuleSchema)
    @blp.alt_response(409, description="The code is taken")
    def post(self, body, aid):
        """Add a rule with its cure days and fine schedule (fine_amount: first offence)."""
        association = association_for(aid)
        allow(compliance_policies.can_manage(caller(), aid))
        rule = compliance_rules.create_rule(association, body, actor=caller())
        db.session.commit()
        return rule


@blp.route("/associations/<int:aid>/inspections")
class Inspections(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(InspectionSchema, "InspectionList"))
    def get(self, args, aid):
        """List inspections, newest first."""
        association_for(aid)
        allow(compliance_policies.can_see_all(caller(), aid))
        page = paginate(
            select(Inspection)
            .where(Inspection.association_id == aid)
            .options(selectinload(Inspection.findings)),
            sortable={"date": Inspection.scheduled_for},
            direction="desc",
            tiebreak=Inspection.id,
            **args,
        )
        return envelope(page, lambda i: i)

    @blp.arguments(InspectionCreateSchema)
    @blp.response(201, InspectionSchema)
    def post(self, body, aid):
        """Open an inspection."""
        association = association_for(aid)
        allow(compliance_policies.can_manage(caller(), aid))
        inspection = compliance_inspections.create_inspection(
            association, scheduled_for=body["scheduled_for"], actor=caller()
        )
        db.session.commit()
        return inspection


@blp.route("/inspections/<int:inspection_id>/findings")
class Findings(MethodView):
    @blp.doc(requestBody=MULTIPART_OR_JSON)
    @blp.response(201, FindingResultSchema)
    @blp.alt_response(413, description="A photo is too large")
    @blp.alt_response(415, description="A photo is not JPEG or PNG")
    def post(self, inspection_id):
        """Record a finding (JSON, or multipart with photos): opens or re-inspects a violation."""
        inspection = db.session.get(Inspection, inspection_id)
        if inspection is None:
            raise NotFound(_("No such inspection."))
        association_for(inspection.association_id)
        allow(compliance_policies.can_manage(caller(), inspection.association_id))
        if request.mimetype == "multipart/form-data":
            values = request.form
            photos = [f.read() for f in request.files.getlist("photos") if f.filename]
        else:
            values = request.get_json(silent=True)
            if not isinstance(values, dict):
                from werkzeug.exceptions import BadRequest

                raise BadRequest(_("Send a JSON object or a multipart form."))
            photos = []
        finding = compliance_inspections.record_finding(
            inspection,
            unit_id=as_id(values.get("unit_id")),
            rule_id=as_id(values.get("rule_id")),
            notes=values.get("notes"),
            photos=photos,
            actor=caller(),
        )
        db.session.commit()
        return finding

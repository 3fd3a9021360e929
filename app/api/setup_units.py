"""Units: listing, adding, importing from a CSV with their owners, and one unit with its owners."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from sqlalchemy import select

from app.api.schemas import ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, blp, caller
from app.api.setup_schemas import (
    UnitCreateSchema,
    UnitDetailSchema,
    UnitSchema,
    UnitsImportArgs,
    UnitsImportSchema,
)
from app.api.uploads import FILE_UPLOAD, read_text_upload
from app.associations import onboarding
from app.associations import units as unit_services
from app.associations.models import Unit
from app.auth import policies
from app.core.errors import ValidationError
from app.core.listing import paginate
from app.extensions import db


@blp.route("/associations/<int:aid>/units")
class Units(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(UnitSchema, "UnitList"))
    def get(self, args, aid):
        """List the association's units."""
        association_for(aid)
        page = paginate(
            select(Unit).where(Unit.association_id == aid),
            search=[Unit.label, Unit.street_address],
            sortable={"label": Unit.label},
            tiebreak=Unit.id,
            **args,
        )
        return envelope(page, lambda u: u)

    @blp.arguments(UnitCreateSchema)
    @blp.response(201, UnitSchema)
    @blp.alt_response(409, description="A unit with this label exists")
    def post(self, body, aid):
        """Add a unit (admin, manager)."""
        association = association_for(aid)
        allow(policies.can_manage_units(caller(), association))
        unit = unit_services.create_unit(association, actor=caller(), **body)
        db.session.commit()
        return unit


@blp.route("/associations/<int:aid>/units/import")
class UnitsImport(MethodView):
    @blp.arguments(UnitsImportArgs, location="query")
    @blp.response(201, UnitsImportSchema)
    @blp.alt_response(200, schema=UnitsImportSchema, description="The preview (dry_run=true)")
    @blp.alt_response(413, description="The file is too large")
    @blp.alt_response(415, description="The file is not a CSV text file")
    @blp.doc(requestBody=FILE_UPLOAD)
    def post(self, args, aid):
        """Import units and their owners from a CSV (admin, manager).

        Header: label,street_address,unit_type,allocation_share,owner_names,owner_emails,
        mailing_address (several owners separated by ";", names and e-mails in the same
        order). Any bad line → 422 with every error by line under ``errors.file``, nothing
        imported. Owners already in one of your associations get the role at once; anyone
        else is invited, as by POST /members.
        """
        association = association_for(aid)
        allow(policies.can_manage_units(caller(), association))
        text = read_text_upload()
        if args["dry_run"]:
            plan = onboarding.plan(association, text)
            if plan.errors:
                raise ValidationError({"file": plan.errors})
            body = {
                "dry_run": True,
                "units": len(plan.units),
                "planned": [{"line": u.line, **u.values, "owners": u.owners} for u in plan.units],
            }
            return UnitsImportSchema().dump(body), 200
        result = onboarding.import_units(association, text, actor=caller())
        db.session.commit()
        return {
            "dry_run": False,
            "units": result.units,
            "owners_added": result.owners_added,
            "invited": result.invited,
        }


@blp.route("/units/<int:unit_id>")
class UnitById(MethodView):
    @blp.response(200, UnitDetailSchema)
    def get(self, unit_id):
        """Return a unit with its owners (any member of its association; owners are listed
        for managers, the board and the unit's own owners)."""
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            abort(404)
        association_for(unit.association_id)
        user = caller()
        staff = policies.can_list_units(user, unit.association_id)
        own = unit.id in policies.owned_unit_ids(user, unit.association_id)
        owners = []
        if staff or own:
            contact = policies.can_see_contact_details(user, unit.association_id)
            owners = [
                {
                    "user_id": m.user_id,
                    "name": m.user.name,
                    "email": m.user.email if contact else None,
                }
                for m in unit.memberships
                if m.role == "owner"
            ]
        return {**UnitSchema().dump(unit), "owners": owners}


@blp.route("/associations/<int:aid>/units/<int:unit_id>")
class UnitItem(MethodView):
    @blp.response(200, UnitSchema)
    def get(self, aid, unit_id):
        """Return one unit."""
        return unit_services.get_unit(association_for(aid), unit_id)

"""Compliance: violations (the lists, one violation, its cure, closing, reopening, the replies
and the owner's responses). Rules and inspections are in compliance_inspections, hearings and
fines in compliance_hearings, the schemas in compliance_schemas: their routes are on this
module's blueprint. Letters have a blueprint of their own (letters)."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy import select

from app.api.compliance_schemas import (
    NotesSchema,
    ReasonSchema,
    ReplySchema,
    ResponseCreateSchema,
    ResponseSchema,
    ViolationListArgsSchema,
    ViolationSchema,
)
from app.api.schemas import envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.compliance import conversation, outcomes
from app.compliance import policies as compliance_policies
from app.compliance import services as compliance
from app.compliance.models import Violation
from app.core.errors import NotFound
from app.core.listing import paginate
from app.extensions import db

blp = Blueprint("api_compliance", __name__, description="Compliance")


# --- lookups --------------------------------------------------------------------------------


def violation_for(violation_id: int, *, write: bool = False) -> Violation:
    """Return a violation the caller may see (owners: their units'), else 404."""
    violation = db.session.get(Violation, violation_id)
    if violation is None:
        raise NotFound(_("No such violation."))
    association_for(violation.association_id)
    if not compliance_policies.can_view_violation(caller(), violation):
        raise NotFound(_("No such violation."))
    if write:
        allow(compliance_policies.can_manage(caller(), violation.association_id))
    return violation


# --- violations -----------------------------------------------------------------------------


@blp.route("/associations/<int:aid>/violations")
class Violations(MethodView):
    @blp.arguments(ViolationListArgsSchema, location="query")
    @blp.response(200, list_schema(ViolationSchema, "ViolationList"))
    def get(self, args, aid):
        """List violations with filters (managers and board)."""
        association = association_for(aid)
        allow(compliance_policies.can_see_all(caller(), aid))
        statement = compliance.violation_query(
            aid,
            status=args.pop("status"),
            rule_id=args.pop("rule_id"),
            unit_id=args.pop("unit_id"),
            overdue=args.pop("overdue"),
            today=compliance.today(association),
        )
        page = paginate(
            statement,
            sortable={"opened": Violation.opened_on},
            direction="desc",
            tiebreak=Violation.id,
            **args,
        )
        return envelope(page, lambda v: v)


@blp.route("/violations/<int:violation_id>")
class ViolationItem(MethodView):
    @blp.response(200, ViolationSchema)
    def get(self, violation_id):
        """Return a violation with its letters, fines and hearing."""
        return violation_for(violation_id)


@blp.route("/me/violations")
class MyViolations(MethodView):
    @blp.response(200, list_schema(ViolationSchema, "MyViolationList"))
    def get(self):
        """The violations of the caller's own units, across their associations."""
        from app.auth.models import Membership

        owned = select(Membership.unit_id).where(
            Membership.user_id == caller().id, Membership.role == "owner"
        )
        items = db.session.scalars(
            select(Violation).where(Violation.unit_id.in_(owned)).order_by(Violation.id.desc())
        ).all()
        return {"items": items, "total": len(items)}


@blp.route("/violations/<int:violation_id>/cure")
class Cure(MethodView):
    @blp.arguments(NotesSchema)
    @blp.response(200, ViolationSchema)
    def post(self, body, violation_id):
        """Record the cure; pending fines are withdrawn where the profile forbids them."""
        violation = violation_for(violation_id, write=True)
        outcomes.cure_violation(violation, notes=body["notes"], actor=caller())
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/close")
class Close(MethodView):
    @blp.arguments(NotesSchema)
    @blp.response(200, ViolationSchema)
    def post(self, body, violation_id):
        """Close after a cure, a paid or waived fine, or as a dismissal (notes required)."""
        violation = violation_for(violation_id, write=True)
        outcomes.close_violation(violation, notes=body["notes"], actor=caller())
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/reopen")
class Reopen(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, ViolationSchema)
    @blp.alt_response(409, description="Neither cured nor closed")
    def post(self, body, violation_id):
        """Reopen a cured or closed violation (a reason is required; audited)."""
        violation = violation_for(violation_id, write=True)
        outcomes.reopen_violation(violation, reason=body["reason"], actor=caller())
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/replies")
class Replies(MethodView):
    @blp.arguments(ReplySchema)
    @blp.response(201, ResponseSchema)
    @blp.alt_response(409, description="The violation is closed")
    def post(self, body, violation_id):
        """The office replies to the owner (portal at once, and e-mail)."""
        violation = violation_for(violation_id, write=True)
        response = conversation.reply(violation, message=body["message"], actor=caller())
        db.session.commit()
        return response


@blp.route("/violations/<int:violation_id>/responses")
class Responses(MethodView):
    @blp.arguments(ResponseCreateSchema)
    @blp.response(201, ResponseSchema)
    def post(self, body, violation_id):
        """Answer a violation of one's own unit (owner)."""
        violation = violation_for(violation_id)
        allow(compliance_policies.owns_unit_of(caller(), violation))
        response = conversation.add_response(
            violation,
            user=caller(),
            message=body["message"],
            request_hearing=body["request_hearing"],
        )
        db.session.commit()
        return response

"""Setup and people: users and associations, and the lookups every API module uses (the
caller, an association of theirs, a 403). Units are in setup_units, members and invitations in
setup_members, the schemas in setup_schemas: their routes are on this module's blueprint."""

from __future__ import annotations

from flask import abort, g
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.schemas import ListArgsSchema, envelope, list_schema
from app.api.setup_schemas import (
    AssociationCreateSchema,
    AssociationPatchSchema,
    AssociationSchema,
    UserCreateSchema,
    UserSchema,
)
from app.approvals import venues
from app.associations import policies as association_policies
from app.associations import services as association_services
from app.associations.models import Association
from app.auth import policies
from app.auth import services as auth_services
from app.auth.models import User
from app.core.listing import paginate
from app.extensions import db

blp = Blueprint("api_setup", __name__, description="Setup and people")


def caller() -> User:
    """Return the user the request's token belongs to."""
    return g.api_user


def association_for(aid: int) -> Association:
    """Return the association, or 404 when the caller holds no role in it."""
    return association_policies.get_association(caller(), aid)


def allow(permitted: bool) -> None:
    """Refuse with 403 when a predicate says no."""
    if not permitted:
        abort(403, description="Your role does not allow this.")


# --- endpoints ----------------------------------------------------------------------------


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="The e-mail address is taken")
    def post(self, body):
        """Create a person's account (admin)."""
        allow(policies.can_manage_users(caller()))
        user = auth_services.create_user(
            email=body["email"],
            name=body["name"],
            password=body["password"],
            language=body["language"],
            actor=caller(),
        )
        db.session.commit()
        return user


@blp.route("/associations")
class Associations(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(AssociationSchema, "AssociationList"))
    def get(self, args):
        """List the caller's associations (every one for admins)."""
        page = paginate(
            association_policies.visible_associations(caller()),
            search=[Association.name],
            sortable={"name": Association.name},
            tiebreak=Association.id,
            **args,
        )
        return envelope(page, lambda a: a)

    @blp.arguments(AssociationCreateSchema)
    @blp.response(201, AssociationSchema)
    def post(self, body):
        """Create an association (admin); the compliance profile defaults from the state."""
        allow(policies.can_create_association(caller()))
        association = association_services.create_association(actor=caller(), **body)
        db.session.commit()
        return association


@blp.route("/associations/<int:aid>")
class AssociationItem(MethodView):
    @blp.response(200, AssociationSchema)
    def get(self, aid):
        """Return one association."""
        return association_for(aid)

    @blp.arguments(AssociationPatchSchema)
    @blp.response(200, AssociationSchema)
    def patch(self, body, aid):
        """Change an association's settings (admin): the fields sent, the rest kept."""
        association = association_for(aid)
        allow(policies.is_admin(caller()))
        board_decisions = body.pop("board_decisions", None)
        caps = {
            k: body.pop(k) for k in ("fine_cap_per_violation", "fine_cap_aggregate") if k in body
        }
        arc = {
            "review_days": body.pop("arc_review_days", None),
            "deemed_approved": body.pop("arc_deemed_approved", None),
        }
        if board_decisions is not None:
            # The venue's rule (409) comes before the other fields' values (422).
            venues.check_board_decisions(association, board_decisions)
        fields_now = {
            key: getattr(association, key)
            for key in (
                "name",
                "state",
                "fiscal_year_start_month",
                "compliance_profile",
                "time_zone",
                "letterhead_address",
                "budget_notice_min_days",
                "budget_notice_max_days",
            )
        }
        contact = {
            key: body.pop(key, getattr(association, key))
            for key in association_services.CONTACT_FIELDS
        }
        association_services.update_association(
            association, actor=caller(), contact=contact, **{**fields_now, **body}
        )
        if board_decisions is not None:
            venues.set_board_decisions(association, board_decisions, actor=caller())
        if caps:
            from app.compliance import fines

            fines.set_fine_caps(association, caps, actor=caller())
        if any(value is not None for value in arc.values()):
            from app.arc.services import set_settings

            set_settings(association, actor=caller(), **arc)
        db.session.commit()
        return association

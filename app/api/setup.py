"""Setup and people: users, associations, units and memberships."""

from __future__ import annotations

from flask import abort, g, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.schemas import (
    MONEY_INPUT,
    BaseSchema,
    Email,
    Enum,
    Id,
    ListArgsSchema,
    Money,
    Number,
    Text,
    envelope,
    list_schema,
)
from app.api.uploads import FILE_UPLOAD, read_text_upload
from app.approvals import venues
from app.associations import invitations, memberships, onboarding
from app.associations import policies as association_policies
from app.associations import services as association_services
from app.associations import units as unit_services
from app.associations.models import Association, ComplianceProfile, Unit
from app.associations.states import US_STATES
from app.auth import policies
from app.auth import services as auth_services
from app.auth.models import Membership, Office, Role, User
from app.core.errors import ValidationError
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


# --- schemas ----------------------------------------------------------------------------


class UserCreateSchema(BaseSchema):
    email = Email(required=True)
    name = Text(200, required=True, blank=False)
    password = Text(200, minimum=8, required=True, load_only=True)
    language = fields.String(load_default="en", validate=validate.OneOf(["en"]))


class UserSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    email = fields.String()
    name = fields.String()
    language = fields.String()
    is_admin = fields.Boolean()


class AssociationCreateSchema(BaseSchema):
    name = Text(200, required=True, blank=False)
    state = Enum(
        US_STATES,
        required=True,
        metadata={"description": "a two-letter US state (or territory) code"},
    )
    fiscal_year_start_month = Number(1, 12, required=True)
    compliance_profile = fields.String(
        load_default=None,
        validate=validate.OneOf([p.value for p in ComplianceProfile]),
        metadata={"description": "default, CA, TX or FL; defaults from the state"},
    )
    time_zone = Text(
        64,
        load_default=None,
        metadata={
            "description": "an IANA time zone name; by default the state's main zone "
            "(CA and OR America/Los_Angeles, TX America/Chicago, FL America/New_York, …; "
            "UTC for a state it does not know)"
        },
    )
    letterhead_address = Text(1000, load_default="")


class AssociationPatchSchema(BaseSchema):
    name = Text(200, blank=False)
    state = Enum(US_STATES)
    fiscal_year_start_month = Number(1, 12)
    compliance_profile = fields.String(
        validate=validate.OneOf([p.value for p in ComplianceProfile])
    )
    time_zone = Text(64, metadata={"description": "an IANA time zone name"})
    letterhead_address = Text(1000)
    budget_notice_min_days = Number(0, 365, allow_none=True)
    budget_notice_max_days = Number(0, 365, allow_none=True)
    office_phone = Text(40)
    office_email = Text(254)
    portal_url = Text(300)
    fine_due_days = Number(
        1, 365, metadata={"description": "a fine is due this many days after its notice"}
    )
    fine_payment_instructions = Text(2000, metadata={"description": "printed on notices of fine"})
    arc_review_days = Number(
        1, 365, metadata={"description": "days to decide an architectural request (45)"}
    )
    arc_deemed_approved = fields.Boolean(
        metadata={"description": "an architectural request not decided in time is approved"}
    )
    board_decisions = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "kind (budget, contract, fine, minutes) → online or meeting; "
            "online where the profile's rule requires a meeting is a 409 naming the rule"
        },
    )
    fine_cap_per_violation = fields.Raw(
        allow_none=True,
        metadata={
            **MONEY_INPUT,
            "description": "FL: the governing documents allow more than $100 per violation",
        },
    )
    fine_cap_aggregate = fields.Raw(
        allow_none=True,
        metadata={
            **MONEY_INPUT,
            "description": "FL: the governing documents allow more than $1,000 in all",
        },
    )


def _arc_settings(association):
    from app.arc.services import settings_of

    return settings_of(association.id)


class AssociationSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    state = fields.String()
    fiscal_year_start_month = fields.Integer()
    compliance_profile = fields.String()
    time_zone = fields.String()
    letterhead_address = fields.String()
    budget_notice_min_days = fields.Integer(allow_none=True)
    budget_notice_max_days = fields.Integer(allow_none=True)
    office_phone = fields.String()
    office_email = fields.String()
    portal_url = fields.String()
    fine_due_days = fields.Integer()
    fine_payment_instructions = fields.String()
    fine_cap_per_violation = Money(
        allow_none=True, metadata={"description": "the governing documents' cap (FL)"}
    )
    fine_cap_aggregate = Money(
        allow_none=True, metadata={"description": "the governing documents' cap in all (FL)"}
    )
    default_language = fields.String()
    roles = fields.Method("get_roles", metadata={"description": "the caller's roles here"})
    board_decisions = fields.Method(
        "get_board_decisions",
        metadata={
            "description": "where the board decides each kind: online, meeting or committee",
            "type": "object",
            "additionalProperties": {"type": "string"},
        },
    )
    board_decision_rules = fields.Method(
        "get_board_decision_rules",
        metadata={
            "description": "per kind: venue, the profile's default and the rule behind it",
            "type": "array",
            "items": {"type": "object"},
        },
    )

    arc_review_days = fields.Function(
        lambda a: _arc_settings(a).review_days, metadata={"type": "integer"}
    )
    arc_deemed_approved = fields.Function(
        lambda a: _arc_settings(a).deemed_approved, metadata={"type": "boolean"}
    )

    def get_roles(self, association):
        return sorted(policies.roles_in(g.api_user, association.id))

    def get_board_decisions(self, association):
        return venues.board_decisions(association)

    def get_board_decision_rules(self, association):
        return venues.venue_table(association)


class UnitCreateSchema(BaseSchema):
    label = Text(100, required=True, blank=False)
    street_address = Text(300, required=True, blank=False)
    mailing_address = Text(1000, load_default=None, allow_none=True)
    unit_type = Text(40, load_default="standard")
    allocation_share = fields.Decimal(
        load_default=None,
        allow_none=True,
        allow_nan=False,
        as_string=True,
        metadata={
            "exclusiveMinimum": 0,
            "maximum": 999999.999999,
            "description": "a positive number below 1,000,000 with at most six decimals; "
            "empty when all units share equally",
            "multipleOf": 0.000001,
        },
    )


class UnitSchema(BaseSchema):
    id = fields.Integer()
    association_id = fields.Integer()
    label = fields.String()
    street_address = fields.String()
    mailing_address = fields.String(allow_none=True)
    unit_type = fields.String()
    allocation_share = fields.Decimal(
        as_string=True, allow_none=True, metadata={"type": "string", "example": "1.25"}
    )


class UnitOwnerSchema(BaseSchema):
    user_id = fields.Integer()
    name = fields.String()
    email = fields.String(
        allow_none=True, metadata={"description": "for managers and the board only"}
    )


class UnitDetailSchema(UnitSchema):
    owners = fields.List(
        fields.Nested(UnitOwnerSchema),
        metadata={"description": "for managers, the board and the unit's own owners; else empty"},
    )


class UnitsImportArgs(BaseSchema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "true: answer the preview and import nothing"},
    )


class PlannedOwnerSchema(BaseSchema):
    name = fields.String()
    email = fields.String()


class PlannedUnitSchema(BaseSchema):
    line = fields.Integer()
    label = fields.String()
    street_address = fields.String()
    unit_type = fields.String()
    owners = fields.List(fields.Nested(PlannedOwnerSchema))


class UnitsImportSchema(BaseSchema):
    dry_run = fields.Boolean()
    units = fields.Integer(metadata={"description": "units imported (or to import)"})
    owners_added = fields.Integer(metadata={"description": "owners given their role at once"})
    invited = fields.Integer(metadata={"description": "owners invited (role on accepting)"})
    planned = fields.List(
        fields.Nested(PlannedUnitSchema), metadata={"description": "with dry_run only"}
    )


class MemberCreateSchema(BaseSchema):
    user_id = Id(
        load_default=None,
        metadata={
            "description": "someone already in one of your associations (admins: anyone); "
            "anyone else is invited"
        },
    )
    email = Email(
        load_default=None,
        allow_none=True,
        metadata={"description": "instead of user_id: invite by e-mail"},
    )
    name = Text(200, load_default=None, allow_none=True, metadata={"description": "with email"})
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    unit_id = Id(load_default=None, allow_none=True)
    office = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf([o.value for o in Office])
    )


class InvitationSchema(BaseSchema):
    invitation_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["invited"]})
    role = fields.String()
    unit_id = fields.Integer(allow_none=True)
    office = fields.String(allow_none=True)


class MemberSchema(BaseSchema):
    id = fields.Integer()
    association_id = fields.Integer()
    user_id = fields.Integer()
    name = fields.Function(lambda m: m.user.name)
    email = fields.Method("get_email", allow_none=True)
    role = fields.String()
    unit_id = fields.Integer(allow_none=True)
    office = fields.String(allow_none=True)

    def get_email(self, membership):
        if policies.can_see_contact_details(g.api_user, membership.association_id):
            return membership.user.email
        return None


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


@blp.route("/associations/<int:aid>/members")
class Members(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(MemberSchema, "MemberList"))
    def get(self, args, aid):
        """List who holds which role in the association."""
        association_for(aid)
        page = paginate(
            select(Membership)
            .join(Membership.user)
            .where(Membership.association_id == aid)
            .options(selectinload(Membership.user)),
            search=[User.name],
            sortable={"name": User.name},
            tiebreak=Membership.id,
            **args,
        )
        return envelope(page, lambda m: m)

    @blp.arguments(MemberCreateSchema)
    @blp.response(201, MemberSchema, description="The role, given to someone you already know")
    @blp.alt_response(
        202,
        schema=InvitationSchema,
        description="Anyone else is invited; the role begins when they accept. The answer is "
        "the same whether or not the person exists.",
    )
    @blp.alt_response(409, description="The person already holds this role")
    def post(self, body, aid):
        """Give a role (manager, board with office, owner with unit_id) to someone in one of
        your associations, or invite anyone else by user_id or e-mail."""
        association = association_for(aid)
        allow(policies.can_manage_members(caller(), association))
        added = invitations.add_member(
            association,
            actor=caller(),
            role=body["role"],
            unit_id=body["unit_id"],
            office=body["office"],
            user_id=body["user_id"],
            email=body["email"],
            name=body["name"],
        )
        db.session.commit()
        if isinstance(added, Membership):
            return added
        response = jsonify(
            InvitationSchema().dump(
                {
                    "invitation_id": added.id,
                    "status": "invited",
                    "role": added.role,
                    "unit_id": added.unit_id,
                    "office": added.office,
                }
            )
        )
        response.status_code = 202
        return response


@blp.route("/associations/<int:aid>/members/<int:membership_id>")
class MemberItem(MethodView):
    @blp.response(204)
    def delete(self, aid, membership_id):
        """Take a role away (admin, manager)."""
        association = association_for(aid)
        allow(policies.can_manage_members(caller(), association))
        membership = memberships.get_membership(association, membership_id)
        memberships.remove_membership(membership, actor=caller())
        db.session.commit()
        return None

"""The schemas of the Setup and people API: users, associations, units, members and invitations."""

from __future__ import annotations

from flask import g
from marshmallow import fields, validate

from app.api.schemas import MONEY_INPUT, BaseSchema, Email, Enum, Id, Money, Number, Text
from app.approvals import venues
from app.associations.models import ComplianceProfile
from app.associations.states import US_STATES
from app.auth import policies
from app.auth.models import Office, Role


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

"""The schemas of the Vendors and contracts API: what comes in (each text's maximum stated)
and what goes out."""

from __future__ import annotations

from flask import g
from marshmallow import fields, post_dump, validate

from app.api.schemas import (
    MONEY_INPUT,
    BaseSchema,
    Day,
    Email,
    Enum,
    Id,
    ListArgsSchema,
    Money,
    Number,
    Text,
)
from app.core.inputs import LONG_TEXT_MAX
from app.vendors import directory, insurance
from app.vendors import policies as vendor_policies
from app.vendors.models import ContractStatus, InsuranceKind

KINDS = [k.value for k in InsuranceKind]


class VendorCreateSchema(BaseSchema):
    # name and category are required unless vendor_id links an existing vendor.
    name = Text(200)
    category = Text(60)
    email = Email()
    phone = Text(40, load_default="")
    contact_name = Text(200, load_default="")
    w9_on_file = fields.Boolean(load_default=False)
    tax_id_last4 = fields.String(
        load_default=None, allow_none=True, metadata={"pattern": "^([0-9]{4})?$"}
    )
    notes = Text(LONG_TEXT_MAX, load_default="")
    vendor_id = Id(
        load_default=None,
        metadata={"description": "link a vendor another of your associations already has, instead"},
    )


class CertificateSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    carrier = fields.String()
    policy_number = fields.String()
    coverage_amount = Money()
    effective_on = fields.Date(allow_none=True)
    expires_on = fields.Date()


class VendorSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    category = fields.String()
    contact_name = fields.String()
    email = fields.String()
    phone = fields.String()
    w9_on_file = fields.Boolean()
    insurance = fields.List(fields.Nested(CertificateSchema), attribute="certificates")
    # Filled in by add_access_and_compliance, which works them out once per vendor.
    tax_id_last4 = fields.String(dump_only=True, allow_none=True)
    notes = fields.String(dump_only=True)
    compliant = fields.Boolean(dump_only=True)
    requirements_set = fields.Boolean(
        dump_only=True,
        metadata={"description": "false when the category has no requirements (compliant)"},
    )
    noncompliance_reasons = fields.List(fields.String(), dump_only=True)
    association_ids = fields.List(fields.Integer(), dump_only=True)
    active = fields.Boolean(
        dump_only=True, metadata={"description": "active in every association listed"}
    )
    inactive_association_ids = fields.List(
        fields.Integer(),
        dump_only=True,
        metadata={"description": "the associations where it is deactivated"},
    )

    @post_dump(pass_original=True)
    def add_access_and_compliance(self, data, vendor, **kwargs):
        """Check the vendor against each of the caller's associations it serves, once."""
        visible = [
            link.association
            for link in vendor.links
            if vendor_policies.can_see_vendors(g.api_user, link.association_id)
        ]
        checks = [(a, insurance.compliance(vendor, a)) for a in visible]
        several = len(checks) > 1
        data.update(
            tax_id_last4=vendor.tax_id_last4,
            notes=vendor.notes,
            compliant=all(check.compliant for _a, check in checks),
            requirements_set=any(check.requirements_set for _a, check in checks),
            active=all(directory.is_active(vendor, a.id) for a in visible),
            inactive_association_ids=[
                a.id for a in visible if not directory.is_active(vendor, a.id)
            ],
            noncompliance_reasons=[
                f"{a.name}: {reason}" if several else reason
                for a, check in checks
                for reason in check.reasons
            ],
            association_ids=[a.id for a in visible],
        )
        return data


class CertificateCreateSchema(BaseSchema):
    kind = Enum(KINDS, required=True)
    carrier = Text(200, required=True, blank=False)
    policy_number = Text(80, required=True, blank=False)
    coverage_amount = fields.Raw(required=True, metadata=MONEY_INPUT)
    effective_on = Day(load_default=None, allow_none=True)
    expires_on = Day(required=True)


class RequirementSchema(BaseSchema):
    kind = Enum(KINDS, required=True)
    min_coverage = fields.Raw(required=True, metadata=MONEY_INPUT)


class RequirementsSchema(BaseSchema):
    requirements = fields.List(fields.Nested(RequirementSchema), required=True)


class RequirementOutSchema(BaseSchema):
    kind = fields.String()
    min_coverage = Money()


class RequirementsOutSchema(BaseSchema):
    category = fields.String()
    requirements = fields.List(fields.Nested(RequirementOutSchema))


class ContractCreateSchema(BaseSchema):
    vendor_id = Id(required=True)
    title = Text(200, required=True, blank=False)
    scope = Text(LONG_TEXT_MAX, load_default="")
    start_date = Day(required=True)
    end_date = Day(required=True)
    amount = fields.Raw(required=True, metadata=MONEY_INPUT)
    billing = Enum(["annual", "monthly", "one_time"], required=True)
    auto_renew = fields.Boolean(load_default=False)
    notice_days = Number(0, 3650, load_default=0)


class ContractSchema(BaseSchema):
    id = fields.Integer()
    association_id = fields.Integer()
    vendor_id = fields.Integer()
    vendor_name = fields.Function(lambda c: c.vendor.name)
    title = fields.String()
    scope = fields.String()
    start_date = fields.Date()
    end_date = fields.Date()
    amount = Money()
    billing = fields.String()
    auto_renew = fields.Boolean()
    notice_days = fields.Integer()
    notice_deadline = fields.Date()
    status = fields.String()
    approval_id = fields.Integer(allow_none=True)
    amends_id = fields.Integer(allow_none=True)
    renewals = fields.Integer()
    terminated_on = fields.Date(allow_none=True)
    termination_reason = fields.String()
    has_signed_pdf = fields.Function(lambda c: c.signed_pdf is not None)


class ContractListArgsSchema(ListArgsSchema):
    expiring_within_days = fields.Integer(
        load_default=None, validate=validate.Range(min=0, max=3650)
    )
    status = fields.String(
        load_default=None, validate=validate.OneOf([s.value for s in ContractStatus])
    )


class TerminateSchema(BaseSchema):
    reason = Text(LONG_TEXT_MAX, load_default="")


class InterestSchema(BaseSchema):
    note = Text(LONG_TEXT_MAX, load_default="")


class DeactivateSchema(BaseSchema):
    reason = Text(LONG_TEXT_MAX, load_default="")


class ActiveSchema(BaseSchema):
    vendor_id = fields.Integer()
    association_id = fields.Integer()
    active = fields.Boolean()


class RfpCreateSchema(BaseSchema):
    title = Text(200, required=True, blank=False)
    scope = Text(LONG_TEXT_MAX, load_default="")
    category = Text(60, load_default="")
    due_on = Day(required=True)


class BidSchema(BaseSchema):
    id = fields.Integer()
    vendor_id = fields.Integer()
    vendor_name = fields.Function(lambda b: b.vendor.name)
    price = Money()
    billing = fields.String()
    term_months = fields.Integer()
    notes = fields.String()
    insurance_compliant = fields.Method("get_compliant")

    def get_compliant(self, bid):
        category = bid.rfp.category or None
        return insurance.compliance(bid.vendor, bid.rfp_association, category).compliant


class RfpSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    scope = fields.String()
    category = fields.String()
    due_on = fields.Date()
    status = fields.String()
    awarded_bid_id = fields.Integer(allow_none=True)
    contract_id = fields.Integer(allow_none=True)
    bids = fields.List(fields.Nested(BidSchema))


class BidCreateSchema(BaseSchema):
    vendor_id = Id(required=True)
    price = fields.Raw(required=True, metadata=MONEY_INPUT)
    billing = Enum(["annual", "monthly", "one_time"], load_default="annual")
    term_months = Number(1, 120, load_default=12)
    notes = Text(LONG_TEXT_MAX, load_default="")


class DocumentSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    uploaded_at = fields.AwareDateTime(format="iso")
    url = fields.Function(lambda d: f"/api/v1/vendors/{d.vendor_id}/documents/{d.id}")


class AwardSchema(ContractSchema):
    warnings = fields.List(
        fields.String(),
        metadata={
            "description": "what the manager was warned of: bids still open, insurance short "
            "of the category's requirements, a vendor of another category"
        },
    )
    replaced = fields.String(
        allow_none=True, metadata={"description": "the earlier choice this one replaces"}
    )


DOCUMENT_UPLOAD = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "title": {"type": "string", "maxLength": 200},
                    "file": {"type": "string", "format": "binary"},
                },
            }
        }
    }
}

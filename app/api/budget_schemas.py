"""The schemas of the Budgets API: cost centres, budgets with their lines, totals, assessment
and warnings, imports, and the budget against actuals."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas import MONEY_INPUT, BaseSchema, Money, Text
from app.core.inputs import DB_INT_MAX


class CostCenterCreateSchema(BaseSchema):
    name = Text(100, required=True, blank=False)
    unit_types = fields.List(
        Text(40),
        load_default=None,
        allow_none=True,
        metadata={"description": "absent or null: all units"},
    )


class CostCenterSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    unit_types = fields.List(fields.String(), allow_none=True)
    is_general = fields.Boolean()


class BudgetCreateSchema(BaseSchema):
    fiscal_year = fields.Integer(
        required=True,
        metadata={
            "minimum": 1900,
            "maximum": 2200,
            "description": "named for the calendar year in which it ends",
        },
    )


class LineCreateSchema(BaseSchema):
    # Values are checked by the service after the budget's state, so that a locked budget
    # answers 409 before any 422 about the values.
    account_code = fields.String(metadata={"maxLength": 20})
    name = fields.String(metadata={"maxLength": 200})
    fund = fields.String(metadata={"enum": ["operating", "reserve"]})
    kind = fields.String(metadata={"enum": ["income", "expense"]})
    amount = fields.Raw(metadata=MONEY_INPUT)
    prior_year_amount = fields.Raw(metadata=MONEY_INPUT)
    cost_center_id = fields.Raw(
        allow_none=True,
        metadata={
            "type": "integer",
            "minimum": 1,
            "maximum": DB_INT_MAX,
            "description": "null: General",
        },
    )
    note = fields.String(metadata={"maxLength": 2000})


class LinesReplaceSchema(BaseSchema):
    lines = fields.List(fields.Nested(LineCreateSchema), required=True)


class LineSchema(BaseSchema):
    id = fields.Integer()
    account_code = fields.String()
    name = fields.String()
    fund = fields.String()
    kind = fields.String()
    amount = Money()
    prior_year_amount = Money(allow_none=True)
    cost_center_id = fields.Integer()
    note = fields.String()


class TotalsSchema(BaseSchema):
    income = Money()
    expense = Money()
    reserve_contribution = Money()
    net = Money()


class AmountsSchema(BaseSchema):
    annual = Money(allow_none=True)
    monthly = Money(allow_none=True)


class UnitAssessmentSchema(BaseSchema):
    unit_id = fields.Integer()
    label = fields.String()
    unit_type = fields.String()
    annual = Money()
    monthly = Money()


class AssessmentSchema(BaseSchema):
    annual_per_unit = Money(allow_none=True)
    monthly_per_unit = Money(allow_none=True)
    by_unit_type = fields.Dict(keys=fields.String(), values=fields.Nested(AmountsSchema))
    by_unit = fields.List(fields.Nested(UnitAssessmentSchema))
    rounding_difference = Money()


class BudgetSummarySchema(BaseSchema):
    id = fields.Integer()
    association_id = fields.Integer()
    fiscal_year = fields.Integer()
    version = fields.Integer()
    status = fields.String()
    approval_id = fields.Integer(allow_none=True)
    approved_at = fields.AwareDateTime(format="iso", allow_none=True)


class WarningSchema(BaseSchema):
    code = fields.String(
        metadata={
            "enum": [
                "assessment_mismatch",
                "assessment_line_missing",
                "surplus",
                "deficit",
                "no_reserve_contribution",
                "lines_without_account_code",
            ]
        }
    )
    message = fields.String()


class DistributionSchema(BaseSchema):
    message = fields.String(allow_none=True)
    late = fields.Boolean()


class BudgetSchema(BudgetSummarySchema):
    lines = fields.List(fields.Nested(LineSchema))
    totals = fields.Nested(TotalsSchema)
    assessment = fields.Nested(AssessmentSchema)
    distribution = fields.Nested(DistributionSchema)
    warnings = fields.List(
        fields.Nested(WarningSchema),
        allow_none=True,
        metadata={
            "description": "draft: what the check before submitting finds now; submitted: "
            "the warnings stored with the request (null for a budget submitted before checks, "
            "and for owners)"
        },
    )
    pdf_url = fields.String()


class SubmitResultSchema(BaseSchema):
    status = fields.String()
    approval_id = fields.Integer()
    warnings = fields.List(
        fields.Nested(WarningSchema),
        metadata={"description": "the check's warnings, stored with the request for the board"},
    )


class ImportResultSchema(BaseSchema):
    imported = fields.Integer()


LINES_UPLOAD = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "mode"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "mode": {"type": "string", "enum": ["replace", "append"]},
                },
            }
        }
    }
}


class VarianceRowSchema(BaseSchema):
    account_code = fields.String()
    name = fields.String()
    kind = fields.String()
    unknown = fields.Boolean(metadata={"description": "the budget has no line for the account"})
    annual = Money()
    budget_ytd = Money()
    actual_ytd = Money()
    variance = Money()
    percent = fields.Decimal(
        as_string=True, allow_none=True, metadata={"type": "string", "example": "12.5"}
    )


class VarianceTotalSchema(BaseSchema):
    annual = Money()
    budget_ytd = Money()
    actual_ytd = Money()
    variance = Money()


class VarianceSchema(BaseSchema):
    through = fields.Date(allow_none=True)
    months_elapsed = fields.Integer()
    rows = fields.List(fields.Nested(VarianceRowSchema))
    totals = fields.Dict(
        keys=fields.String(metadata={"enum": ["income", "expense", "net"]}),
        values=fields.Nested(VarianceTotalSchema),
        metadata={"description": "accounts the budget does not know are left out"},
    )
    unknown_accounts = fields.List(
        fields.String(), metadata={"description": "account codes with actuals but no line"}
    )
    pdf_url = fields.String()

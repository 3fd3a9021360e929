"""Budgets and cost centres. Actuals and the budget against them are in budget_actuals, the
schemas in budget_schemas: their routes are on this module's blueprint."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.budget_schemas import (
    LINES_UPLOAD,
    BudgetCreateSchema,
    BudgetSchema,
    BudgetSummarySchema,
    CostCenterCreateSchema,
    CostCenterSchema,
    ImportResultSchema,
    LineCreateSchema,
    LineSchema,
    LinesReplaceSchema,
    SubmitResultSchema,
)
from app.api.schemas import ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.api.uploads import read_text_upload
from app.budgets import checks, reports
from app.budgets import policies as budget_policies
from app.budgets import services as budgets
from app.budgets.imports import check_mode
from app.budgets.models import Budget
from app.core.errors import NotFound
from app.core.listing import paginate
from app.core.pdf import pdf_response, render_pdf
from app.extensions import db

blp = Blueprint("api_budgets", __name__, description="Budgets")


def budget_for(budget_id: int, *, write: bool = False) -> Budget:
    """Return a budget the caller may see (owners: approved only), else 404."""
    budget = db.session.get(Budget, budget_id)
    if budget is None:
        raise NotFound("No such budget.")
    association_for(budget.association_id)
    if not budget_policies.can_view_budget(caller(), budget):
        raise NotFound("No such budget.")
    if write:
        allow(budget_policies.can_manage_budgets(caller(), budget.association_id))
    return budget


def _warnings(budget: Budget, result) -> list[dict] | None:
    """The check's warnings, for managers and the board (owners: null)."""
    if not budget_policies.can_see_drafts(caller(), budget.association_id):
        return None
    if budget.is_draft:
        return checks.as_stored(checks.warnings(budget, result))
    return budget.submission_warnings


def serialize(budget: Budget) -> dict:
    """Return the budget with its computed totals and assessment."""
    result = budgets.figures(budget)
    timing = budgets.distribution_timing(budget)
    assessment = result.assessment
    return {
        "id": budget.id,
        "association_id": budget.association_id,
        "fiscal_year": budget.fiscal_year,
        "version": budget.version,
        "status": budget.status,
        "approval_id": budget.approval_id,
        "approved_at": budget.approved_at,
        "lines": budget.lines,
        "totals": {
            "income": result.totals.income,
            "expense": result.totals.expense,
            "reserve_contribution": result.totals.reserve_contribution,
            "net": result.totals.net,
        },
        "assessment": {
            "annual_per_unit": assessment.annual_per_unit,
            "monthly_per_unit": assessment.monthly_per_unit,
            "by_unit_type": {
                t: {"annual": a[0], "monthly": a[1]} if a else {"annual": None, "monthly": None}
                for t, a in assessment.by_unit_type.items()
            },
            "by_unit": assessment.by_unit,
            "rounding_difference": assessment.rounding_difference,
        },
        "distribution": {"message": timing.message, "late": timing.late},
        "warnings": _warnings(budget, result),
        "pdf_url": f"/api/v1/budgets/{budget.id}/pdf",
    }


@blp.route("/associations/<int:aid>/cost-centers")
class CostCenters(MethodView):
    @blp.response(200, list_schema(CostCenterSchema, "CostCenterList"))
    def get(self, aid):
        """List the association's cost centres (General first)."""
        association = association_for(aid)
        items = budgets.cost_centers(association)
        db.session.commit()  # General is created on first use
        return {"items": items, "total": len(items)}

    @blp.arguments(CostCenterCreateSchema)
    @blp.response(201, CostCenterSchema)
    @blp.alt_response(409, description="The name is taken")
    def post(self, body, aid):
        """Add a cost centre covering all units, or only the given unit types."""
        association = association_for(aid)
        allow(budget_policies.can_manage_budgets(caller(), aid))
        centre = budgets.create_cost_center(
            association, name=body["name"], unit_types=body["unit_types"], actor=caller()
        )
        db.session.commit()
        return centre


@blp.route("/associations/<int:aid>/budgets")
class Budgets(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(BudgetSummarySchema, "BudgetList"))
    def get(self, args, aid):
        """List budgets, newest first (owners: approved ones)."""
        association_for(aid)
        page = paginate(
            budget_policies.visible_budgets(caller(), aid),
            sortable={"year": Budget.fiscal_year},
            direction="desc",
            tiebreak=Budget.version.desc(),
            **args,
        )
        return envelope(page, lambda b: b)

    @blp.arguments(BudgetCreateSchema)
    @blp.response(201, BudgetSummarySchema)
    @blp.alt_response(409, description="The fiscal year already has a budget")
    def post(self, body, aid):
        """Start a draft budget for a fiscal year."""
        association = association_for(aid)
        allow(budget_policies.can_manage_budgets(caller(), aid))
        budget = budgets.create_budget(association, fiscal_year=body["fiscal_year"], actor=caller())
        db.session.commit()
        return budget


@blp.route("/budgets/<int:budget_id>")
class BudgetItem(MethodView):
    @blp.response(200, BudgetSchema)
    def get(self, budget_id):
        """Return a budget with its lines, totals and assessment."""
        return serialize(budget_for(budget_id))


@blp.route("/budgets/<int:budget_id>/lines")
class Lines(MethodView):
    @blp.arguments(LineCreateSchema)
    @blp.response(201, LineSchema)
    @blp.alt_response(409, description="The budget is not a draft")
    def post(self, body, budget_id):
        """Add a line to a draft budget (no cost_center_id: General)."""
        budget = budget_for(budget_id, write=True)
        line = budgets.add_line(budget, body, actor=caller())
        db.session.commit()
        return line

    @blp.arguments(LinesReplaceSchema)
    @blp.response(200, list_schema(LineSchema, "LineList"))
    @blp.alt_response(409, description="The budget is not a draft")
    def put(self, body, budget_id):
        """Replace every line of a draft budget; errors are keyed lines.<row>.<field>."""
        budget = budget_for(budget_id, write=True)
        lines = budgets.save_lines(budget, body["lines"], actor=caller())
        db.session.commit()
        return {"items": lines, "total": len(lines)}


@blp.route("/budgets/<int:budget_id>/lines/<int:line_id>")
class LineItem(MethodView):
    @blp.response(204)
    def delete(self, budget_id, line_id):
        """Remove a line from a draft budget."""
        budget = budget_for(budget_id, write=True)
        budgets.delete_line(budget, line_id, actor=caller())
        db.session.commit()


@blp.route("/budgets/<int:budget_id>/lines/import")
class LinesImport(MethodView):
    @blp.response(201, ImportResultSchema)
    @blp.doc(requestBody=LINES_UPLOAD)
    @blp.alt_response(409, description="The budget is not a draft")
    def post(self, budget_id):
        """Import lines from a CSV (header: account_code,name,fund,kind,amount,
        prior_year_amount,cost_center,note); mode replace (the file becomes the lines) or
        append. A bad row, an appended row whose account and cost centre the budget has, or a
        file that repeats an account and cost centre → 422 naming the line, nothing imported."""
        budget = budget_for(budget_id, write=True)
        budgets.require_draft(budget)
        text = read_text_upload()
        mode = check_mode(request.form.get("mode"))
        plan = budgets.import_lines_csv(budget, text, mode=mode, actor=caller())
        db.session.commit()
        return {"imported": len(plan.rows)}


@blp.route("/budgets/<int:budget_id>/copy-last-approved")
class CopyLastApproved(MethodView):
    @blp.response(201, BudgetSchema)
    def post(self, budget_id):
        """Fill an empty draft with the last approved budget's lines."""
        budget = budget_for(budget_id, write=True)
        budgets.copy_from_last_approved(budget, actor=caller())
        db.session.commit()
        return serialize(budget)


@blp.route("/budgets/<int:budget_id>/submit")
class Submit(MethodView):
    @blp.response(200, SubmitResultSchema)
    @blp.alt_response(409, description="Not a draft, no lines, or a cost centre covers no unit")
    def post(self, budget_id):
        """Put a draft budget to the board."""
        budget = budget_for(budget_id, write=True)
        approval = budgets.submit_budget(budget, actor=caller())
        db.session.commit()
        return {
            "status": budget.status,
            "approval_id": approval.id,
            "warnings": budget.submission_warnings or [],
        }


@blp.route("/budgets/<int:budget_id>/revise")
class Revise(MethodView):
    @blp.response(201, BudgetSchema)
    @blp.alt_response(409, description="Only rejected or approved budgets are revised")
    def post(self, budget_id):
        """Make a new draft version copied from this one."""
        budget = budget_for(budget_id, write=True)
        revision = budgets.revise_budget(budget, actor=caller())
        db.session.commit()
        return serialize(revision)


@blp.route("/budgets/<int:budget_id>/pdf")
class BudgetPdf(MethodView):
    @blp.response(
        200, content_type="application/pdf", description="The budget report owners receive"
    )
    def get(self, budget_id):
        """Download the budget report PDF."""
        budget = budget_for(budget_id)
        pdf = render_pdf("pdf/budgets/report.html", **reports.budget_context(budget))
        return pdf_response(pdf, f"budget-fy{budget.fiscal_year}-v{budget.version}.pdf")

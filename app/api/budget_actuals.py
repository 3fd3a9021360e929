"""Actuals: importing them, and the budget against actuals (its figures and its PDF)."""

from __future__ import annotations

from flask.views import MethodView

from app.api.budget_schemas import ImportResultSchema, VarianceSchema
from app.api.budgets import blp, budget_for
from app.api.setup import allow, caller
from app.api.uploads import FILE_UPLOAD, read_text_upload
from app.budgets import policies as budget_policies
from app.budgets import reports
from app.budgets import services as budgets
from app.core.pdf import pdf_response, render_pdf
from app.extensions import db


@blp.route("/budgets/<int:budget_id>/actuals")
class Actuals(MethodView):
    @blp.response(201, ImportResultSchema)
    @blp.doc(requestBody=FILE_UPLOAD)
    def post(self, budget_id):
        """Import actuals from a CSV (account_code,month,amount); bad rows import nothing."""
        budget = budget_for(budget_id, write=True)
        count = budgets.import_actuals(budget, read_text_upload(), actor=caller())
        db.session.commit()
        return {"imported": count}


@blp.route("/budgets/<int:budget_id>/variance")
class Variance(MethodView):
    @blp.response(200, VarianceSchema)
    def get(self, budget_id):
        """Budget against actuals by account, year to date."""
        budget = budget_for(budget_id)
        allow(budget_policies.can_see_variance(caller(), budget))
        report = budgets.variance_report(budget)
        return {
            "through": report.through,
            "months_elapsed": report.months_elapsed,
            "rows": report.rows,
            "totals": report.totals,
            "unknown_accounts": report.unknown_accounts,
            "pdf_url": f"/api/v1/budgets/{budget.id}/variance.pdf",
        }


@blp.route("/budgets/<int:budget_id>/variance.pdf")
class VariancePdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    def get(self, budget_id):
        """Download the budget-vs-actual report PDF."""
        budget = budget_for(budget_id)
        allow(budget_policies.can_see_variance(caller(), budget))
        pdf = render_pdf("pdf/budgets/variance.html", **reports.variance_context(budget))
        return pdf_response(pdf, f"budget-vs-actual-fy{budget.fiscal_year}.pdf")

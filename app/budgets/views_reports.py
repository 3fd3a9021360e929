"""Budget pages that report: the budget report PDF, budget against actuals (and the actuals
import), and the cost centres."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select

from app.associations.models import Unit
from app.budgets import policies as budget_policies
from app.budgets import reports
from app.budgets import services as budgets
from app.budgets.blueprint import bp, load_budget
from app.budgets.forms import CostCenterForm, CsvUploadForm
from app.core.errors import DomainError
from app.core.forms import apply_errors
from app.core.pages import actor, load_association, require
from app.core.pdf import pdf_response, render_pdf
from app.core.storage import read_csv_text
from app.extensions import db


@bp.route("/<int:budget_id>/report.pdf")
@login_required
def pdf(aid: int, budget_id: int):
    """The budget report owners receive."""
    budget = load_budget(aid, budget_id)
    data = render_pdf("pdf/budgets/report.html", **reports.budget_context(budget))
    return pdf_response(data, f"budget-fy{budget.fiscal_year}-v{budget.version}.pdf")


@bp.route("/<int:budget_id>/actuals", methods=["GET", "POST"])
@login_required
def actuals(aid: int, budget_id: int):
    """Budget against actuals, and the actuals import."""
    budget = load_budget(aid, budget_id)
    user = actor()
    require(budget_policies.can_see_variance(user, budget))
    form = CsvUploadForm()
    status = 200
    if request.method == "POST":
        require(budget_policies.can_manage_budgets(user, aid))
        if form.validate_on_submit():
            try:
                count = budgets.import_actuals(budget, read_csv_text(form.file.data), actor=user)
            except DomainError as error:
                db.session.rollback()
                form.file.errors = list(
                    (getattr(error, "errors", None) or {}).get("file") or [error.message]
                )
                flash(_("Nothing was imported: the file has errors, listed under it."), "danger")
                status = error.status
            else:
                db.session.commit()
                flash(_("Imported %(n)d actual amounts.", n=count), "success")
                unknown = budgets.variance_report(budget).unknown_accounts
                if unknown:
                    flash(
                        _(
                            "Not in the budget: %(codes)s. Check the account codes; these "
                            "amounts are left out of the totals.",
                            codes=", ".join(unknown),
                        ),
                        "warning",
                    )
                return redirect(url_for("budgets.actuals", aid=aid, budget_id=budget_id))
        else:
            status = 422
    return render_template(
        "budgets/actuals.html",
        association=g.association,
        b=budget,
        report=reports.variance_context(budget),
        form=form,
        can_manage=budget_policies.can_manage_budgets(user, aid),
    ), status


@bp.route("/<int:budget_id>/variance.pdf")
@login_required
def variance_pdf(aid: int, budget_id: int):
    """The budget-vs-actual report as PDF."""
    budget = load_budget(aid, budget_id)
    require(budget_policies.can_see_variance(actor(), budget))
    data = render_pdf("pdf/budgets/variance.html", **reports.variance_context(budget))
    return pdf_response(data, f"budget-vs-actual-fy{budget.fiscal_year}.pdf")


@bp.route("/cost-centers", methods=["GET", "POST"])
@login_required
def cost_centers(aid: int):
    """Cost centres (service districts) and the unit types each covers."""
    association = load_association(aid)
    user = actor()
    require(budget_policies.can_see_drafts(user, aid))
    form = CostCenterForm()
    if request.method == "POST":
        require(budget_policies.can_manage_budgets(user, aid))
        if form.validate_on_submit():
            try:
                centre = budgets.create_cost_center(
                    association,
                    name=form.name.data,
                    unit_types=form.unit_types.data or None,
                    actor=user,
                )
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error, {409: "name"})
            else:
                db.session.commit()
                flash(_("Added cost centre %(name)s.", name=centre.name), "success")
                return redirect(url_for("budgets.cost_centers", aid=aid))
    centres = budgets.cost_centers(association)
    db.session.commit()  # the General centre, created on first use
    type_counts = dict(
        db.session.execute(
            select(Unit.unit_type, func.count(Unit.id))
            .where(Unit.association_id == aid)
            .group_by(Unit.unit_type)
        ).all()
    )
    centre_counts = {c.id: sum(n for t, n in type_counts.items() if c.covers(t)) for c in centres}
    return render_template(
        "budgets/cost_centers.html",
        association=association,
        centres=centres,
        form=form,
        type_counts=type_counts,
        centre_counts=centre_counts,
        can_manage=budget_policies.can_manage_budgets(user, aid),
    )

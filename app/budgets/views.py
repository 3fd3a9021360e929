"""Budget pages: list, the budget with its editable table, imports, reports, cost centres."""

from __future__ import annotations

import re

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select

from app.associations.forms import ConfirmForm
from app.associations.models import Unit
from app.budgets import policies as budget_policies
from app.budgets import reports
from app.budgets import services as budgets
from app.budgets.forms import CostCenterForm, CsvUploadForm, LinesForm, NewBudgetForm
from app.budgets.models import Budget
from app.core.errors import DomainError, NotFound, ValidationError
from app.core.forms import apply_errors
from app.core.pages import actor, load_association, require
from app.core.pdf import pdf_response, render_pdf
from app.core.storage import read_csv_text
from app.extensions import db

bp = Blueprint("budgets", __name__, url_prefix="/associations/<int:aid>/budgets")

LINE_FIELDS = (
    "account_code",
    "name",
    "fund",
    "kind",
    "amount",
    "prior_year_amount",
    "cost_center_id",
    "note",
)
BLANK_ROWS = 3


def _budget(aid: int, budget_id: int) -> Budget:
    association = load_association(aid)
    budget = db.session.get(Budget, budget_id)
    if (
        budget is None
        or budget.association_id != association.id
        or not budget_policies.can_view_budget(actor(), budget)
    ):
        raise NotFound(_("No such budget."))
    return budget


@bp.route("/")
@login_required
def index(aid: int):
    """Budgets by fiscal year and version (owners: approved ones)."""
    association = load_association(aid)
    user = actor()
    items = db.session.scalars(
        budget_policies.visible_budgets(user, aid).order_by(
            Budget.fiscal_year.desc(), Budget.version.desc()
        )
    ).all()
    summaries = {b.id: budgets.figures(b) for b in items}
    return render_template(
        "budgets/index.html",
        association=association,
        budgets=items,
        summaries=summaries,
        form=NewBudgetForm(),
    )


@bp.route("/new", methods=["POST"])
@login_required
def new(aid: int):
    """Start a draft budget for a fiscal year."""
    association = load_association(aid)
    user = actor()
    require(budget_policies.can_manage_budgets(user, aid))
    form = NewBudgetForm()
    if form.validate_on_submit():
        try:
            budget = budgets.create_budget(
                association, fiscal_year=form.fiscal_year.data, actor=user
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(
                _("Started the budget for fiscal year %(year)d.", year=budget.fiscal_year),
                "success",
            )
            return redirect(url_for("budgets.detail", aid=aid, budget_id=budget.id))
    else:
        for messages in form.errors.values():
            flash(" ".join(messages), "danger")
    return redirect(url_for("budgets.index", aid=aid))


def _rows_from_form() -> list[dict]:
    """Read the editable table's rows (fields named lines-<n>-<field>) in order."""
    numbers = sorted({int(m[1]) for key in request.form if (m := re.match(r"lines-(\d+)-", key))})
    return [
        {field: request.form.get(f"lines-{n}-{field}", "") for field in LINE_FIELDS}
        for n in numbers
    ]


def _rows_from_budget(budget: Budget) -> list[dict]:
    rows = [
        {
            "account_code": ln.account_code,
            "name": ln.name,
            "fund": ln.fund,
            "kind": ln.kind,
            "amount": f"{ln.amount:.2f}",
            "prior_year_amount": f"{ln.prior_year_amount:.2f}"
            if ln.prior_year_amount is not None
            else "",
            "cost_center_id": str(ln.cost_center_id),
            "note": ln.note,
        }
        for ln in budget.lines
    ]
    return rows


def _blank_row(general_id: int) -> dict:
    return {
        "account_code": "",
        "name": "",
        "fund": "operating",
        "kind": "expense",
        "amount": "",
        "prior_year_amount": "",
        "cost_center_id": str(general_id),
        "note": "",
    }


def _render_detail(budget: Budget, *, rows=None, row_errors=None, status: int = 200):
    association = budget.association
    user = actor()
    editable = budget.is_draft and budget_policies.can_manage_budgets(user, association.id)
    centres = budgets.cost_centers(association)
    if editable:
        rows = list(rows if rows is not None else _rows_from_budget(budget))
        rows += [_blank_row(centres[0].id) for _n in range(BLANK_ROWS)]
    visible_versions = db.session.scalars(
        budget_policies.visible_budgets(user, association.id)
        .where(Budget.fiscal_year == budget.fiscal_year)
        .order_by(Budget.version)
    ).all()
    context = reports.budget_context(budget)
    return render_template(
        "budgets/detail.html",
        association=association,
        b=budget,
        report=context,
        editable=editable,
        rows=rows,
        row_errors=row_errors or {},
        centres=centres,
        lines_form=LinesForm(),
        upload_form=CsvUploadForm(),
        confirm=ConfirmForm(),
        versions=visible_versions,
        can_manage=budget_policies.can_manage_budgets(user, association.id),
        can_see_variance=budget_policies.can_see_variance(user, budget),
        can_copy=editable and not budget.lines and budgets.last_approved_before(budget),
    ), status


@bp.route("/<int:budget_id>")
@login_required
def detail(aid: int, budget_id: int):
    """The budget: summary, assessment, chart, and the table of lines (editable as draft)."""
    return _render_detail(_budget(aid, budget_id))


@bp.route("/<int:budget_id>/lines", methods=["POST"])
@login_required
def save_lines(aid: int, budget_id: int):
    """Save the editable table, all rows or none."""
    budget = _budget(aid, budget_id)
    require(budget_policies.can_manage_budgets(actor(), aid))
    form = LinesForm()
    if not form.validate_on_submit():
        flash(_("The form expired; please try again."), "danger")
        return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
    rows = _rows_from_form()
    try:
        budgets.save_lines(budget, rows, actor=actor())
    except ValidationError as error:
        db.session.rollback()
        row_errors: dict[int, dict[str, str]] = {}
        for key, messages in error.errors.items():
            _prefix, number, field = key.split(".")
            row_errors.setdefault(int(number) - 1, {})[field] = " ".join(messages)
        flash(_("Nothing was saved: fix the marked cells."), "danger")
        kept = [
            row
            for row in rows
            if any(str(row.get(k) or "").strip() for k in ("name", "amount", "account_code"))
        ]
        # Re-number errors to the kept rows (blank rows are dropped on display).
        return _render_detail(budget, rows=kept, row_errors=_renumber(rows, row_errors), status=422)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
    db.session.commit()
    flash(_("Saved %(n)d lines.", n=len(budget.lines)), "success")
    return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))


def _renumber(rows: list[dict], errors: dict[int, dict[str, str]]) -> dict[int, dict[str, str]]:
    mapping, kept = {}, 0
    for index, row in enumerate(rows):
        if any(str(row.get(k) or "").strip() for k in ("name", "amount", "account_code")):
            mapping[index] = kept
            kept += 1
    return {mapping[i]: e for i, e in errors.items() if i in mapping}


def _simple_action(aid: int, budget_id: int, action, success: str):
    budget = _budget(aid, budget_id)
    require(budget_policies.can_manage_budgets(actor(), aid))
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; please try again."), "danger")
        return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
    try:
        result = action(budget)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
    db.session.commit()
    flash(success, "success")
    target = result if isinstance(result, Budget) else budget
    return redirect(url_for("budgets.detail", aid=aid, budget_id=target.id))


@bp.route("/<int:budget_id>/submit", methods=["POST"])
@login_required
def submit(aid: int, budget_id: int):
    """Put the draft to the board."""
    return _simple_action(
        aid,
        budget_id,
        lambda b: budgets.submit_budget(b, actor=actor()),
        _("Submitted to the board. The budget is locked while it votes."),
    )


@bp.route("/<int:budget_id>/revise", methods=["POST"])
@login_required
def revise(aid: int, budget_id: int):
    """Make a new draft version with the same lines."""
    return _simple_action(
        aid,
        budget_id,
        lambda b: budgets.revise_budget(b, actor=actor()),
        _("A new draft version is ready to edit."),
    )


@bp.route("/<int:budget_id>/copy", methods=["POST"])
@login_required
def copy(aid: int, budget_id: int):
    """Fill the empty draft from the last approved budget."""
    return _simple_action(
        aid,
        budget_id,
        lambda b: budgets.copy_from_last_approved(b, actor=actor()),
        _(
            "Copied the lines of the last approved budget; its amounts are "
            "now the prior-year column."
        ),
    )


@bp.route("/<int:budget_id>/import", methods=["POST"])
@login_required
def import_lines(aid: int, budget_id: int):
    """Append lines from a CSV file; errors are listed by line number."""
    budget = _budget(aid, budget_id)
    require(budget_policies.can_manage_budgets(actor(), aid))
    form = CsvUploadForm()
    if form.validate_on_submit():
        try:
            budgets.require_draft(budget)
            lines = budgets.import_lines_csv(budget, read_csv_text(form.file.data), actor=actor())
        except DomainError as error:
            db.session.rollback()
            _flash_file_errors(error)
        else:
            db.session.commit()
            flash(_("Imported %(n)d lines.", n=len(lines)), "success")
    else:
        flash(_("Choose a CSV file to import."), "danger")
    return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))


def _flash_file_errors(error: DomainError) -> None:
    messages = getattr(error, "errors", {}).get("file") or [error.message]
    flash(_("Nothing was imported.") + " " + " ".join(messages), "danger")


@bp.route("/<int:budget_id>/report.pdf")
@login_required
def pdf(aid: int, budget_id: int):
    """The budget report owners receive."""
    budget = _budget(aid, budget_id)
    data = render_pdf("pdf/budgets/report.html", **reports.budget_context(budget))
    return pdf_response(data, f"budget-fy{budget.fiscal_year}-v{budget.version}.pdf")


@bp.route("/<int:budget_id>/actuals", methods=["GET", "POST"])
@login_required
def actuals(aid: int, budget_id: int):
    """Budget against actuals, and the actuals import."""
    budget = _budget(aid, budget_id)
    user = actor()
    require(budget_policies.can_see_variance(user, budget))
    form = CsvUploadForm()
    if request.method == "POST":
        require(budget_policies.can_manage_budgets(user, aid))
        if form.validate_on_submit():
            try:
                count = budgets.import_actuals(budget, read_csv_text(form.file.data), actor=user)
            except DomainError as error:
                db.session.rollback()
                _flash_file_errors(error)
            else:
                db.session.commit()
                flash(_("Imported %(n)d actual amounts.", n=count), "success")
        else:
            flash(_("Choose a CSV file to import."), "danger")
        return redirect(url_for("budgets.actuals", aid=aid, budget_id=budget_id))
    return render_template(
        "budgets/actuals.html",
        association=g.association,
        b=budget,
        report=reports.variance_context(budget),
        form=form,
        can_manage=budget_policies.can_manage_budgets(user, aid),
    )


@bp.route("/<int:budget_id>/variance.pdf")
@login_required
def variance_pdf(aid: int, budget_id: int):
    """The budget-vs-actual report as PDF."""
    budget = _budget(aid, budget_id)
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

"""Budget pages: the list, starting a budget, the budget with its editable table.

The other pages register on the same blueprint from their own modules: importing lines
(``views_import``), submitting, revising and copying (``views_workflow``), and the reports,
actuals and cost centres (``views_reports``).
"""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.auth import policies
from app.budgets import policies as budget_policies
from app.budgets import services as budgets
from app.budgets import views_import as _views_import  # noqa: F401 - registers its routes
from app.budgets import views_reports as _views_reports  # noqa: F401 - registers its routes
from app.budgets import views_workflow as _views_workflow  # noqa: F401 - registers its routes
from app.budgets.blueprint import bp, load_budget
from app.budgets.fiscal import fiscal_year_label, proposed_fiscal_year
from app.budgets.forms import LinesForm, NewBudgetForm
from app.budgets.models import Budget
from app.budgets.page import render_detail
from app.core.errors import DomainError, ValidationError
from app.core.forms import apply_errors
from app.core.pages import actor, load_association, require
from app.extensions import db

__all__ = ["bp"]

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


def _render_index(association, form: NewBudgetForm, status: int = 200):
    user = actor()
    items = db.session.scalars(
        budget_policies.visible_budgets(user, association.id).order_by(
            Budget.fiscal_year.desc(), Budget.version.desc()
        )
    ).all()
    summaries = {b.id: budgets.figures(b) for b in items}
    year = form.fiscal_year.data if isinstance(form.fiscal_year.data, int) else None
    owned = (
        set()
        if budget_policies.can_see_drafts(user, association.id)
        else policies.owned_unit_ids(user, association.id)
    )
    yours = {
        b.id: sum(u.monthly for u in summaries[b.id].assessment.by_unit if u.unit_id in owned)
        for b in items
        if owned
    }
    return render_template(
        "budgets/index.html",
        association=association,
        budgets=items,
        summaries=summaries,
        yours=yours,
        is_owner_view=not budget_policies.can_see_drafts(user, association.id),
        form=form,
        period=fiscal_year_label(association, year) if year and 1900 <= year <= 2200 else None,
    ), status


@bp.route("/")
@login_required
def index(aid: int):
    """Budgets by fiscal year and version (owners: approved ones)."""
    association = load_association(aid)
    form = NewBudgetForm()
    if budget_policies.can_manage_budgets(actor(), aid):
        taken = set(
            db.session.scalars(select(Budget.fiscal_year).where(Budget.association_id == aid))
        )
        form.fiscal_year.data = proposed_fiscal_year(association, taken)
    return _render_index(association, form)


@bp.route("/new", methods=["POST"])
@login_required
def new(aid: int):
    """Start a draft budget for a fiscal year; a refused year is shown beside its field."""
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
            apply_errors(form, error, {409: "fiscal_year"})
            return _render_index(association, form, error.status)
        db.session.commit()
        flash(_("Started the budget for fiscal year %(year)d.", year=budget.fiscal_year), "success")
        return redirect(url_for("budgets.detail", aid=aid, budget_id=budget.id))
    return _render_index(association, form, 422)


def _rows_from_form() -> list[dict]:
    """Read the editable table's rows (fields named lines-<n>-<field>) in order."""
    numbers = sorted({int(m[1]) for key in request.form if (m := re.match(r"lines-(\d+)-", key))})
    return [
        {field: request.form.get(f"lines-{n}-{field}", "") for field in LINE_FIELDS}
        for n in numbers
    ]


@bp.route("/<int:budget_id>")
@login_required
def detail(aid: int, budget_id: int):
    """The budget: summary, assessment, chart, and the table of lines (editable as draft)."""
    return render_detail(load_budget(aid, budget_id))


@bp.route("/<int:budget_id>/lines", methods=["POST"])
@login_required
def save_lines(aid: int, budget_id: int):
    """Save the editable table, all rows or none; errors stand beside their cells."""
    budget = load_budget(aid, budget_id)
    require(budget_policies.can_manage_budgets(actor(), aid))
    form = LinesForm()
    if not form.validate_on_submit():
        flash(_("The form expired; please try again."), "danger")
        return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
    rows = _rows_from_form()
    try:
        budgets.save_lines(budget, rows, actor=actor())
    except DomainError as error:
        db.session.rollback()
        cell_errors = {
            k: v for k, v in (getattr(error, "errors", None) or {}).items() if k.count(".") == 2
        }
        if not cell_errors and not isinstance(error, ValidationError):
            flash(error.message, "danger")
            return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
        row_errors: dict[int, dict[str, str]] = {}
        for key, messages in cell_errors.items():
            _prefix, number, field = key.split(".")
            row_errors.setdefault(int(number) - 1, {})[field] = " ".join(messages)
        flash(_("Nothing was saved: fix the marked cells."), "danger")
        kept = [row for row in rows if _filled(row)]
        return render_detail(
            budget, rows=kept, row_errors=_renumber(rows, row_errors), status=error.status
        )
    db.session.commit()
    flash(_("Saved %(n)d lines.", n=len(budget.lines)), "success")
    return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))


def _filled(row: dict) -> bool:
    return any(str(row.get(k) or "").strip() for k in ("name", "amount", "account_code"))


def _renumber(rows: list[dict], errors: dict[int, dict[str, str]]) -> dict[int, dict[str, str]]:
    """Re-number errors to the kept rows (blank rows are dropped on display)."""
    mapping, kept = {}, 0
    for index, row in enumerate(rows):
        if _filled(row):
            mapping[index] = kept
            kept += 1
    return {mapping[i]: e for i, e in errors.items() if i in mapping}

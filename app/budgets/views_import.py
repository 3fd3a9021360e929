"""Importing a budget's lines from a CSV file: choose the file and replace or append, read
the preview of what changes, confirm."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.budgets import policies as budget_policies
from app.budgets.blueprint import bp, load_budget
from app.budgets.forms import ConfirmLinesImportForm, LinesImportForm
from app.budgets.imports import ImportPlan, StalePreview, import_lines_csv, plan_import
from app.budgets.models import Budget
from app.budgets.page import render_detail
from app.core import formatting
from app.core.errors import DomainError
from app.core.pages import actor, require
from app.core.storage import read_csv_text
from app.extensions import db


def _money(value) -> str:
    return formatting.money(value) if value is not None else "—"


def _sums(sums) -> dict:
    return {
        "income": _money(sums.income),
        "expense": _money(sums.expense),
        "reserve_contribution": _money(sums.reserve_contribution),
        "net": _money(sums.net),
        "net_negative": sums.net < 0,
    }


def _row(values: dict) -> dict:
    return {
        "line_number": values.get("line_number"),
        "account_code": values["account_code"],
        "name": values["name"],
        "centre": values.get("centre", ""),
        "fund": values["fund"],
        "kind": values["kind"],
        "amount": _money(values["amount"]),
    }


def _line(line) -> dict:
    return {
        "account_code": line.account_code,
        "name": line.name,
        "centre": line.cost_center.name if line.cost_center else "",
        "fund": line.fund,
        "kind": line.kind,
        "amount": _money(line.amount),
    }


def _render_preview(budget: Budget, plan: ImportPlan, text: str, status: int = 200):
    form = ConfirmLinesImportForm(formdata=None)
    form.csv_text.data = text
    form.mode.data = plan.mode
    form.digest.data = plan.digest
    return render_template(
        "budgets/import_preview.html",
        association=budget.association,
        b=budget,
        plan=plan,
        added=[_row(v) for v in plan.added],
        replaced=[{"before": _line(line), "after": _row(values)} for line, values in plan.replaced],
        unchanged=[_line(line) for line in plan.unchanged],
        removed=[_line(line) for line in plan.removed],
        before=_sums(plan.before),
        after=_sums(plan.after),
        form=form,
    ), status


@bp.route("/<int:budget_id>/import", methods=["POST"])
@login_required
def import_lines(aid: int, budget_id: int):
    """Read a CSV file of lines and show what importing it would change (nothing is saved)."""
    budget = load_budget(aid, budget_id)
    require(budget_policies.can_manage_budgets(actor(), aid))
    form = LinesImportForm()
    if not form.validate_on_submit():
        return render_detail(budget, import_form=form, status=422)
    try:
        text = read_csv_text(form.file.data)
        plan = plan_import(budget, text, form.mode.data)
    except DomainError as error:
        db.session.rollback()
        messages = (getattr(error, "errors", None) or {}).get("file") or [error.message]
        form.file.errors = list(messages)
        flash(_("Nothing was imported: the file has errors, listed under it."), "danger")
        return render_detail(budget, import_form=form, status=error.status)
    db.session.rollback()  # the General centre may have been created; the preview writes nothing
    return _render_preview(budget, plan, text)


@bp.route("/<int:budget_id>/import/confirm", methods=["POST"])
@login_required
def import_confirm(aid: int, budget_id: int):
    """Import the previewed file; when the lines changed since the preview, show it again."""
    budget = load_budget(aid, budget_id)
    require(budget_policies.can_manage_budgets(actor(), aid))
    form = ConfirmLinesImportForm()
    if not form.validate_on_submit():
        flash(_("The preview expired; choose the file again."), "danger")
        return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
    text = form.csv_text.data
    try:
        plan = import_lines_csv(
            budget, text, mode=form.mode.data, actor=actor(), digest=form.digest.data
        )
    except StalePreview as stale:
        db.session.rollback()
        flash(stale.message, "warning")
        return _render_preview(budget, stale.plan, text, status=409)
    except DomainError as error:
        db.session.rollback()
        messages = (getattr(error, "errors", None) or {}).get("file") or [error.message]
        flash(_("Nothing was imported.") + " " + " ".join(messages), "danger")
        return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
    db.session.commit()
    flash(
        _(
            "Imported %(n)d lines (%(added)d added, %(replaced)d replaced, %(removed)d "
            "removed). Income is now %(income)s, expenses %(expense)s.",
            n=len(plan.rows),
            added=len(plan.added),
            replaced=len(plan.replaced),
            removed=len(plan.removed),
            income=_money(plan.after.income),
            expense=_money(plan.after.expense),
        ),
        "success",
    )
    return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))

"""Budget pages that move a budget along: the check and confirmation before submitting it to
the board, revising a decided one, and filling a draft from the last approved budget."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.associations.forms import ConfirmForm
from app.budgets import checks
from app.budgets import policies as budget_policies
from app.budgets import services as budgets
from app.budgets.blueprint import bp, load_budget
from app.budgets.forms import SubmitBudgetForm
from app.budgets.imports import lines_digest
from app.budgets.models import Budget
from app.core import formatting
from app.core.errors import DomainError
from app.core.pages import actor, require
from app.extensions import db


def _simple_action(aid: int, budget_id: int, action, success: str):
    budget = load_budget(aid, budget_id)
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


@bp.route("/<int:budget_id>/submit", methods=["GET", "POST"])
@login_required
def submit(aid: int, budget_id: int):
    """The check before submitting (GET), and submitting once confirmed (POST)."""
    budget = load_budget(aid, budget_id)
    require(budget_policies.can_manage_budgets(actor(), aid))
    form = SubmitBudgetForm()
    confirmed = (
        request.method == "POST" and form.validate_on_submit() and form.confirmed.data == "yes"
    )
    changed = confirmed and form.digest.data != lines_digest(budget)
    if confirmed and not changed:
        try:
            budgets.submit_budget(budget, actor=actor())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
        db.session.commit()
        count = len(budget.submission_warnings or [])
        flash(
            _("Submitted to the board. The budget is locked while it votes.")
            + (
                " "
                + _(
                    "The board sees the %(n)d warnings of the check with it.",
                    n=count,
                )
                if count
                else ""
            ),
            "success",
        )
        return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
    status = 200
    if changed:
        flash(
            _(
                "The budget's lines changed since you checked it, so it was not submitted. "
                "Read the check again below."
            ),
            "warning",
        )
        status = 409
    elif request.method == "POST":
        flash(_("Confirm the submission below, with the check's warnings in view."), "warning")
    if not budget.is_draft:
        flash(
            _("This budget is %(status)s; only a draft is submitted.", status=budget.status),
            "danger",
        )
        return redirect(url_for("budgets.detail", aid=aid, budget_id=budget_id))
    result = budgets.figures(budget)
    confirm_form = SubmitBudgetForm(formdata=None)
    confirm_form.confirmed.data = "yes"
    confirm_form.digest.data = lines_digest(budget)
    return render_template(
        "budgets/submit.html",
        association=budget.association,
        b=budget,
        warnings=checks.warnings(budget, result),
        totals={
            "income": formatting.money(result.totals.income),
            "expense": formatting.money(result.totals.expense),
            "reserve": formatting.money(result.totals.reserve_contribution),
            "net": formatting.money(result.totals.net),
        },
        lines=len(budget.lines),
        form=confirm_form,
    ), status


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

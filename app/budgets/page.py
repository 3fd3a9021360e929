"""The budget's page, rendered for each role (owners: their own version of it), shared by
the pages that show it again with errors (the table, the import)."""

from __future__ import annotations

from flask import render_template

from app.associations.forms import ConfirmForm
from app.auth import policies
from app.budgets import checks, reports
from app.budgets import policies as budget_policies
from app.budgets import services as budgets
from app.budgets.forms import LinesForm, LinesImportForm
from app.budgets.lines import ACCOUNT_CODE_MAX, NAME_MAX, NOTE_MAX
from app.budgets.models import Budget
from app.budgets.owner import owner_context
from app.core.pages import actor
from app.extensions import db

BLANK_ROWS = 3
MAXIMA = {"account_code": ACCOUNT_CODE_MAX, "name": NAME_MAX, "note": NOTE_MAX}


def _rows_from_budget(budget: Budget) -> list[dict]:
    return [
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


def render_detail(
    budget: Budget,
    *,
    rows=None,
    row_errors=None,
    import_form: LinesImportForm | None = None,
    import_errors: list[str] | None = None,
    status: int = 200,
):
    """Render the budget's page (owners: their own version of it)."""
    association = budget.association
    user = actor()
    if not budget_policies.can_see_drafts(user, association.id):
        return render_template(
            "budgets/owner.html",
            association=association,
            b=budget,
            owner=owner_context(user, budget),
        ), status
    editable = budget.is_draft and budget_policies.can_manage_budgets(user, association.id)
    centres = budgets.cost_centers(association)
    if editable:
        rows = list(rows if rows is not None else _rows_from_budget(budget))
        blanks = 1 if row_errors else BLANK_ROWS
        rows += [_blank_row(centres[0].id) for _n in range(blanks)]
    visible_versions = db.session.scalars(
        budget_policies.visible_budgets(user, association.id)
        .where(Budget.fiscal_year == budget.fiscal_year)
        .order_by(Budget.version)
    ).all()
    if import_form is None:
        import_form = LinesImportForm(formdata=None)
    return render_template(
        "budgets/detail.html",
        association=association,
        b=budget,
        report=reports.budget_context(budget),
        editable=editable,
        rows=rows,
        row_errors=row_errors or {},
        maxima=MAXIMA,
        centres=centres,
        lines_form=LinesForm(),
        upload_form=import_form,
        import_errors=import_errors or [],
        confirm=ConfirmForm(),
        versions=visible_versions,
        warnings=checks.warnings(budget) if budget.is_draft else None,
        stored_warnings=budget.submission_warnings if not budget.is_draft else None,
        can_manage=budget_policies.can_manage_budgets(user, association.id),
        can_see_variance=budget_policies.can_see_variance(user, budget),
        can_copy=editable and not budget.lines and budgets.last_approved_before(budget),
        is_board=policies.is_board(user, association.id),
    ), status

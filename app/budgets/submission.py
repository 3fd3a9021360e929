"""Putting a budget to the board, and revising a decided one."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals import services as approvals
from app.auth.models import User
from app.budgets import checks
from app.budgets.figures import figures
from app.budgets.lines import _record, require_draft
from app.budgets.models import (
    Budget,
    BudgetLine,
    BudgetStatus,
)
from app.core import clock
from app.core.errors import Conflict, InvalidTransition
from app.extensions import db


def submit_budget(budget: Budget, *, actor: User):
    """Put a draft budget to the board; it is locked while pending."""
    require_draft(budget)
    if not budget.lines:
        raise Conflict(_("Add the budget's lines before submitting it."))
    result = figures(budget)
    empty = [
        c.name
        for c in result.assessment.centres
        if c.unit_count == 0 and any(ln.cost_center_id == c.id for ln in budget.lines)
    ]
    if empty:
        raise Conflict(
            _(
                "Cost centre %(names)s has lines but covers no unit, so nobody would "
                "pay for them. Give it unit types that units have, or move its lines.",
                names=", ".join(empty),
            )
        )
    budget.submission_warnings = checks.as_stored(checks.warnings(budget, result))
    return approvals.open_request("budget", budget, actor=actor)


def revise_budget(budget: Budget, *, actor: User) -> Budget:
    """Make a new draft version with the same lines, from a rejected or approved budget."""
    if budget.status not in (BudgetStatus.REJECTED, BudgetStatus.APPROVED):
        raise InvalidTransition(
            _(
                "Only a rejected or approved budget can be revised; this one is %(status)s.",
                status=budget.status.replace("_", " "),
            )
        )
    newest = db.session.scalar(
        select(Budget)
        .where(
            Budget.association_id == budget.association_id, Budget.fiscal_year == budget.fiscal_year
        )
        .order_by(Budget.version.desc())
        .limit(1)
    )
    if newest.status in (BudgetStatus.DRAFT, BudgetStatus.PENDING_APPROVAL):
        raise Conflict(
            _(
                "Version %(version)d of this year's budget is already %(status)s; "
                "work on that one.",
                version=newest.version,
                status=newest.status.replace("_", " "),
            )
        )
    revision = Budget(
        association_id=budget.association_id,
        fiscal_year=budget.fiscal_year,
        version=newest.version + 1,
        status=BudgetStatus.DRAFT.value,
        revised_from_id=budget.id,
        created_at=clock.now(),
    )
    revision.lines = [
        BudgetLine(
            position=line.position,
            account_code=line.account_code,
            name=line.name,
            fund=line.fund,
            kind=line.kind,
            amount=line.amount,
            prior_year_amount=line.prior_year_amount,
            note=line.note,
            cost_center_id=line.cost_center_id,
        )
        for line in budget.lines
    ]
    db.session.add(revision)
    db.session.flush()
    _record(
        revision,
        "budget.revised",
        actor=actor,
        summary=_(
            "Revised the FY %(year)d budget into version %(version)d",
            year=budget.fiscal_year,
            version=revision.version,
        ),
        data={"revised_from_id": budget.id},
    )
    return revision

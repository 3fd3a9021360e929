"""The owner's home: their units with the assessment of the adopted budget, and the
approved budgets to read."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Unit
from app.auth import policies
from app.budgets import services
from app.budgets.models import Budget, BudgetStatus
from app.core import clock, formatting
from app.extensions import db
from app.home.registry import Item, Section, section


def _approved(association_id: int) -> list[Budget]:
    return list(
        db.session.scalars(
            select(Budget)
            .where(Budget.association_id == association_id, Budget.status == BudgetStatus.APPROVED)
            .order_by(Budget.fiscal_year.desc(), Budget.version.desc())
            .limit(5)
        )
    )


def _budget_in_force(association, approved: list[Budget]) -> Budget | None:
    """The approved budget of the fiscal year under way, else the latest approved."""
    today = clock.today(association.time_zone)
    for budget in approved:
        start = services.fiscal_year_start(association, budget.fiscal_year)
        end = services.fiscal_year_end(association, budget.fiscal_year)
        if start <= today <= end:
            return budget
    return approved[0] if approved else None


@section("units")
def units_and_assessment(user, association) -> Section | None:
    """Your homes, and what each pays under the adopted budget."""
    ids = policies.owned_unit_ids(user, association.id)
    if not ids:
        return None
    units = db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.label)).all()
    budget = _budget_in_force(association, _approved(association.id))
    shares = {}
    if budget is not None:
        figures = services.figures(budget)
        shares = {u.unit_id: u for u in figures.assessment.by_unit}
    items = []
    for unit in units:
        share = shares.get(unit.id)
        detail = (
            _(
                "Your assessment under the budget for %(year)d: %(monthly)s a month "
                "(%(annual)s a year).",
                year=budget.fiscal_year,
                monthly=formatting.money(share.monthly),
                annual=formatting.money(share.annual),
            )
            if share is not None
            else _("No budget has been adopted yet, so there is no assessment to show.")
        )
        items.append(Item(f"{unit.label} — {unit.street_address}", detail=detail))
    return Section(items=items)


@section("records")
def approved_budgets(user, association) -> Section | None:
    """The budgets the board adopted, as the report owners receive."""
    approved = _approved(association.id)
    if not approved:
        return None
    items = [
        Item(
            _("Budget for %(year)d", year=b.fiscal_year),
            url=url_for("budgets.pdf", aid=association.id, budget_id=b.id),
            detail=_(
                "Adopted %(date)s", date=formatting.long_date(b.approved_at, association.time_zone)
            ),
        )
        for b in approved
    ]
    return Section(
        items=items,
        more_url=url_for("budgets.index", aid=association.id),
        more_label=_("All budgets"),
    )

"""Computing a budget: totals and the assessment of every unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.associations.models import Unit
from app.budgets import calc
from app.budgets.centres import cost_centers
from app.budgets.models import (
    Budget,
    CostCenter,
)
from app.extensions import db


@dataclass
class Figures:
    """Everything computed about a budget, for the page, the API and the PDF."""

    totals: calc.Totals
    assessment: calc.Assessment
    centres: list[CostCenter]
    units: list[Unit]


def figures(budget: Budget) -> Figures:
    """Compute totals and the assessment of every unit from the budget's lines."""
    centres = cost_centers(budget.association)
    units = list(
        db.session.scalars(
            select(Unit).where(Unit.association_id == budget.association_id).order_by(Unit.label)
        )
    )
    lines = [
        calc.LineIn(
            line.id,
            line.name,
            line.account_code,
            line.fund,
            line.kind,
            Decimal(line.amount),
            line.prior_year_amount,
            line.cost_center_id,
        )
        for line in budget.lines
    ]
    centres_in = [
        calc.CentreIn(c.id, c.name, tuple(c.unit_types) if c.unit_types else None) for c in centres
    ]
    units_in = [calc.UnitIn(u.id, u.label, u.unit_type, u.allocation_share) for u in units]
    return Figures(
        calc.totals(lines, centres_in), calc.assess(lines, centres_in, units_in), centres, units
    )

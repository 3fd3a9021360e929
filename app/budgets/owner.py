"""An approved budget as an owner reads it: what their home pays, and where the money goes,
in plain words."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Unit
from app.auth import policies
from app.budgets.figures import figures
from app.budgets.fiscal import fiscal_year_end, fiscal_year_start
from app.budgets.models import Budget
from app.core import formatting
from app.extensions import db


def owner_context(user, budget: Budget) -> dict:
    """Return what the owner's budget page shows, as plain values."""
    association = budget.association
    result = figures(budget)
    shares = {u.unit_id: u for u in result.assessment.by_unit}
    ids = policies.owned_unit_ids(user, association.id)
    units = (
        db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.label)).all()
        if ids
        else []
    )
    homes = []
    for unit in units:
        share = shares.get(unit.id)
        homes.append(
            {
                "label": unit.label,
                "address": unit.street_address,
                "monthly": formatting.money(share.monthly) if share else None,
                "annual": formatting.money(share.annual) if share else None,
            }
        )
    totals = result.totals
    spending: dict[str, Decimal] = defaultdict(lambda: Decimal(0))
    for line in budget.lines:
        if line.kind == "expense" and line.fund == "operating":
            spending[line.name] += line.amount
    biggest = sorted(spending.items(), key=lambda item: item[1], reverse=True)[:5]
    operating = totals.expense - totals.reserve_contribution
    return {
        "period": _(
            "%(start)s to %(end)s",
            start=formatting.long_date(fiscal_year_start(association, budget.fiscal_year)),
            end=formatting.long_date(fiscal_year_end(association, budget.fiscal_year)),
        ),
        "adopted": formatting.long_date(budget.approved_at, association.time_zone),
        "homes": homes,
        "home_count": len(result.units),
        "spending": formatting.money(totals.expense),
        "operating": formatting.money(operating),
        "reserve": formatting.money(totals.reserve_contribution),
        "has_reserve": bool(totals.reserve_contribution),
        "biggest": [
            {
                "name": name,
                "amount": formatting.money(amount),
                "monthly_per_home": formatting.money(amount / 12 / len(result.units))
                if result.units
                else None,
            }
            for name, amount in biggest
        ],
    }

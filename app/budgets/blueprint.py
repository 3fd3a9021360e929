"""The budget pages' blueprint and what every budget page needs: loading the budget the
signed-in user may see (else 404)."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from app.budgets import policies as budget_policies
from app.budgets.models import Budget
from app.core.errors import NotFound
from app.core.pages import actor, load_association
from app.extensions import db

bp = Blueprint("budgets", __name__, url_prefix="/associations/<int:aid>/budgets")


def load_budget(aid: int, budget_id: int) -> Budget:
    """Return a budget of the association the user may read, else raise NotFound."""
    association = load_association(aid)
    budget = db.session.get(Budget, budget_id)
    if (
        budget is None
        or budget.association_id != association.id
        or not budget_policies.can_view_budget(actor(), budget)
    ):
        raise NotFound(_("No such budget."))
    return budget

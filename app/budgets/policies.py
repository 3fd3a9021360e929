"""Who may see and change budgets."""

from __future__ import annotations

from app.auth import policies
from app.auth.models import User
from app.budgets.models import Budget, BudgetStatus


def can_manage_budgets(user: User, association_id: int) -> bool:
    """Managers and admins prepare budgets, import lines and actuals, submit and revise."""
    return policies.is_manager(user, association_id)


def can_see_drafts(user: User, association_id: int) -> bool:
    """Managers, board members and admins see every version; owners see approved ones."""
    return policies.is_manager(user, association_id) or policies.is_board(user, association_id)


def can_view_budget(user: User, budget: Budget) -> bool:
    """Tell whether the user may read this budget version."""
    if can_see_drafts(user, budget.association_id):
        return True
    return budget.status == BudgetStatus.APPROVED and policies.is_member(
        user, budget.association_id
    )

"""Who may see and change budgets."""

from __future__ import annotations

from sqlalchemy import Select, false, select

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


def visible_budgets(user: User, association_id: int) -> Select:
    """Return a query of the association's budget versions the user may read."""
    statement = select(Budget).where(Budget.association_id == association_id)
    if not policies.is_member(user, association_id):
        return statement.where(false())
    if not can_see_drafts(user, association_id):
        statement = statement.where(Budget.status == BudgetStatus.APPROVED)
    return statement


def can_see_variance(user: User, budget: Budget) -> bool:
    """Managers, board members and admins compare an approved budget with its actuals."""
    return budget.status == BudgetStatus.APPROVED and can_see_drafts(user, budget.association_id)

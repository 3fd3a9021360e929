"""Budgets in every state, built through the real services."""

from decimal import Decimal

from app.approvals import services as approvals
from app.budgets import services as budgets
from app.extensions import db
from tests import factories as f

LINES = [
    {
        "account_code": "4000",
        "name": "Assessments",
        "fund": "operating",
        "kind": "income",
        "amount": "120000.00",
        "prior_year_amount": "110000.00",
    },
    {
        "account_code": "5100",
        "name": "Landscaping",
        "fund": "operating",
        "kind": "expense",
        "amount": "36000.00",
        "prior_year_amount": "34000.00",
    },
    {
        "account_code": "5200",
        "name": "Insurance",
        "fund": "operating",
        "kind": "expense",
        "amount": "24000.00",
        "prior_year_amount": "20000.00",
    },
    {
        "account_code": "6000",
        "name": "Reserve contribution",
        "fund": "reserve",
        "kind": "expense",
        "amount": "12000.00",
        "prior_year_amount": "12000.00",
    },
]


def seat_third_board_member(world):
    """Give association A a board of three (Bea, Bo and a director)."""
    third = f.UserFactory(name="Dee Director")
    f.MembershipFactory(user=third, association=world.a, role="board", office="director")
    db.session.flush()
    return third


def draft(world, year=2027, lines=LINES):
    budget = budgets.create_budget(world.a, fiscal_year=year, actor=world.manager)
    for values in lines:
        budgets.add_line(budget, dict(values), actor=world.manager)
    return budget


def in_state(world, status, year=2027):
    """Return a budget of association A in the given status."""
    budget = draft(world, year)
    if status == "draft":
        return budget
    request = budgets.submit_budget(budget, actor=world.manager)
    if status == "pending_approval":
        return budget
    choice = "approve" if status == "approved" else "reject"
    for member in (world.board, world.board2):
        if request.is_pending:
            approvals.cast_vote(request.id, voter=member, choice=choice)
    assert budget.status == status
    return budget


def money(value) -> Decimal:
    return Decimal(value)

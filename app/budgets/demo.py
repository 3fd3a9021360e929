"""Demo budgets: an adopted year, next year's draft, and one before the board."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from app.associations.models import Association
from app.auth.models import Membership, User
from app.budgets import services as budgets
from app.core import clock
from app.extensions import db

WILLOW_LINES = [
    # account, name, fund, kind, amount, prior, centre
    ("4000", "Regular assessments", "operating", "income", "412800.00", "398400.00", None),
    ("4100", "Late fees and interest", "operating", "income", "3200.00", "2900.00", None),
    ("4200", "Clubhouse rental", "operating", "income", "4800.00", "4500.00", None),
    ("5000", "Management fee", "operating", "expense", "54000.00", "52200.00", None),
    ("5100", "Landscaping contract", "operating", "expense", "96000.00", "91500.00", None),
    ("5150", "Tree trimming", "operating", "expense", "14500.00", "12000.00", None),
    ("5200", "Pool service and chemicals", "operating", "expense", "18600.00", "17900.00", None),
    ("5300", "Common-area electricity", "operating", "expense", "22800.00", "21000.00", None),
    ("5310", "Water and sewer", "operating", "expense", "31200.00", "29800.00", None),
    ("5400", "Insurance (master policy)", "operating", "expense", "48500.00", "41200.00", None),
    ("5500", "Legal and audit", "operating", "expense", "9500.00", "9000.00", None),
    ("5600", "Snow removal", "operating", "expense", "12000.00", "11000.00", "townhome"),
    ("5700", "Gutter cleaning", "operating", "expense", "7200.00", "6900.00", "townhome"),
    (
        "6000",
        "Reserve contribution — common area",
        "reserve",
        "expense",
        "36000.00",
        "33600.00",
        None,
    ),
    (
        "6100",
        "Reserve contribution — townhome roofs",
        "reserve",
        "expense",
        "28800.00",
        "27600.00",
        "townhome",
    ),
]


def _adopt_willow_2026(willow, townhomes, general, manager, board) -> None:
    adopted = budgets.create_budget(willow, fiscal_year=2026, actor=manager)
    rows = [
        {
            "account_code": code,
            "name": name,
            "fund": fund,
            "kind": kind,
            "amount": prior,
            "prior_year_amount": None,
            "cost_center_id": (townhomes if centre else general).id,
        }
        for code, name, fund, kind, _amount, prior, centre in WILLOW_LINES
    ]
    budgets.save_lines(adopted, rows, actor=manager)
    _balance_assessments(adopted)
    request = budgets.submit_budget(adopted, actor=manager)
    board.approve(request, ["Insurance increase is in line with the broker's quote."])


def _balance_assessments(budget) -> None:
    """Set the assessment income line to what the units are assessed, so the budget balances."""
    db.session.flush()
    collected = budgets.figures(budget).assessment.collected
    budget.lines[0].amount = collected


def load_budget_demo(admin: User, manager: User, board) -> None:
    """Create the demo budgets through the services, decided by ``board`` (online votes or
    a meeting, as each association's venue requires: app.meetings.demo)."""
    willow = db.session.scalar(
        select(Association).where(Association.name == "Willow Creek Townhomes")
    )
    cedar = db.session.scalar(select(Association).where(Association.name == "Cedar Ridge Commons"))
    townhomes = budgets.create_cost_center(
        willow, name="Townhome services", unit_types=["townhome"], actor=manager
    )
    general = budgets.general_cost_center(willow)
    # The adopted year was approved in good time, last November.
    clock.freeze(datetime(2025, 11, 12, 18, 30, tzinfo=UTC))
    try:
        _adopt_willow_2026(willow, townhomes, general, manager, board)
    finally:
        clock.unfreeze()
    draft = budgets.create_budget(willow, fiscal_year=2027, actor=manager)

    budgets.copy_from_last_approved(draft, actor=manager)
    for line, (_code, _name, _fund, _kind, amount, _prior, _centre) in zip(
        draft.lines, WILLOW_LINES, strict=True
    ):
        line.amount = Decimal(amount)
    _balance_assessments(draft)
    db.session.flush()

    cedar_budget = budgets.create_budget(cedar, fiscal_year=2027, actor=manager)
    for code, name, fund, kind, amount in (
        ("4000", "Annual assessments", "operating", "income", "86400.00"),
        ("5000", "Management fee", "operating", "expense", "21600.00"),
        ("5100", "Landscaping — entrances and parks", "operating", "expense", "26400.00"),
        ("5300", "Street lights", "operating", "expense", "6000.00"),
        ("5400", "Insurance", "operating", "expense", "9800.00"),
        ("6000", "Reserve contribution", "reserve", "expense", "14400.00"),
    ):
        budgets.add_line(
            cedar_budget,
            {"account_code": code, "name": name, "fund": fund, "kind": kind, "amount": amount},
            actor=manager,
        )
    cedar_request = budgets.submit_budget(cedar_budget, actor=manager)
    first_vote = db.session.scalar(
        select(Membership).where(
            Membership.association_id == cedar.id, Membership.office == "treasurer"
        )
    )
    board.begin(cedar_request, first_vote.user, "Matches the reserve study.")

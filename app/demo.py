"""Demo data for every feature: the associations and their people first, then each
feature's records (budgets, compliance, vendors, notices, architectural review)."""

from __future__ import annotations

from app.arc.demo import load_arc_demo
from app.associations.demo import DEMO_PASSWORD, load_people_demo
from app.budgets.demo import load_budget_demo
from app.compliance.demo import load_compliance_demo
from app.meetings.demo import DemoBoard
from app.notices.demo import load_notice_demo
from app.vendors.demo import load_vendor_demo

__all__ = ["DEMO_PASSWORD", "load_demo"]


def load_demo(seed: int = 2026) -> list[tuple[str, str]]:
    """Load the whole demo; return the (who, e-mail) sign-ins."""
    people = load_people_demo(seed)
    board = DemoBoard(people.manager)
    load_budget_demo(people.admin, people.manager, board)
    load_compliance_demo(people.manager)
    load_vendor_demo(people.manager, board)
    load_notice_demo(people.manager)
    load_arc_demo(people.manager, board)
    board.place_pending()
    return people.logins

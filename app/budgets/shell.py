"""What budgets add to the application shell: the navigation link, audit actions in words
and links to budgets."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.core import audit, navigation


def register(app) -> None:
    """Register budgets with the navigation and the audit log."""
    navigation.section("budgets.index", _l("Budgets"), order=50)
    audit.describe_actions(
        {
            "budget.created": _l("Budget started"),
            "budget.copied": _l("Budget filled from the last approved one"),
            "budget.line_added": _l("Budget line added"),
            "budget.line_removed": _l("Budget line removed"),
            "budget.lines_imported": _l("Budget lines imported"),
            "budget.lines_saved": _l("Budget lines saved"),
            "budget.revised": _l("Budget revised"),
            "budget.approved": _l("Budget adopted"),
            "budget.actuals_imported": _l("Actual amounts imported"),
            "cost_center.created": _l("Cost centre added"),
        }
    )
    audit.link_records(
        "budget", lambda aid, id_: url_for("budgets.detail", aid=aid, budget_id=id_), _l("Budget")
    )
    audit.link_records(
        "cost_center", lambda aid, id_: url_for("budgets.cost_centers", aid=aid), _l("Cost centre")
    )

"""The budget workflow in one namespace, for views, the API and tests.

The work itself lives in modules by what it does: fiscal years and distribution timing
(``fiscal``), cost centres (``centres``), versions and lines (``lines``), the CSV import of
lines (``imports``), totals and assessments (``figures``), the pre-submission check and the
board (``submission``), and actuals (``actuals``).
"""

from __future__ import annotations

from app.budgets.actuals import (
    VarianceReport,
    VarianceRow,
    import_actuals,
    variance_report,
)
from app.budgets.centres import (
    cost_centers,
    create_cost_center,
    general_cost_center,
    get_cost_center,
)
from app.budgets.figures import Figures, figures
from app.budgets.fiscal import (
    Timing,
    distribution_timing,
    fiscal_year_end,
    fiscal_year_months,
    fiscal_year_start,
)
from app.budgets.imports import CSV_COLUMNS, import_lines_csv
from app.budgets.lines import (
    add_line,
    copy_from_last_approved,
    create_budget,
    delete_line,
    get_budget,
    last_approved_before,
    parse_money,
    require_draft,
    save_lines,
)
from app.budgets.submission import revise_budget, submit_budget

__all__ = [
    "CSV_COLUMNS",
    "Figures",
    "Timing",
    "VarianceReport",
    "VarianceRow",
    "add_line",
    "copy_from_last_approved",
    "cost_centers",
    "create_budget",
    "create_cost_center",
    "delete_line",
    "distribution_timing",
    "figures",
    "fiscal_year_end",
    "fiscal_year_months",
    "fiscal_year_start",
    "general_cost_center",
    "get_budget",
    "get_cost_center",
    "import_actuals",
    "import_lines_csv",
    "last_approved_before",
    "parse_money",
    "require_draft",
    "revise_budget",
    "save_lines",
    "submit_budget",
    "variance_report",
]

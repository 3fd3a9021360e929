"""The check before a budget goes to the board: warnings the board should see.

None of them stops a submission (a surplus may be intended); the manager confirms with the
warnings in view, and they are stored with the budget when it is submitted, so the board
reads what the manager saw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from flask_babel import gettext as _

from app.budgets.figures import Figures, figures
from app.budgets.models import Budget
from app.core import formatting

# An income line is the assessment line when its name says so.
ASSESSMENT_WORDS = ("assessment", "dues")
TOLERANCE = Decimal("0.01")  # more than 1% apart is worth a warning


@dataclass(frozen=True)
class Warning_:
    """One thing the board should look at: a code for programs and a sentence for people."""

    code: str
    message: str


def is_assessment_line(line) -> bool:
    """Tell whether an income line is the owners' assessments."""
    name = (line.name or "").lower()
    return line.kind == "income" and any(word in name for word in ASSESSMENT_WORDS)


def _assessment_warning(budget: Budget, result: Figures) -> Warning_ | None:
    lines = [ln for ln in budget.lines if is_assessment_line(ln)]
    computed = result.assessment.collected
    homes = len(result.units)
    if not lines:
        if not computed:
            return None
        return Warning_(
            "assessment_line_missing",
            _(
                "No income line is named for assessments, so the budget's income cannot be "
                "checked against the %(computed)s a year the %(homes)d homes pay under it.",
                computed=formatting.money(computed),
                homes=homes,
            ),
        )
    budgeted = sum((Decimal(ln.amount) for ln in lines), Decimal(0))
    difference = budgeted - computed
    if computed and abs(difference) <= computed * TOLERANCE:
        return None
    percent = _(" (%(p)s%%)", p=f"{abs(difference) / computed * 100:.1f}") if computed else ""
    return Warning_(
        "assessment_mismatch",
        _(
            "The assessment income (%(names)s: %(budgeted)s) and the assessments the %(homes)d "
            "homes pay under this budget (%(computed)s a year) are %(difference)s%(percent)s "
            "apart. Owners pay what the expenses require; the income line should match it.",
            names=", ".join(ln.name for ln in lines),
            budgeted=formatting.money(budgeted),
            homes=homes,
            computed=formatting.money(computed),
            difference=formatting.money(abs(difference)),
            percent=percent,
        ),
    )


def warnings(budget: Budget, result: Figures | None = None) -> list[Warning_]:
    """Return what the board should see before it votes on this budget."""
    result = result or figures(budget)
    found: list[Warning_] = []
    if not budget.lines:
        return found
    if warning := _assessment_warning(budget, result):
        found.append(warning)
    totals = result.totals
    if totals.net > 0:
        found.append(
            Warning_(
                "surplus",
                _(
                    "The budget shows a surplus of %(net)s: income %(income)s against "
                    "expenses %(expense)s.",
                    net=formatting.money(totals.net),
                    income=formatting.money(totals.income),
                    expense=formatting.money(totals.expense),
                ),
            )
        )
    elif totals.net < 0:
        found.append(
            Warning_(
                "deficit",
                _(
                    "The budget shows a deficit of %(net)s: income %(income)s against "
                    "expenses %(expense)s.",
                    net=formatting.money(-totals.net),
                    income=formatting.money(totals.income),
                    expense=formatting.money(totals.expense),
                ),
            )
        )
    if not totals.reserve_contribution:
        found.append(
            Warning_(
                "no_reserve_contribution",
                _("Nothing goes to the reserve fund: the budget has no reserve-fund expense line."),
            )
        )
    uncoded = [ln.name for ln in budget.lines if not (ln.account_code or "").strip()]
    if uncoded:
        found.append(
            Warning_(
                "lines_without_account_code",
                _(
                    "%(n)d lines have no account code, so actuals cannot be matched to them: "
                    "%(names)s.",
                    n=len(uncoded),
                    names=", ".join(uncoded),
                ),
            )
        )
    return found


def as_stored(found: list[Warning_]) -> list[dict]:
    """Return warnings as stored with the submitted budget."""
    return [asdict(w) for w in found]

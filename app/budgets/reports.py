"""What the budget page and the budget report PDF show, as plain values."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.approvals.models import ApprovalRequest
from app.budgets import calc
from app.budgets import services as budgets
from app.budgets.models import Budget
from app.core import charts, clock, formatting
from app.extensions import db

SECTION_TITLES = {
    ("operating", "income"): _l("Operating fund — income"),
    ("operating", "expense"): _l("Operating fund — expenses"),
    ("reserve", "income"): _l("Reserve fund — income"),
    ("reserve", "expense"): _l("Reserve fund — expenses"),
}
CHOICE_LABELS = {"approve": _l("Approve"), "reject": _l("Reject"), "abstain": _l("Abstain")}


def _money(value) -> str:
    return formatting.money(value) if value is not None else "—"


def _change(amount, prior) -> dict:
    difference, percent = calc.change(amount, prior)
    return {
        "amount": _money(difference) if difference is not None else "—",
        "percent": f"{percent:+}%" if percent is not None else "",
        "negative": difference is not None and difference < 0,
    }


def budget_context(budget: Budget) -> dict:
    """Return every figure of a budget, formatted, for the page and the PDF."""
    association = budget.association
    result = budgets.figures(budget)
    centres = {c.id: c for c in result.centres}
    sections = []
    for fund in ("operating", "reserve"):
        for kind in ("income", "expense"):
            lines = [ln for ln in budget.lines if ln.fund == fund and ln.kind == kind]
            if not lines:
                continue
            amount = sum((ln.amount for ln in lines), Decimal(0))
            priors = [ln.prior_year_amount for ln in lines if ln.prior_year_amount is not None]
            prior = sum(priors, Decimal(0)) if priors else None
            sections.append(
                {
                    "title": str(SECTION_TITLES[(fund, kind)]),
                    "lines": [
                        {
                            "id": ln.id,
                            "account_code": ln.account_code,
                            "name": ln.name,
                            "centre": centres[ln.cost_center_id].name
                            if ln.cost_center_id in centres
                            else "",
                            "amount": _money(ln.amount),
                            "prior": _money(ln.prior_year_amount),
                            "note": ln.note,
                            "change": _change(ln.amount, ln.prior_year_amount),
                        }
                        for ln in lines
                    ],
                    "total": _money(amount),
                    "prior_total": _money(prior),
                    "change": _change(amount, prior),
                }
            )
    totals = result.totals
    assessment = result.assessment
    unit_types = sorted(assessment.by_unit_type)
    centre_rows = []
    for centre in assessment.centres:
        if not centre.expense and not centre.unit_count:
            continue
        centre_rows.append(
            {
                "name": centre.name,
                "covers": ", ".join(centre.unit_types) if centre.unit_types else _("all units"),
                "expense": _money(centre.expense),
                "units": centre.unit_count,
                "by_allocation": centre.by_allocation,
                "per_type": {
                    t: (
                        _money(centre.monthly_by_type[t])
                        if centre.monthly_by_type.get(t) is not None
                        else (_("varies") if t in centre.monthly_by_type else "—")
                    )
                    for t in unit_types
                },
            }
        )
    type_rows = []
    counts: dict[str, int] = defaultdict(int)
    for unit in result.units:
        counts[unit.unit_type] += 1
    for unit_type in unit_types:
        amounts = assessment.by_unit_type[unit_type]
        type_rows.append(
            {
                "type": unit_type,
                "units": counts[unit_type],
                "monthly": _money(amounts[1]) if amounts else _("varies by unit"),
                "annual": _money(amounts[0]) if amounts else _("varies by unit"),
            }
        )
    difference = assessment.rounding_difference
    rounding = _(
        "Each unit's monthly share of a cost centre is rounded half-up to the cent, and a unit "
        "pays the sum of its shares every month (the annual amount is 12 times the monthly "
        "one). Over the year the units pay %(collected)s towards %(shared)s of shared expenses; "
        "the rounding difference of %(difference)s %(where)s.",
        collected=_money(assessment.collected),
        shared=_money(assessment.shared_expense),
        difference=_money(abs(difference)),
        where=_("stays in the operating fund")
        if difference >= 0
        else _("is covered by the operating fund"),
    )
    expense_items = defaultdict(lambda: Decimal(0))
    for line in budget.lines:
        if line.kind == "expense":
            expense_items[line.name] += line.amount
    chart = charts.bar_chart(
        list(expense_items.items()), title=_("Expenses by category"), other_label=_("Other")
    )
    approval = None
    if budget.approval_id:
        request = db.session.get(ApprovalRequest, budget.approval_id)
        approval = {
            "status": request.status,
            "required": request.required,
            "eligible": len(request.eligible_voter_ids),
            "rule": request.threshold_label,
            "submitted": formatting.long_date(request.submitted_at, association.time_zone),
            "decided": formatting.long_date(request.decided_at, association.time_zone),
            "votes": [
                {
                    "name": v.voter.name,
                    "choice": str(CHOICE_LABELS.get(v.choice, v.choice)),
                    "comment": v.comment,
                    "when": formatting.long_date(v.cast_at, association.time_zone),
                }
                for v in request.votes
            ],
            "approvals": request.approvals,
            "rejections": request.rejections,
            "abstentions": request.abstentions,
        }
    timing = budgets.distribution_timing(budget)
    start = budgets.fiscal_year_start(association, budget.fiscal_year)
    end = budgets.fiscal_year_end(association, budget.fiscal_year)
    return {
        "association": {
            "name": association.name,
            "letterhead": association.letterhead_address,
            "time_zone": association.time_zone,
        },
        "budget": {
            "id": budget.id,
            "fiscal_year": budget.fiscal_year,
            "version": budget.version,
            "status": budget.status,
            "status_label": budget.status.replace("_", " "),
            "approved_on": formatting.long_date(budget.approved_at, association.time_zone),
        },
        "period": _(
            "%(start)s – %(end)s", start=formatting.long_date(start), end=formatting.long_date(end)
        ),
        "sections": sections,
        "totals": {
            "income": _money(totals.income),
            "expense": _money(totals.expense),
            "reserve_contribution": _money(totals.reserve_contribution),
            "net": _money(totals.net),
            "net_negative": totals.net < 0,
            "prior_income": _money(totals.prior_income),
            "prior_expense": _money(totals.prior_expense),
            "expense_change": _change(totals.expense, totals.prior_expense),
            "has_prior": any(ln.prior_year_amount is not None for ln in budget.lines),
            "by_fund": {
                fund: {k: _money(v) for k, v in values.items()}
                for fund, values in totals.by_fund.items()
            },
        },
        "unit_types": unit_types,
        "centre_rows": centre_rows,
        "type_rows": type_rows,
        "per_unit": _money(assessment.monthly_per_unit)
        if assessment.monthly_per_unit is not None
        else None,
        "per_unit_annual": _money(assessment.annual_per_unit)
        if assessment.annual_per_unit is not None
        else None,
        "rounding": rounding,
        "chart": chart,
        "approval": approval,
        "timing": {"message": timing.message, "late": timing.late},
        "generated_on": formatting.long_date(clock.now(), association.time_zone),
    }


def variance_context(budget: Budget) -> dict:
    """Return the budget-vs-actual report, formatted."""
    report = budgets.variance_report(budget)
    association = budget.association
    rows = [
        {
            "account_code": r.account_code,
            "name": r.name,
            "kind": r.kind,
            "annual": _money(r.annual),
            "budget_ytd": _money(r.budget_ytd),
            "actual_ytd": _money(r.actual_ytd),
            "variance": _money(r.variance),
            "percent": f"{r.percent:+}%" if r.percent is not None else "—",
            "unfavourable": r.unfavourable,
            "unknown": r.unknown,
        }
        for r in report.rows
    ]
    totals = [
        {
            "label": t.label,
            "annual": _money(t.annual),
            "budget_ytd": _money(t.budget_ytd),
            "actual_ytd": _money(t.actual_ytd),
            "variance": _money(t.variance),
            "unfavourable": t.unfavourable,
        }
        for t in report.totals.values()
    ]
    return {
        "association": {"name": association.name, "letterhead": association.letterhead_address},
        "budget": {"id": budget.id, "fiscal_year": budget.fiscal_year, "version": budget.version},
        "through": formatting.long_date(report.through) if report.through else None,
        "through_month": report.through.strftime("%B %Y") if report.through else None,
        "months": report.months_elapsed,
        "rows": rows,
        "totals": totals,
        "unknown_accounts": report.unknown_accounts,
        "generated_on": formatting.long_date(clock.now(), association.time_zone),
    }

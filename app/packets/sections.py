"""The packet's sections as plain values (numbers, dates, strings), read from live data.

Each function takes an association (and the day or period it is about) and returns dicts and
lists the templates print and the tests read; nothing here writes.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.approvals import subjects
from app.approvals.models import ApprovalRequest, ApprovalStatus
from app.associations.models import Association
from app.budgets import services as budgets
from app.budgets.models import Budget, BudgetStatus
from app.compliance.models import Finding, Inspection, Violation, ViolationStatus
from app.core import clock
from app.extensions import db
from app.vendors import contracts
from app.vendors import services as vendors
from app.vendors.models import KIND_LABELS

ZERO = Decimal(0)

# The ladder's steps a violation can still be on, in the order it climbs them.
OPEN_STAGES = (
    ViolationStatus.OPEN,
    ViolationStatus.NOTICED,
    ViolationStatus.HEARING_SCHEDULED,
    ViolationStatus.FINED,
)
STAGE_LABELS = {
    ViolationStatus.OPEN: _l("Open, no notice yet"),
    ViolationStatus.NOTICED: _l("Noticed"),
    ViolationStatus.HEARING_SCHEDULED: _l("Hearing scheduled"),
    ViolationStatus.FINED: _l("Fined"),
    ViolationStatus.CURED: _l("Cured"),
    ViolationStatus.CLOSED: _l("Closed"),
}
# Age buckets in days since the violation was opened: (label, lowest, highest or None).
AGE_BUCKETS = (
    (_l("0–30 days"), 0, 30),
    (_l("31–60 days"), 31, 60),
    (_l("61–90 days"), 61, 90),
    (_l("Over 90 days"), 91, None),
)
SUBJECT_LABELS = {"budget": _l("Budget"), "contract": _l("Contract"), "fine": _l("Fine")}


def today_for(association: Association) -> date:
    """Return today in the association's time zone."""
    return clock.today(association.time_zone)


# --- budget vs actual ---------------------------------------------------------------------


def budget_in_force(association: Association, on: date | None = None) -> Budget | None:
    """Return the approved budget whose fiscal year holds the day, else the latest approved."""
    on = on or today_for(association)
    approved = db.session.scalars(
        select(Budget)
        .where(Budget.association_id == association.id, Budget.status == BudgetStatus.APPROVED)
        .order_by(Budget.fiscal_year.desc(), Budget.version.desc())
    ).all()
    for budget in approved:
        start = budgets.fiscal_year_start(association, budget.fiscal_year)
        end = budgets.fiscal_year_end(association, budget.fiscal_year)
        if start <= on <= end:
            return budget
    return approved[0] if approved else None


def budget_vs_actual(
    association: Association, fiscal_year: int | None = None, *, on: date | None = None
) -> dict | None:
    """Return the approved budget of a fiscal year (default: the one in force) against its
    year-to-date actuals, account by account, with totals for income and expense.

    None when the association has no approved budget for that year.
    """
    if fiscal_year is None:
        budget = budget_in_force(association, on)
    else:
        budget = db.session.scalar(
            select(Budget)
            .where(
                Budget.association_id == association.id,
                Budget.status == BudgetStatus.APPROVED,
                Budget.fiscal_year == fiscal_year,
            )
            .order_by(Budget.version.desc())
            .limit(1)
        )
    if budget is None:
        return None
    report = budgets.variance_report(budget)
    rows = [
        {
            "account_code": r.account_code,
            "name": r.name,
            "kind": r.kind,
            "annual": r.annual,
            "budget_ytd": r.budget_ytd,
            "actual_ytd": r.actual_ytd,
            "variance": r.variance,
            "percent": r.percent,
            "unfavourable": r.unfavourable,
        }
        for r in report.rows
    ]
    totals = {}
    for kind in ("income", "expense"):
        mine = [r for r in rows if r["kind"] == kind]
        budget_ytd = sum((r["budget_ytd"] for r in mine), ZERO)
        actual_ytd = sum((r["actual_ytd"] for r in mine), ZERO)
        totals[kind] = {
            "annual": sum((r["annual"] for r in mine), ZERO),
            "budget_ytd": budget_ytd,
            "actual_ytd": actual_ytd,
            "variance": actual_ytd - budget_ytd,
        }
    return {
        "budget_id": budget.id,
        "fiscal_year": budget.fiscal_year,
        "version": budget.version,
        "through": report.through,
        "months": report.months_elapsed,
        "rows": rows,
        "totals": totals,
    }


# --- compliance ---------------------------------------------------------------------------


def _bucket(age: int) -> int:
    for index, (_label, low, high) in enumerate(AGE_BUCKETS):
        if age >= low and (high is None or age <= high):
            return index
    return 0  # opened "in the future" (a back-dated clock): the youngest bucket


def violations(association: Association, *, on: date | None = None, period_days: int = 90):
    """Return the unresolved violations by stage and by age, how many are overdue, and how
    many were cured or closed in the last ``period_days``.

    Age is counted in days from the day the violation was opened to ``on`` (default today).
    """
    on = on or today_for(association)
    unresolved = db.session.execute(
        select(Violation.status, Violation.opened_on, Violation.cure_by).where(
            Violation.association_id == association.id,
            Violation.status.in_([s.value for s in OPEN_STAGES]),
        )
    ).all()
    by_stage = Counter(status for status, _opened, _cure in unresolved)
    by_age = Counter(_bucket((on - opened).days) for _status, opened, _cure in unresolved)
    overdue = sum(
        1
        for status, _opened, cure_by in unresolved
        if cure_by is not None
        and cure_by < on
        and status in (ViolationStatus.OPEN, ViolationStatus.NOTICED)
    )
    since = on - timedelta(days=period_days)
    cured = db.session.scalar(
        select(func.count(Violation.id)).where(
            Violation.association_id == association.id,
            Violation.cured_on >= since,
            Violation.cured_on <= on,
        )
    )
    return {
        "on": on,
        "total": len(unresolved),
        "by_stage": [
            {"stage": stage.value, "label": str(STAGE_LABELS[stage]), "count": by_stage[stage]}
            for stage in OPEN_STAGES
        ],
        "by_age": [
            {"label": str(label), "count": by_age[index]}
            for index, (label, _low, _high) in enumerate(AGE_BUCKETS)
        ],
        "overdue": overdue,
        "cured_recently": cured or 0,
        "period_days": period_days,
    }


def inspections(association: Association, start: date, end: date) -> dict:
    """Return the inspections walked from ``start`` to ``end`` (both included) with what each
    found: findings, violations it opened, re-inspections."""
    rows = db.session.scalars(
        select(Inspection)
        .where(
            Inspection.association_id == association.id,
            Inspection.scheduled_for >= start,
            Inspection.scheduled_for <= end,
        )
        .order_by(Inspection.scheduled_for, Inspection.id)
        .options(selectinload(Inspection.findings).selectinload(Finding.violation))
    ).all()
    items = []
    for inspection in rows:
        findings = inspection.findings
        opened = {
            f.violation_id for f in findings if not f.reinspection and f.violation is not None
        }
        items.append(
            {
                "id": inspection.id,
                "on": inspection.scheduled_for,
                "status": inspection.status,
                "findings": len(findings),
                "new_violations": len(opened),
                "reinspections": sum(1 for f in findings if f.reinspection),
            }
        )
    return {
        "start": start,
        "end": end,
        "items": items,
        "findings": sum(i["findings"] for i in items),
        "new_violations": sum(i["new_violations"] for i in items),
    }


# --- vendors ------------------------------------------------------------------------------


def expiring(association: Association, within_days: int = 60, *, on: date | None = None) -> dict:
    """Return the insurance certificates of the association's vendors and its contracts that
    expire (or whose notice deadline falls) within ``within_days``."""
    on = on or today_for(association)
    certificates = [
        {
            "vendor": certificate.vendor.name,
            "kind": str(KIND_LABELS.get(certificate.kind, certificate.kind)),
            "carrier": certificate.carrier,
            "policy_number": certificate.policy_number,
            "coverage": certificate.coverage_amount,
            "expires_on": certificate.expires_on,
            "days_left": days_left,
        }
        for certificate, days_left in vendors.expiring_certificates(association, within_days)
    ]
    contract_rows = [
        {
            "id": contract.id,
            "title": contract.title,
            "vendor": contract.vendor.name,
            "amount": contract.amount,
            "billing": contract.billing,
            "end_date": contract.end_date,
            "notice_deadline": contract.notice_deadline,
            "auto_renew": contract.auto_renew,
            "hint": contracts.decision_hint(contract, on),
        }
        for contract in contracts.expiring(association, within_days)
    ]
    return {"within_days": within_days, "certificates": certificates, "contracts": contract_rows}


# --- approvals ----------------------------------------------------------------------------


def pending_approvals(association: Association) -> list[dict]:
    """Return the association's requests still before the board, oldest first, each with what
    it decides (the subject's own summary) and the votes so far."""
    requests = db.session.scalars(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.association_id == association.id,
            ApprovalRequest.status == ApprovalStatus.PENDING,
        )
        .order_by(ApprovalRequest.submitted_at, ApprovalRequest.id)
        .options(selectinload(ApprovalRequest.votes), selectinload(ApprovalRequest.voters))
    ).all()
    items = []
    for request in requests:
        kind = subjects.kind_of(request.subject_type)
        subject = kind.load(request.subject_id)
        items.append(
            {
                "id": request.id,
                "subject_type": request.subject_type,
                "kind": str(SUBJECT_LABELS.get(request.subject_type, kind.label)),
                "title": request.title,
                "decides": kind.summary(subject) if subject is not None else [],
                "submitted_at": request.submitted_at,
                "required": request.required,
                "eligible": len(request.voters),
                "rule": request.threshold_label,
                "approvals": request.approvals,
                "rejections": request.rejections,
                "abstentions": request.abstentions,
            }
        )
    return items


def period_before(on: date, days: int = 90) -> tuple[date, date]:
    """Return the ``days`` ending on ``on``: the window the compliance sections look back on."""
    return on - timedelta(days=days - 1), on

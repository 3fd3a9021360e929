"""Budgets as subjects of the approval engine."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app.approvals.subjects import SubjectKind, register
from app.auth import policies
from app.budgets.models import Budget, BudgetStatus
from app.core import audit, clock, formatting
from app.extensions import db


class BudgetSubject(SubjectKind):
    """Adopting a budget: the board approves a submitted version."""

    kind = "budget"
    label = "Budget"

    def load(self, subject_id: int) -> Budget | None:
        """Return the budget."""
        return db.session.get(Budget, subject_id)

    def title(self, subject: Budget) -> str:
        """Return e.g. "Budget for fiscal year 2027 (version 2)"."""
        return _(
            "Budget for fiscal year %(year)d (version %(version)d)",
            year=subject.fiscal_year,
            version=subject.version,
        )

    def concerns(self, user, subject: Budget) -> bool:
        """Every member of the association reads an approved budget."""
        return subject.status == BudgetStatus.APPROVED and policies.is_member(
            user, subject.association_id
        )

    def summary(self, subject: Budget) -> list[tuple[str, str]]:
        """Totals and the assessment, for the board's page."""
        from app.budgets.figures import figures

        result = figures(subject)
        rows = [
            (_("Income"), formatting.money(result.totals.income)),
            (_("Expense"), formatting.money(result.totals.expense)),
            (_("Reserve contribution"), formatting.money(result.totals.reserve_contribution)),
            (_("Net"), formatting.money(result.totals.net)),
            (_("Lines"), str(len(subject.lines))),
        ]
        for unit_type, amounts in result.assessment.by_unit_type.items():
            value = (
                _("%(monthly)s a month", monthly=formatting.money(amounts[1]))
                if amounts
                else _("varies by unit")
            )
            rows.append((_("Assessment, %(type)s", type=unit_type), value))
        return rows

    evidence_template = "budgets/_evidence.html"

    def evidence(self, subject: Budget) -> dict:
        """The check's warnings as submitted, the change from last year, the report."""
        from app.budgets.figures import figures
        from app.budgets.lines import last_approved_before

        totals = figures(subject).totals
        previous = last_approved_before(subject)
        change = None
        if previous is not None:
            before = figures(previous).totals
            change = _(
                "Expenses %(now)s against %(before)s in the adopted FY %(year)d budget "
                "(%(difference)s).",
                now=formatting.money(totals.expense),
                before=formatting.money(before.expense),
                year=previous.fiscal_year,
                difference=("+" if totals.expense >= before.expense else "−")
                + formatting.money(abs(totals.expense - before.expense)),
            )
        return {
            "warnings": subject.submission_warnings or [],
            "checked": subject.submission_warnings is not None,
            "change": change,
            # Plain values, no URLs: the board packet prints this outside any request.
            "association_id": subject.association_id,
            "budget_id": subject.id,
        }

    def url(self, subject: Budget) -> str:
        """Return the budget's page."""
        return url_for("budgets.detail", aid=subject.association_id, budget_id=subject.id)

    def briefs(self, subject_ids: list[int]) -> dict[int, list[str]]:
        """Income and expense of each budget, summed in one query."""
        from sqlalchemy import func, select

        from app.budgets.models import BudgetLine

        totals: dict[int, dict[str, object]] = {i: {} for i in subject_ids}
        for budget_id, kind, amount in db.session.execute(
            select(BudgetLine.budget_id, BudgetLine.kind, func.sum(BudgetLine.amount))
            .where(BudgetLine.budget_id.in_(subject_ids))
            .group_by(BudgetLine.budget_id, BudgetLine.kind)
        ):
            totals[budget_id][kind] = amount
        return {
            budget_id: [
                _("Income %(amount)s", amount=formatting.money(sums.get("income") or 0)),
                _("expenses %(amount)s", amount=formatting.money(sums.get("expense") or 0)),
            ]
            for budget_id, sums in totals.items()
        }

    def on_submit(self, subject: Budget, request) -> None:
        """Lock the budget while the board decides."""
        subject.status = BudgetStatus.PENDING_APPROVAL.value
        subject.approval_id = request.id

    def on_approved(self, subject: Budget, request) -> None:
        """Adopt the budget: approved, locked for good, visible to owners."""
        subject.status = BudgetStatus.APPROVED.value
        subject.approved_at = clock.now()
        db.session.flush()
        audit.record(
            "budget.approved",
            actor=None,
            association_id=subject.association_id,
            subject_type="budget",
            subject_id=subject.id,
            summary=_(
                "Budget for FY %(year)d version %(version)d approved and published to owners",
                year=subject.fiscal_year,
                version=subject.version,
            ),
            data={"approval_id": request.id},
        )

    def on_rejected(self, subject: Budget, request) -> None:
        """The budget stays locked; the manager revises it into a new version."""
        subject.status = BudgetStatus.REJECTED.value

    def on_withdrawn(self, subject: Budget, request) -> None:
        """Back to draft: lines can change again."""
        subject.status = BudgetStatus.DRAFT.value


register(BudgetSubject())

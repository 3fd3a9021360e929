"""Actual amounts against an approved budget: the import and the variance report."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.budgets import calc
from app.budgets.fiscal import fiscal_year_months
from app.budgets.lines import ACCOUNT_CODE_MAX, _record
from app.budgets.models import (
    Actual,
    Budget,
    BudgetStatus,
)
from app.core.csvrows import read_rows as _read_csv
from app.core.errors import InvalidTransition, ValidationError
from app.core.inputs import too_long
from app.extensions import db


def import_actuals(budget: Budget, text: str, *, actor: User) -> int:
    """Import (account_code, month, amount) rows; a file with any error imports nothing.

    A month already imported for an account is replaced, so a corrected export can be loaded
    again.
    """
    if budget.status != BudgetStatus.APPROVED:
        raise InvalidTransition(
            _(
                "Actuals are compared with an approved budget; this one is %(status)s.",
                status=budget.status.replace("_", " "),
            )
        )
    try:
        rows = _read_csv(text, ("account_code", "month", "amount"))
    except csv.Error as exc:
        raise ValidationError(
            "file", _("The file is not valid CSV: %(error)s", error=str(exc))
        ) from exc
    months = set(fiscal_year_months(budget.association, budget.fiscal_year))
    problems: list[str] = []
    parsed: dict[tuple[str, date], Decimal] = {}
    for number, row in rows:
        code = row.get("account_code", "")
        if not code:
            problems.append(_("Line %(n)d: account_code: enter the GL account code.", n=number))
        elif message := too_long(code, ACCOUNT_CODE_MAX):
            problems.append(_("Line %(n)d: account_code: %(message)s", n=number, message=message))
        try:
            year, month = (int(part) for part in row.get("month", "").split("-"))
            first = date(year, month, 1)
        except ValueError:
            problems.append(_("Line %(n)d: month: use YYYY-MM, such as 2027-03.", n=number))
            first = None
        if first is not None and first not in months:
            problems.append(
                _(
                    "Line %(n)d: month: %(month)s is outside fiscal year %(year)d.",
                    n=number,
                    month=row["month"],
                    year=budget.fiscal_year,
                )
            )
        try:
            raw = row.get("amount", "").replace(",", "").replace("$", "")
            amount = Decimal(raw)
            if not amount.is_finite() or amount != amount.quantize(calc.CENT):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.append(_("Line %(n)d: amount: enter an amount such as 1250.00.", n=number))
            continue
        if first is not None and code:
            key = (code, first)
            parsed[key] = parsed.get(key, calc.ZERO) + amount
    if not rows and not problems:
        problems.append(_("The file has no lines."))
    if problems:
        raise ValidationError({"file": problems})
    existing = {
        (a.account_code, a.month): a
        for a in db.session.scalars(select(Actual).where(Actual.budget_id == budget.id))
    }
    for (code, month), amount in parsed.items():
        row = existing.get((code, month))
        if row is None:
            db.session.add(
                Actual(budget_id=budget.id, account_code=code, month=month, amount=amount)
            )
        else:
            row.amount = amount
    db.session.flush()
    _record(
        budget,
        "budget.actuals_imported",
        actor=actor,
        summary=_(
            "Imported %(n)d actual amounts for FY %(year)d", n=len(parsed), year=budget.fiscal_year
        ),
    )
    return len(parsed)


@dataclass
class VarianceRow:
    """One account in the budget-vs-actual report."""

    account_code: str
    name: str
    kind: str
    annual: Decimal
    budget_ytd: Decimal
    actual_ytd: Decimal
    unknown: bool = False

    @property
    def variance(self) -> Decimal:
        """Return actual minus budget, year to date."""
        return self.actual_ytd - self.budget_ytd

    @property
    def percent(self) -> Decimal | None:
        """Return the variance as a percentage of the year-to-date budget."""
        if not self.budget_ytd:
            return None
        return (self.variance / self.budget_ytd * 100).quantize(Decimal("0.1"))

    @property
    def unfavourable(self) -> bool:
        """Tell whether the variance hurts: overspent expense or missing income."""
        return self.variance > 0 if self.kind == "expense" else self.variance < 0


@dataclass
class VarianceReport:
    """Budget against actuals by account, through a month."""

    rows: list[VarianceRow]
    through: date | None
    months_elapsed: int
    totals: dict[str, VarianceTotal] = field(default_factory=dict)

    @property
    def unknown_accounts(self) -> list[str]:
        """Return the account codes with actuals that no budget line has."""
        return [r.account_code for r in self.rows if r.unknown]


@dataclass
class VarianceTotal:
    """A totals row: income, expense or net, year to date (unknown accounts left out)."""

    label: str
    kind: str
    annual: Decimal
    budget_ytd: Decimal
    actual_ytd: Decimal

    @property
    def variance(self) -> Decimal:
        """Return actual minus budget, year to date."""
        return self.actual_ytd - self.budget_ytd

    @property
    def unfavourable(self) -> bool:
        """Tell whether the variance hurts: overspent expense, missing income or net."""
        return self.variance > 0 if self.kind == "expense" else self.variance < 0


def variance_report(budget: Budget) -> VarianceReport:
    """Compare year-to-date actuals with the pro-rated budget, account by account."""
    actuals = list(db.session.scalars(select(Actual).where(Actual.budget_id == budget.id)))
    months = fiscal_year_months(budget.association, budget.fiscal_year)
    codes = {line.account_code for line in budget.lines if line.account_code}
    # An account the budget does not know does not move "through": it may be a typo.
    known = [a for a in actuals if a.account_code in codes] or actuals
    through = max((a.month for a in known), default=None)
    elapsed = months.index(through) + 1 if through in months else 0
    rows: dict[tuple[str, str], VarianceRow] = {}
    for line in budget.lines:
        key = (line.account_code or line.name, line.kind)
        row = rows.get(key)
        if row is None:
            row = rows[key] = VarianceRow(
                line.account_code, line.name, line.kind, calc.ZERO, calc.ZERO, calc.ZERO
            )
        row.annual += line.amount
    for row in rows.values():
        row.budget_ytd = calc.cents(row.annual * elapsed / 12)
    by_code = {code: row for (code, _kind), row in rows.items()}
    for actual in actuals:
        row = by_code.get(actual.account_code)
        if row is None:
            row = VarianceRow(
                actual.account_code,
                _("(not in the budget)"),
                "expense",
                calc.ZERO,
                calc.ZERO,
                calc.ZERO,
                unknown=True,
            )
            rows[(actual.account_code, "unbudgeted")] = by_code[actual.account_code] = row
        row.actual_ytd += actual.amount
    ordered = sorted(
        rows.values(), key=lambda r: (r.unknown, r.kind != "income", r.account_code, r.name)
    )
    return VarianceReport(ordered, through, elapsed, _totals(ordered))


def _totals(rows: list[VarianceRow]) -> dict[str, VarianceTotal]:
    sums = {}
    for kind, label in (("income", _("Total income")), ("expense", _("Total expenses"))):
        chosen = [r for r in rows if r.kind == kind and not r.unknown]
        sums[kind] = VarianceTotal(
            label,
            kind,
            sum((r.annual for r in chosen), calc.ZERO),
            sum((r.budget_ytd for r in chosen), calc.ZERO),
            sum((r.actual_ytd for r in chosen), calc.ZERO),
        )
    income, expense = sums["income"], sums["expense"]
    sums["net"] = VarianceTotal(
        _("Net (income − expenses)"),
        "net",
        income.annual - expense.annual,
        income.budget_ytd - expense.budget_ytd,
        income.actual_ytd - expense.actual_ytd,
    )
    return sums

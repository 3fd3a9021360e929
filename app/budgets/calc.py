"""Budget arithmetic: totals, changes and the assessment per unit. Decimal throughout.

For each cost centre covering a unit, the unit's monthly share is the centre's expense × the
unit's share of the centre (1 ÷ units covered, or its allocation share over the centre's
total, when every covered unit has one) ÷ 12, rounded half-up to the cent. The unit's monthly
assessment is the sum of its shares, and the annual assessment is 12 × the monthly one, so the
parts always add up to the total an owner pays.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Round half-up to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineIn:
    """What the arithmetic needs of a budget line."""

    id: int | None
    name: str
    account_code: str
    fund: str
    kind: str
    amount: Decimal
    prior_year_amount: Decimal | None
    cost_center_id: int


@dataclass(frozen=True)
class CentreIn:
    """What the arithmetic needs of a cost centre."""

    id: int
    name: str
    unit_types: tuple[str, ...] | None

    def covers(self, unit_type: str) -> bool:
        """Tell whether units of this type share the centre's costs."""
        return self.unit_types is None or unit_type in self.unit_types


@dataclass(frozen=True)
class UnitIn:
    """What the arithmetic needs of a unit."""

    id: int
    label: str
    unit_type: str
    allocation_share: Decimal | None


@dataclass
class Totals:
    """Income, expense, reserve contribution and net, now and the prior year."""

    income: Decimal = ZERO
    expense: Decimal = ZERO
    reserve_contribution: Decimal = ZERO
    net: Decimal = ZERO
    prior_income: Decimal = ZERO
    prior_expense: Decimal = ZERO
    prior_net: Decimal = ZERO
    by_fund: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    by_centre: dict[int, dict[str, Decimal]] = field(default_factory=dict)

    @property
    def expense_change(self) -> Decimal:
        """Return the change in total expense against the prior year."""
        return self.expense - self.prior_expense


@dataclass
class CentreResult:
    """One cost centre's expense and how it is shared."""

    id: int
    name: str
    unit_types: tuple[str, ...] | None
    expense: Decimal
    income: Decimal
    unit_count: int
    by_allocation: bool
    monthly_by_type: dict[str, Decimal | None]


@dataclass
class UnitResult:
    """What one unit pays: per centre and in total."""

    unit_id: int
    label: str
    unit_type: str
    monthly: Decimal
    annual: Decimal
    parts: dict[int, Decimal]


@dataclass
class Assessment:
    """The assessment of every unit, and summaries as owners read them."""

    by_unit: list[UnitResult]
    centres: list[CentreResult]
    by_unit_type: dict[str, tuple[Decimal, Decimal] | None]
    monthly_per_unit: Decimal | None
    annual_per_unit: Decimal | None
    collected: Decimal
    shared_expense: Decimal

    @property
    def rounding_difference(self) -> Decimal:
        """Return what units pay in a year beyond (or short of) the shared expenses."""
        return self.collected - self.shared_expense

    @property
    def empty_centres(self) -> list[CentreResult]:
        """Return centres that carry expenses but cover no unit."""
        return [c for c in self.centres if c.unit_count == 0 and (c.expense or c.income)]


def totals(lines: list[LineIn], centres: list[CentreIn]) -> Totals:
    """Sum the lines per fund, kind and cost centre."""
    result = Totals()
    by_fund: dict[str, dict[str, Decimal]] = {
        fund: {"income": ZERO, "expense": ZERO} for fund in ("operating", "reserve")
    }
    by_centre: dict[int, dict[str, Decimal]] = {
        c.id: {"income": ZERO, "expense": ZERO} for c in centres
    }
    for line in lines:
        amount = Decimal(line.amount)
        prior = Decimal(line.prior_year_amount or 0)
        by_fund[line.fund][line.kind] += amount
        by_centre.setdefault(line.cost_center_id, {"income": ZERO, "expense": ZERO})
        by_centre[line.cost_center_id][line.kind] += amount
        if line.kind == "income":
            result.income += amount
            result.prior_income += prior
        else:
            result.expense += amount
            result.prior_expense += prior
            if line.fund == "reserve":
                result.reserve_contribution += amount
    result.net = result.income - result.expense
    result.prior_net = result.prior_income - result.prior_expense
    result.by_fund = by_fund
    result.by_centre = by_centre
    return result


def assess(lines: list[LineIn], centres: list[CentreIn], units: list[UnitIn]) -> Assessment:
    """Share each centre's expenses among the units it covers; sum per unit."""
    expense_by_centre: dict[int, Decimal] = defaultdict(lambda: ZERO)
    income_by_centre: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        target = expense_by_centre if line.kind == "expense" else income_by_centre
        target[line.cost_center_id] += Decimal(line.amount)
    parts: dict[int, dict[int, Decimal]] = {u.id: {} for u in units}
    centre_results = []
    shared_expense = ZERO
    for centre in centres:
        covered = [u for u in units if centre.covers(u.unit_type)]
        expense = expense_by_centre[centre.id]
        by_allocation = bool(covered) and all(u.allocation_share for u in covered)
        total_shares = (
            sum((Decimal(u.allocation_share) for u in covered), Decimal(0))
            if by_allocation
            else Decimal(len(covered))
        )
        if covered and expense:
            shared_expense += expense
            for unit in covered:
                weight = Decimal(unit.allocation_share) if by_allocation else Decimal(1)
                parts[unit.id][centre.id] = cents(expense * weight / total_shares / 12)
        monthly_by_type: dict[str, Decimal | None] = {}
        for unit_type in sorted({u.unit_type for u in covered}):
            amounts = {
                parts[u.id].get(centre.id, ZERO) for u in covered if u.unit_type == unit_type
            }
            monthly_by_type[unit_type] = amounts.pop() if len(amounts) == 1 else None
        centre_results.append(
            CentreResult(
                id=centre.id,
                name=centre.name,
                unit_types=centre.unit_types,
                expense=expense,
                income=income_by_centre[centre.id],
                unit_count=len(covered),
                by_allocation=by_allocation,
                monthly_by_type=monthly_by_type,
            )
        )
    by_unit = []
    for unit in units:
        monthly = sum(parts[unit.id].values(), ZERO)
        by_unit.append(
            UnitResult(unit.id, unit.label, unit.unit_type, monthly, monthly * 12, parts[unit.id])
        )
    by_type: dict[str, tuple[Decimal, Decimal] | None] = {}
    for unit_type in sorted({u.unit_type for u in units}):
        amounts = {r.monthly for r in by_unit if r.unit_type == unit_type}
        monthly = amounts.pop() if len(amounts) == 1 else None
        by_type[unit_type] = (monthly * 12, monthly) if monthly is not None else None
    everyone = {r.monthly for r in by_unit}
    per_unit = everyone.pop() if len(everyone) == 1 else None
    return Assessment(
        by_unit=by_unit,
        centres=centre_results,
        by_unit_type=by_type,
        monthly_per_unit=per_unit,
        annual_per_unit=per_unit * 12 if per_unit is not None else None,
        collected=sum((r.annual for r in by_unit), ZERO),
        shared_expense=shared_expense,
    )


def change(amount: Decimal, prior: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    """Return the change against the prior year and as a percentage (None when unknown)."""
    if prior is None:
        return None, None
    difference = Decimal(amount) - Decimal(prior)
    if not prior:
        return difference, None
    return difference, (difference / Decimal(prior) * 100).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )

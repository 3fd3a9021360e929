"""Budget workflow: cost centres, versions, lines, submission, revision, actuals."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.approvals import services as approvals
from app.associations.models import Association, Unit
from app.auth.models import User
from app.budgets import calc
from app.budgets.models import (
    Actual,
    Budget,
    BudgetLine,
    BudgetStatus,
    CostCenter,
    Fund,
    LineKind,
)
from app.core import audit, clock, formatting
from app.core.csvrows import read_rows as _read_csv
from app.core.errors import Conflict, InvalidTransition, NotFound, ValidationError
from app.core.inputs import too_long
from app.core.parsing import as_id, parse_amount
from app.extensions import db

# --- fiscal years -------------------------------------------------------------------------


def fiscal_year_start(association: Association, fiscal_year: int) -> date:
    """Return the first day of a fiscal year, named for the calendar year in which it ends."""
    month = association.fiscal_year_start_month
    return date(fiscal_year if month == 1 else fiscal_year - 1, month, 1)


def fiscal_year_end(association: Association, fiscal_year: int) -> date:
    """Return the last day of a fiscal year."""
    return fiscal_year_start(association, fiscal_year + 1) - timedelta(days=1)


def fiscal_year_months(association: Association, fiscal_year: int) -> list[date]:
    """Return the first day of each month of the fiscal year, in order."""
    start = fiscal_year_start(association, fiscal_year)
    months = []
    year, month = start.year, start.month
    for _index in range(12):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass(frozen=True)
class Timing:
    """When the budget must reach owners, and whether this one did."""

    earliest: date | None
    latest: date | None
    message: str | None
    late: bool


def distribution_timing(budget: Budget) -> Timing:
    """Check the association's window for getting the budget to owners (CA: 30–90 days)."""
    association = budget.association
    start = fiscal_year_start(association, budget.fiscal_year)
    min_days, max_days = association.budget_notice_min_days, association.budget_notice_max_days
    latest = start - timedelta(days=min_days) if min_days is not None else None
    earliest = start - timedelta(days=max_days) if max_days is not None else None
    if latest is None and earliest is None:
        return Timing(None, None, None, False)
    when = (
        formatting.long_date(budget.approved_at, association.time_zone)
        if budget.approved_at
        else None
    )
    approved_on = (
        clock.as_utc(budget.approved_at).astimezone(clock.zone(association.time_zone)).date()
        if budget.approved_at
        else None
    )
    today = clock.today(association.time_zone)
    window = (
        _(
            "between %(earliest)s and %(latest)s",
            earliest=formatting.long_date(earliest),
            latest=formatting.long_date(latest),
        )
        if earliest and latest
        else (
            _("by %(latest)s", latest=formatting.long_date(latest))
            if latest
            else _("no earlier than %(earliest)s", earliest=formatting.long_date(earliest))
        )
    )
    rule = _(
        "The budget must reach owners %(window)s (%(min)s–%(max)s days before the fiscal "
        "year starts on %(start)s).",
        window=window,
        min=min_days if min_days is not None else "0",
        max=max_days if max_days is not None else "∞",
        start=formatting.long_date(start),
    )
    if approved_on is not None:
        if latest and approved_on > latest:
            return Timing(
                earliest,
                latest,
                _(
                    "Late: this budget was approved on %(when)s, after "
                    "the last day it could reach owners in time. ",
                    when=when,
                )
                + rule,
                True,
            )
        if earliest and approved_on < earliest:
            return Timing(
                earliest,
                latest,
                _(
                    "Early: this budget was approved on %(when)s; "
                    "distribute it to owners no earlier than "
                    "%(earliest)s. ",
                    when=when,
                    earliest=formatting.long_date(earliest),
                )
                + rule,
                False,
            )
        return Timing(
            earliest, latest, _("On time: approved on %(when)s. ", when=when) + rule, False
        )
    if latest and today > latest:
        return Timing(
            earliest,
            latest,
            _("Late: it is already past the last day this budget could reach owners in time. ")
            + rule,
            True,
        )
    return Timing(earliest, latest, rule, False)


# --- cost centres -------------------------------------------------------------------------


def general_cost_center(association: Association) -> CostCenter:
    """Return the association's General centre (all units), creating it on first use."""
    centre = db.session.scalar(
        select(CostCenter).where(
            CostCenter.association_id == association.id, CostCenter.is_general.is_(True)
        )
    )
    if centre is None:
        centre = CostCenter(
            association_id=association.id, name="General", unit_types=None, is_general=True
        )
        db.session.add(centre)
        db.session.flush()
    return centre


def cost_centers(association: Association) -> list[CostCenter]:
    """Return the association's cost centres, General first."""
    general_cost_center(association)
    return list(
        db.session.scalars(
            select(CostCenter)
            .where(CostCenter.association_id == association.id)
            .order_by(CostCenter.is_general.desc(), CostCenter.name)
        )
    )


def _normalize_types(unit_types) -> list[str] | None:
    if unit_types is None:
        return None
    if isinstance(unit_types, str):
        unit_types = unit_types.split(",")
    cleaned = sorted({str(t).strip().lower() for t in unit_types if str(t).strip()})
    return cleaned or None


def create_cost_center(
    association: Association, *, name: str, unit_types=None, actor: User
) -> CostCenter:
    """Add a cost centre covering all units or only the given unit types."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError("name", _("Enter a name of at most 100 characters."))
    types = _normalize_types(unit_types)
    if types and any(len(t) > 40 for t in types):
        raise ValidationError("unit_types", _("Unit types have at most 40 characters."))
    general_cost_center(association)
    exists = db.session.scalar(
        select(CostCenter.id).where(
            CostCenter.association_id == association.id, func.lower(CostCenter.name) == name.lower()
        )
    )
    if exists is not None:
        raise Conflict(_("A cost centre named %(name)s already exists.", name=name))
    centre = CostCenter(association_id=association.id, name=name, unit_types=types)
    db.session.add(centre)
    db.session.flush()
    audit.record(
        "cost_center.created",
        actor=actor,
        association_id=association.id,
        subject_type="cost_center",
        subject_id=centre.id,
        summary=_(
            "Added cost centre %(name)s covering %(types)s",
            name=name,
            types=", ".join(types) if types else _("all units"),
        ),
        data={"unit_types": types},
    )
    return centre


def get_cost_center(association: Association, centre_id) -> CostCenter:
    """Return a cost centre of this association, or raise ValidationError."""
    centre = db.session.get(CostCenter, centre_id) if isinstance(centre_id, int) else None
    if centre is None or centre.association_id != association.id:
        raise ValidationError("cost_center_id", _("Choose a cost centre of this association."))
    return centre


# --- budgets and lines ------------------------------------------------------------------


def get_budget(budget_id: int) -> Budget:
    """Return a budget by id or raise NotFound."""
    budget = db.session.get(Budget, budget_id)
    if budget is None:
        raise NotFound(_("No such budget."))
    return budget


def create_budget(association: Association, *, fiscal_year, actor: User) -> Budget:
    """Start a draft budget for a fiscal year that has none yet."""
    if not isinstance(fiscal_year, int) or not 1900 <= fiscal_year <= 2200:
        raise ValidationError("fiscal_year", _("Enter a year such as 2027."))
    existing = db.session.scalar(
        select(Budget)
        .where(Budget.association_id == association.id, Budget.fiscal_year == fiscal_year)
        .order_by(Budget.version.desc())
        .limit(1)
    )
    if existing is not None:
        raise Conflict(
            _(
                "Fiscal year %(year)d already has a budget (version %(version)d, "
                "%(status)s). Open it, or revise it into a new version.",
                year=fiscal_year,
                version=existing.version,
                status=existing.status.replace("_", " "),
            )
        )
    general_cost_center(association)
    budget = Budget(
        association_id=association.id,
        fiscal_year=fiscal_year,
        version=1,
        status=BudgetStatus.DRAFT.value,
        created_at=clock.now(),
    )
    db.session.add(budget)
    db.session.flush()
    audit.record(
        "budget.created",
        actor=actor,
        association_id=association.id,
        subject_type="budget",
        subject_id=budget.id,
        summary=_("Started the budget for fiscal year %(year)d", year=fiscal_year),
    )
    return budget


def _record(budget: Budget, action: str, *, actor: User, summary: str, data=None) -> None:
    """Write a budget's audit entry."""
    audit.record(
        action,
        actor=actor,
        association_id=budget.association_id,
        subject_type="budget",
        subject_id=budget.id,
        summary=summary,
        data=data,
    )


def require_draft(budget: Budget) -> None:
    """Refuse to change a budget that is not a draft."""
    if not budget.is_draft:
        raise InvalidTransition(
            _(
                "This budget is %(status)s: its lines are locked. Revise it "
                "into a new draft version to change them.",
                status=budget.status.replace("_", " "),
            )
        )


def parse_money(value, field: str, *, required: bool = True) -> Decimal | None:
    """Return a budget line's amount as Decimal to the cent; refuse negatives and nonsense."""
    return parse_amount(
        value,
        field,
        required=required,
        negative_message=_(
            "Enter a positive amount; the kind says whether it is income or expense."
        ),
    )


def _line_values(association: Association, values: dict) -> dict:
    """Validate one line's values; raise ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    name = (values.get("name") or "").strip()
    if not name or len(name) > 200:
        errors["name"] = [_("Enter the line's name (at most 200 characters).")]
    clean["name"] = name
    code = (values.get("account_code") or "").strip()
    if len(code) > 20:
        errors["account_code"] = [_("Use at most 20 characters.")]
    clean["account_code"] = code
    fund = (values.get("fund") or "").strip().lower()
    if fund not in {f.value for f in Fund}:
        errors["fund"] = [_("Choose operating or reserve.")]
    clean["fund"] = fund
    kind = (values.get("kind") or "").strip().lower()
    if kind not in {k.value for k in LineKind}:
        errors["kind"] = [_("Choose income or expense.")]
    clean["kind"] = kind
    for field, required in (("amount", True), ("prior_year_amount", False)):
        try:
            clean[field] = parse_money(values.get(field), field, required=required)
        except ValidationError as error:
            errors.update(error.errors)
    clean["note"] = (values.get("note") or "").strip()
    if message := too_long(clean["note"], 2000):
        errors["note"] = [message]
    centre_id = values.get("cost_center_id")
    if centre_id in (None, ""):
        clean["cost_center_id"] = general_cost_center(association).id
    else:
        try:
            clean["cost_center_id"] = get_cost_center(association, as_id(centre_id)).id
        except ValidationError as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    return clean


def add_line(budget: Budget, values: dict, *, actor: User) -> BudgetLine:
    """Add a line to a draft budget."""
    require_draft(budget)
    clean = _line_values(budget.association, values)
    position = max((line.position for line in budget.lines), default=0) + 1
    line = BudgetLine(budget=budget, position=position, **clean)
    db.session.add(line)
    db.session.flush()
    _record(
        budget,
        "budget.line_added",
        actor=actor,
        summary=_(
            "Added line %(name)s (%(amount)s) to the FY %(year)d budget",
            name=line.name,
            amount=formatting.money(line.amount),
            year=budget.fiscal_year,
        ),
        data={
            "line_id": line.id,
            **{k: str(v) if v is not None else None for k, v in clean.items()},
        },
    )
    return line


def save_lines(budget: Budget, rows: list[dict], *, actor: User) -> list[BudgetLine]:
    """Replace a draft budget's lines with the rows of the editable table, all or nothing.

    Errors are keyed ``lines.<row>.<field>`` (rows counted from 1) so the table can show each
    next to its cell.
    """
    require_draft(budget)
    errors: dict[str, list[str]] = {}
    cleaned = []
    for number, row in enumerate(rows, start=1):
        if not any(str(row.get(k) or "").strip() for k in ("name", "amount", "account_code")):
            continue  # a blank row of the table
        try:
            cleaned.append(_line_values(budget.association, row))
        except ValidationError as error:
            for field, messages in error.errors.items():
                errors[f"lines.{number}.{field}"] = messages
    if errors:
        raise ValidationError(errors)
    before = len(budget.lines)
    budget.lines.clear()
    db.session.flush()
    lines = [BudgetLine(position=n, **values) for n, values in enumerate(cleaned, start=1)]
    budget.lines.extend(lines)
    db.session.flush()
    _record(
        budget,
        "budget.lines_saved",
        actor=actor,
        summary=_(
            "Saved %(n)d lines of the FY %(year)d budget (had %(before)d)",
            n=len(lines),
            year=budget.fiscal_year,
            before=before,
        ),
    )
    return lines


def delete_line(budget: Budget, line_id: int, *, actor: User) -> None:
    """Remove a line from a draft budget."""
    require_draft(budget)
    line = next((ln for ln in budget.lines if ln.id == line_id), None)
    if line is None:
        raise NotFound(_("No such line in this budget."))
    budget.lines.remove(line)
    db.session.flush()
    _record(
        budget,
        "budget.line_removed",
        actor=actor,
        summary=_(
            "Removed line %(name)s from the FY %(year)d budget",
            name=line.name,
            year=budget.fiscal_year,
        ),
    )


CSV_COLUMNS = (
    "account_code",
    "name",
    "fund",
    "kind",
    "amount",
    "prior_year_amount",
    "cost_center",
    "note",
)


def import_lines_csv(budget: Budget, text: str, *, actor: User) -> list[BudgetLine]:
    """Append lines from a CSV; nothing is imported when any row has an error."""
    require_draft(budget)
    try:
        rows = _read_csv(text, ("name", "fund", "kind", "amount"))
    except csv.Error as exc:
        raise ValidationError(
            "file", _("The file is not valid CSV: %(error)s", error=str(exc))
        ) from exc
    centres = {c.name.lower(): c.id for c in cost_centers(budget.association)}
    problems: list[str] = []
    cleaned = []
    for number, row in rows:
        centre_name = row.pop("cost_center", "") or ""
        if centre_name and centre_name.lower() not in centres:
            problems.append(
                _(
                    "Line %(n)d: cost_center: no cost centre named %(name)s.",
                    n=number,
                    name=centre_name,
                )
            )
            continue
        row["cost_center_id"] = centres.get(centre_name.lower()) if centre_name else None
        try:
            cleaned.append(_line_values(budget.association, row))
        except ValidationError as error:
            for field, messages in error.errors.items():
                problems.append(
                    _(
                        "Line %(n)d: %(field)s: %(message)s",
                        n=number,
                        field=field,
                        message=" ".join(messages),
                    )
                )
    if not rows and not problems:
        problems.append(_("The file has no lines."))
    if problems:
        raise ValidationError({"file": problems})
    start = max((line.position for line in budget.lines), default=0)
    lines = [BudgetLine(position=start + n, **values) for n, values in enumerate(cleaned, 1)]
    budget.lines.extend(lines)
    db.session.flush()
    _record(
        budget,
        "budget.lines_imported",
        actor=actor,
        summary=_(
            "Imported %(n)d lines into the FY %(year)d budget",
            n=len(lines),
            year=budget.fiscal_year,
        ),
    )
    return lines


def last_approved_before(budget: Budget) -> Budget | None:
    """Return the latest approved budget of an earlier fiscal year."""
    return db.session.scalar(
        select(Budget)
        .where(
            Budget.association_id == budget.association_id,
            Budget.status == BudgetStatus.APPROVED,
            Budget.fiscal_year < budget.fiscal_year,
        )
        .order_by(Budget.fiscal_year.desc(), Budget.version.desc())
        .limit(1)
    )


def copy_from_last_approved(budget: Budget, *, actor: User) -> list[BudgetLine]:
    """Fill an empty draft with the last approved budget's lines (their amounts as prior)."""
    require_draft(budget)
    if budget.lines:
        raise Conflict(_("This draft already has lines; copying would mix two budgets."))
    source = last_approved_before(budget)
    if source is None:
        raise Conflict(_("There is no approved budget of an earlier fiscal year to copy."))
    lines = [
        BudgetLine(
            position=n,
            account_code=line.account_code,
            name=line.name,
            fund=line.fund,
            kind=line.kind,
            amount=line.amount,
            prior_year_amount=line.amount,
            note=line.note,
            cost_center_id=line.cost_center_id,
        )
        for n, line in enumerate(source.lines, start=1)
    ]
    budget.lines.extend(lines)
    db.session.flush()
    _record(
        budget,
        "budget.copied",
        actor=actor,
        summary=_(
            "Copied %(n)d lines from the approved FY %(year)d budget",
            n=len(lines),
            year=source.fiscal_year,
        ),
        data={"source_budget_id": source.id},
    )
    return lines


# --- computing ----------------------------------------------------------------------------


@dataclass
class Figures:
    """Everything computed about a budget, for the page, the API and the PDF."""

    totals: calc.Totals
    assessment: calc.Assessment
    centres: list[CostCenter]
    units: list[Unit]


def figures(budget: Budget) -> Figures:
    """Compute totals and the assessment of every unit from the budget's lines."""
    centres = cost_centers(budget.association)
    units = list(
        db.session.scalars(
            select(Unit).where(Unit.association_id == budget.association_id).order_by(Unit.label)
        )
    )
    lines = [
        calc.LineIn(
            line.id,
            line.name,
            line.account_code,
            line.fund,
            line.kind,
            Decimal(line.amount),
            line.prior_year_amount,
            line.cost_center_id,
        )
        for line in budget.lines
    ]
    centres_in = [
        calc.CentreIn(c.id, c.name, tuple(c.unit_types) if c.unit_types else None) for c in centres
    ]
    units_in = [calc.UnitIn(u.id, u.label, u.unit_type, u.allocation_share) for u in units]
    return Figures(
        calc.totals(lines, centres_in), calc.assess(lines, centres_in, units_in), centres, units
    )


# --- workflow -----------------------------------------------------------------------------


def submit_budget(budget: Budget, *, actor: User):
    """Put a draft budget to the board; it is locked while pending."""
    require_draft(budget)
    if not budget.lines:
        raise Conflict(_("Add the budget's lines before submitting it."))
    result = figures(budget)
    empty = [
        c.name
        for c in result.assessment.centres
        if c.unit_count == 0 and any(ln.cost_center_id == c.id for ln in budget.lines)
    ]
    if empty:
        raise Conflict(
            _(
                "Cost centre %(names)s has lines but covers no unit, so nobody would "
                "pay for them. Give it unit types that units have, or move its lines.",
                names=", ".join(empty),
            )
        )
    return approvals.open_request("budget", budget, actor=actor)


def revise_budget(budget: Budget, *, actor: User) -> Budget:
    """Make a new draft version with the same lines, from a rejected or approved budget."""
    if budget.status not in (BudgetStatus.REJECTED, BudgetStatus.APPROVED):
        raise InvalidTransition(
            _(
                "Only a rejected or approved budget can be revised; this one is %(status)s.",
                status=budget.status.replace("_", " "),
            )
        )
    newest = db.session.scalar(
        select(Budget)
        .where(
            Budget.association_id == budget.association_id, Budget.fiscal_year == budget.fiscal_year
        )
        .order_by(Budget.version.desc())
        .limit(1)
    )
    if newest.status in (BudgetStatus.DRAFT, BudgetStatus.PENDING_APPROVAL):
        raise Conflict(
            _(
                "Version %(version)d of this year's budget is already %(status)s; "
                "work on that one.",
                version=newest.version,
                status=newest.status.replace("_", " "),
            )
        )
    revision = Budget(
        association_id=budget.association_id,
        fiscal_year=budget.fiscal_year,
        version=newest.version + 1,
        status=BudgetStatus.DRAFT.value,
        revised_from_id=budget.id,
        created_at=clock.now(),
    )
    revision.lines = [
        BudgetLine(
            position=line.position,
            account_code=line.account_code,
            name=line.name,
            fund=line.fund,
            kind=line.kind,
            amount=line.amount,
            prior_year_amount=line.prior_year_amount,
            note=line.note,
            cost_center_id=line.cost_center_id,
        )
        for line in budget.lines
    ]
    db.session.add(revision)
    db.session.flush()
    _record(
        revision,
        "budget.revised",
        actor=actor,
        summary=_(
            "Revised the FY %(year)d budget into version %(version)d",
            year=budget.fiscal_year,
            version=revision.version,
        ),
        data={"revised_from_id": budget.id},
    )
    return revision


# --- actuals ------------------------------------------------------------------------------


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
        if not code or len(code) > 20:
            problems.append(_("Line %(n)d: account_code: enter the GL account code.", n=number))
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


def variance_report(budget: Budget) -> VarianceReport:
    """Compare year-to-date actuals with the pro-rated budget, account by account."""
    actuals = list(db.session.scalars(select(Actual).where(Actual.budget_id == budget.id)))
    months = fiscal_year_months(budget.association, budget.fiscal_year)
    through = max((a.month for a in actuals), default=None)
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
            )
            rows[(actual.account_code, "unbudgeted")] = by_code[actual.account_code] = row
        row.actual_ytd += actual.amount
    ordered = sorted(rows.values(), key=lambda r: (r.kind != "income", r.account_code, r.name))
    return VarianceReport(ordered, through, elapsed)

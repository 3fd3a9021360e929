"""Budget versions and their lines: start, add, save the table, remove, copy."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.associations.models import Association
from app.auth.models import User
from app.budgets.centres import general_cost_center, get_cost_center
from app.budgets.models import (
    Budget,
    BudgetLine,
    BudgetStatus,
    CostCenter,
    Fund,
    LineKind,
)
from app.core import audit, clock, formatting
from app.core.errors import Conflict, InvalidTransition, NotFound, ValidationError
from app.core.inputs import too_long
from app.core.parsing import as_id, parse_amount
from app.extensions import db


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


# The longest text each field of a line takes; forms, the CSV import and the API all refuse
# longer text with an error naming the field (nothing is ever cut).
NAME_MAX = 200
ACCOUNT_CODE_MAX = 20
NOTE_MAX = 2000
FIELD_LABELS = {"name": _l("Name"), "account_code": _l("Account code"), "note": _l("Note")}


class DuplicateLine(Conflict):
    """A line whose account code the budget already has in the same cost centre (409).

    ``errors`` names the field (``account_code``, or ``lines.<row>.account_code`` for the
    table) so that the page shows the message beside it.
    """

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.errors = {field: [message]}


def labelled(label: str, message: str) -> str:
    """Return a message that names its field: "Name: use at most 200 characters (…)"."""
    return f"{label}: {message[:1].lower()}{message[1:]}"


def _too_long(label: str, value: str, maximum: int) -> str | None:
    message = too_long(value, maximum)
    return labelled(label, message) if message else None


def _line_values(association: Association, values: dict) -> dict:
    """Validate one line's values; raise ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Name: enter the line's name.")]
    elif message := _too_long(_("Name"), name, NAME_MAX):
        errors["name"] = [message]
    clean["name"] = name
    code = str(values.get("account_code") or "").strip()
    if message := _too_long(_("Account code"), code, ACCOUNT_CODE_MAX):
        errors["account_code"] = [message]
    clean["account_code"] = code
    fund = str(values.get("fund") or "").strip().lower()
    if fund not in {f.value for f in Fund}:
        errors["fund"] = [_("Choose operating or reserve.")]
    clean["fund"] = fund
    kind = str(values.get("kind") or "").strip().lower()
    if kind not in {k.value for k in LineKind}:
        errors["kind"] = [_("Choose income or expense.")]
    clean["kind"] = kind
    for field, required in (("amount", True), ("prior_year_amount", False)):
        try:
            clean[field] = parse_money(values.get(field), field, required=required)
        except ValidationError as error:
            errors.update(error.errors)
    clean["note"] = str(values.get("note") or "").strip()
    if message := _too_long(_("Note"), clean["note"], NOTE_MAX):
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


def line_key(values) -> tuple[str, int] | None:
    """Return what makes a line unique in a budget: (account code, cost centre), if coded."""
    if isinstance(values, dict):
        code, centre = values.get("account_code") or "", values.get("cost_center_id")
    else:
        code, centre = values.account_code or "", values.cost_center_id
    return (code.lower(), centre) if code else None


def duplicate_message(code: str, centre_name: str) -> str:
    """Say that the budget already has a line for this account in this centre."""
    return _(
        "Account code: the budget already has a line for account %(code)s in cost centre "
        "%(centre)s. Change that line's amount instead, or use another account code.",
        code=code,
        centre=centre_name,
    )


def _centre_name(budget: Budget, centre_id: int) -> str:
    centre = db.session.get(CostCenter, centre_id)
    return (
        centre.name if centre is not None and centre.association_id == budget.association_id else ""
    )


def add_line(budget: Budget, values: dict, *, actor: User) -> BudgetLine:
    """Add a line to a draft budget."""
    require_draft(budget)
    clean = _line_values(budget.association, values)
    key = line_key(clean)
    if key is not None and any(line_key(line) == key for line in budget.lines):
        raise DuplicateLine(
            "account_code",
            duplicate_message(clean["account_code"], _centre_name(budget, clean["cost_center_id"])),
        )
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
    seen: dict[tuple[str, int], int] = {}
    duplicates: dict[str, list[str]] = {}
    for number, row in enumerate(rows, start=1):
        if not any(str(row.get(k) or "").strip() for k in ("name", "amount", "account_code")):
            continue  # a blank row of the table
        try:
            values = _line_values(budget.association, row)
        except ValidationError as error:
            for field, messages in error.errors.items():
                errors[f"lines.{number}.{field}"] = messages
            continue
        cleaned.append(values)
        key = line_key(values)
        if key is None:
            continue
        if key in seen:
            duplicates[f"lines.{number}.account_code"] = [
                duplicate_message(values["account_code"], _centre_name(budget, key[1]))
                + " "
                + _("(Row %(row)d has it.)", row=seen[key])
            ]
        else:
            seen[key] = number
    if errors:
        raise ValidationError(errors)
    if duplicates:
        error = DuplicateLine("account_code", next(iter(duplicates.values()))[0])
        error.errors = duplicates
        raise error
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

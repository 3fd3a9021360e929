"""Importing a budget's lines from a CSV file: replace the lines or append to them, with a
plan of what changes that the page shows before anything is written."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from app.auth.models import User
from app.budgets import calc
from app.budgets.centres import cost_centers
from app.budgets.lines import FIELD_LABELS, _line_values, _record, line_key, require_draft
from app.budgets.models import Budget, BudgetLine
from app.core import formatting
from app.core.csvrows import read_rows as _read_csv
from app.core.errors import ValidationError
from app.extensions import db

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
MODES = ("replace", "append")
COMPARED = ("name", "fund", "kind", "amount", "prior_year_amount", "note")


@dataclass
class Sums:
    """A set of lines' income, expense, reserve contribution and net."""

    income: Decimal = calc.ZERO
    expense: Decimal = calc.ZERO
    reserve_contribution: Decimal = calc.ZERO

    @property
    def net(self) -> Decimal:
        """Return income minus expense."""
        return self.income - self.expense


def _sums(items) -> Sums:
    sums = Sums()
    for item in items:
        get = item.get if isinstance(item, dict) else lambda k, obj=item: getattr(obj, k)
        amount = Decimal(get("amount"))
        if get("kind") == "income":
            sums.income += amount
        else:
            sums.expense += amount
            if get("fund") == "reserve":
                sums.reserve_contribution += amount
    return sums


@dataclass
class ImportPlan:
    """What importing a file would do to a budget's lines."""

    mode: str
    rows: list[dict]
    added: list[dict] = field(default_factory=list)
    replaced: list[tuple[BudgetLine, dict]] = field(default_factory=list)
    unchanged: list[BudgetLine] = field(default_factory=list)
    removed: list[BudgetLine] = field(default_factory=list)
    before: Sums = field(default_factory=Sums)
    after: Sums = field(default_factory=Sums)
    digest: str = ""


def lines_digest(budget: Budget) -> str:
    """Fingerprint a budget's lines, so that a preview is confirmed only for what it showed."""
    text = "\n".join(
        "|".join(
            str(v)
            for v in (
                ln.id,
                ln.account_code,
                ln.name,
                ln.fund,
                ln.kind,
                ln.amount,
                ln.prior_year_amount,
                ln.cost_center_id,
                ln.note,
            )
        )
        for ln in budget.lines
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def check_mode(mode) -> str:
    """Return the import mode, or refuse one that is neither replace nor append."""
    mode = str(mode or "").strip().lower()
    if mode not in MODES:
        raise ValidationError(
            "mode",
            _(
                "Mode: choose replace (the file becomes the budget's lines) or append "
                "(the file's lines are added)."
            ),
        )
    return mode


def plan_import(budget: Budget, text: str, mode) -> ImportPlan:
    """Read the file and say what it would change; raise ValidationError naming each bad line.

    In append mode a row whose account and cost centre the budget already has is refused; in
    either mode so is a row that repeats an earlier row's account and cost centre.
    """
    require_draft(budget)
    mode = check_mode(mode)
    rows = _read_csv(text, ("name", "fund", "kind", "amount"))
    centres = {c.name.lower(): c for c in cost_centers(budget.association)}
    names = {c.id: c.name for c in centres.values()}
    existing = {line_key(ln): ln for ln in budget.lines if line_key(ln) is not None}
    problems: list[str] = []
    cleaned: list[dict] = []
    seen: dict[tuple[str, int], int] = {}
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
        row["cost_center_id"] = centres[centre_name.lower()].id if centre_name else None
        try:
            values = _line_values(budget.association, row)
        except ValidationError as error:
            for name, messages in error.errors.items():
                message = " ".join(messages)
                if message.startswith(f"{FIELD_LABELS.get(name, name)}:"):
                    problems.append(_("Line %(n)d: %(message)s", n=number, message=message))
                    continue
                problems.append(
                    _(
                        "Line %(n)d: %(field)s: %(message)s",
                        n=number,
                        field=name,
                        message=message,
                    )
                )
            continue
        key = line_key(values)
        if key is not None and key in seen:
            problems.append(
                _(
                    "Line %(n)d: account_code: the file already has account %(code)s in cost "
                    "centre %(centre)s on line %(first)d; give each account and cost centre "
                    "one line.",
                    n=number,
                    code=values["account_code"],
                    centre=names[key[1]],
                    first=seen[key],
                )
            )
            continue
        if key is not None and mode == "append" and key in existing:
            problems.append(
                _(
                    "Line %(n)d: account_code: the budget already has a line for account "
                    "%(code)s in cost centre %(centre)s (%(name)s, %(amount)s). Appending "
                    "would count it twice; import in replace mode, or leave the row out.",
                    n=number,
                    code=values["account_code"],
                    centre=names[key[1]],
                    name=existing[key].name,
                    amount=formatting.money(existing[key].amount),
                )
            )
            continue
        if key is not None:
            seen[key] = number
        values["centre"] = names[values["cost_center_id"]]
        values["line_number"] = number
        cleaned.append(values)
    if not rows and not problems:
        problems.append(_("The file has no lines."))
    if problems:
        raise ValidationError({"file": problems})
    plan = ImportPlan(mode, cleaned, before=_sums(budget.lines), digest=lines_digest(budget))
    if mode == "append":
        plan.added = list(cleaned)
        plan.after = _sums([*budget.lines, *cleaned])
        return plan
    matched: set[int] = set()
    for values in cleaned:
        line = existing.get(line_key(values)) if line_key(values) else None
        if line is None:
            plan.added.append(values)
            continue
        matched.add(line.id)
        if all(_same(getattr(line, k), values[k]) for k in (*COMPARED, "cost_center_id")):
            plan.unchanged.append(line)
        else:
            plan.replaced.append((line, values))
    plan.removed = [ln for ln in budget.lines if ln.id not in matched]
    plan.after = _sums(cleaned)
    return plan


def _same(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (old is None and new is None) or (
            old is not None and new is not None and Decimal(old) == Decimal(new)
        )
    return (old or "") == (new or "")


def import_lines_csv(
    budget: Budget, text: str, *, mode, actor: User, digest: str | None = None
) -> ImportPlan:
    """Import the file's lines (all of them or none); return the plan that was carried out.

    ``digest``: the fingerprint of the lines the preview showed; when the lines changed since,
    nothing is imported and the caller shows the new plan.
    """
    plan = plan_import(budget, text, mode)
    if digest is not None and digest != plan.digest:
        raise StalePreview(plan)
    fields = ("account_code", *COMPARED, "cost_center_id")
    if plan.mode == "replace":
        budget.lines.clear()
        db.session.flush()
        start = 0
    else:
        start = max((line.position for line in budget.lines), default=0)
    lines = [
        BudgetLine(position=start + n, **{k: values[k] for k in fields})
        for n, values in enumerate(plan.rows, 1)
    ]
    budget.lines.extend(lines)
    db.session.flush()
    _record(
        budget,
        "budget.lines_imported",
        actor=actor,
        summary=_(
            "Imported %(n)d lines into the FY %(year)d budget (%(mode)s: %(added)d added, "
            "%(replaced)d replaced, %(removed)d removed); income %(before)s → %(after)s",
            n=len(lines),
            year=budget.fiscal_year,
            mode=plan.mode,
            added=len(plan.added),
            replaced=len(plan.replaced),
            removed=len(plan.removed),
            before=formatting.money(plan.before.income),
            after=formatting.money(plan.after.income),
        ),
        data={
            "mode": plan.mode,
            "added": len(plan.added),
            "replaced": len(plan.replaced),
            "unchanged": len(plan.unchanged),
            "removed": len(plan.removed),
        },
    )
    return plan


class StalePreview(ValidationError):
    """The budget's lines changed between the preview and its confirmation."""

    def __init__(self, plan: ImportPlan):
        super().__init__(
            "file",
            _(
                "The budget's lines changed since this preview, so nothing was imported. "
                "Check the new preview below and confirm again."
            ),
        )
        self.plan = plan

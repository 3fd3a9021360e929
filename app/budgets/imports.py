"""Importing a budget's lines from a CSV file."""

from __future__ import annotations

import csv

from flask_babel import gettext as _

from app.auth.models import User
from app.budgets.centres import cost_centers
from app.budgets.lines import _line_values, _record, require_draft
from app.budgets.models import (
    Budget,
    BudgetLine,
)
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

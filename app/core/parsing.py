"""Reading values from forms and API bodies: amounts as Decimal to the cent, never float,
and record ids."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from app.core.errors import ValidationError
from app.core.formatting import CENT, money
from app.core.inputs import is_db_id

BUDGET_MAX = Decimal("9999999999.99")  # Numeric(12, 2)
COVERAGE_MAX = Decimal("999999999999.99")  # Numeric(14, 2)


def parse_amount(
    value,
    field: str,
    *,
    required: bool = True,
    maximum: Decimal = BUDGET_MAX,
    example: str = "1250.00",
    negative_message: str | None = None,
) -> Decimal | None:
    """Return a non-negative amount to the cent from a string ($ and commas allowed) or a
    number; raise ValidationError naming the field for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, _("Enter an amount."))
        return None
    nonsense = _("Enter an amount such as %(example)s.", example=example)
    if isinstance(value, bool):
        raise ValidationError(field, nonsense)
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("$", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(field, nonsense) from exc
    if not amount.is_finite():
        raise ValidationError(field, nonsense)
    if amount < 0:
        raise ValidationError(field, negative_message or _("Enter an amount of zero or more."))
    if amount > maximum:
        raise ValidationError(field, _("Enter an amount of at most %(max)s.", max=money(maximum)))
    if amount != amount.quantize(CENT):
        raise ValidationError(field, _("Use at most two decimals."))
    return amount.quantize(CENT)


def as_id(value) -> int | None:
    """Return a record id from a form or JSON value, or None (true and false are not ids,
    nor numbers beyond the database's integer range)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if is_db_id(number) else None

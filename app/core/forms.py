"""Form helpers shared by every feature's views."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.core.errors import DomainError


def apply_errors(
    form: FlaskForm, error: DomainError, fields_by_status: dict[int, str] | None = None
) -> None:
    """Copy a service's error onto the form: next to each field it names, else as a flash.

    ``fields_by_status`` places errors that name no field, by their status, next to a field:
    ``{409: "code"}`` puts "a rule with this code exists" under the code.
    """
    errors = getattr(error, "errors", None) or {}
    if not errors and fields_by_status and error.status in fields_by_status:
        errors = {fields_by_status[error.status]: [error.message]}
    placed = False
    for name, messages in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.extend(messages)
            placed = True
    if not placed:
        flash(error.message, "danger")


def choices(pairs) -> list[SelectChoice]:
    """Return SelectField choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]

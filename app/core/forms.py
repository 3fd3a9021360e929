"""Form helpers shared by every feature's views."""

from __future__ import annotations

from datetime import date, datetime

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice

from app.core.errors import DomainError
from app.core.inputs import DATE_MAX, DATE_MIN, DB_INT_MAX, date_message, text_problem


class Form(FlaskForm):
    """The base of every page's form: the input rules of ``core.inputs`` as field errors.

    Text with NUL, lone surrogates or control characters, dates outside the accepted years
    and numbers beyond what the database stores are refused next to their field, keeping
    what was typed.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            message = _input_problem(field.data)
            if message is None:
                continue
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.append(message)
            valid = False
        return valid


def _input_problem(data) -> str | None:
    if isinstance(data, str):
        return text_problem(data)
    if isinstance(data, bool):
        return None
    if isinstance(data, int) and abs(data) > DB_INT_MAX:
        return _("Enter a smaller number (at most %(max)d).", max=DB_INT_MAX)
    if isinstance(data, datetime):
        data = data.date()
    if isinstance(data, date) and not DATE_MIN <= data <= DATE_MAX:
        return date_message()
    return None


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


class ConfirmForm(Form):
    """An empty form: CSRF protection for a confirmed, destructive action."""

    submit = SubmitField(_l("Yes, remove"))

"""Vendor, insurance, contract and bid forms, and how a page runs one: every error at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.errors import DomainError
from app.core.forms import Form, apply_errors, choices
from app.core.inputs import LONG_TEXT_MAX
from app.extensions import db
from app.vendors.models import KIND_LABELS

BILLING = choices(
    [("annual", _l("Annual")), ("monthly", _l("Monthly")), ("one_time", _l("One time"))]
)
LONG = Length(max=LONG_TEXT_MAX)


def run(form: Form, action: Callable[[dict], Any]) -> Any | None:
    """Validate a posted form and run its service, so that the page shows every error at
    once: the form's own (a date it cannot read) and the service's (an end before the start,
    a negative amount), each next to its field, with what was typed kept. Return the
    service's result, or None (nothing written) when anything is wrong."""
    form_ok = form.validate_on_submit()
    try:
        result = action(form.data)
    except DomainError as error:
        db.session.rollback()
        errors = getattr(error, "errors", None) or {}
        fresh = {
            name: messages
            for name, messages in errors.items()
            if not getattr(getattr(form, name, None), "errors", None)
        }
        if fresh or not errors:
            error.errors = fresh
            apply_errors(form, error)
        return None
    if not form_ok:
        db.session.rollback()
        return None
    return result


class VendorForm(Form):
    """A vendor's details."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    category = StringField(
        _l("Service category"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("e.g. landscaping, pool, roofing, management"),
    )
    contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    w9_on_file = BooleanField(_l("W-9 on file"))
    tax_id_last4 = StringField(_l("Tax id, last 4 digits"), validators=[Optional(), Length(max=4)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), LONG])
    submit = SubmitField(_l("Save vendor"))


class CertificateForm(Form):
    """An insurance certificate."""

    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS.items()))
    carrier = StringField(_l("Carrier"), validators=[DataRequired(), Length(max=200)])
    policy_number = StringField(_l("Policy number"), validators=[DataRequired(), Length(max=80)])
    coverage_amount = StringField(
        _l("Coverage"), validators=[DataRequired()], description=_l("e.g. 1,000,000")
    )
    effective_on = DateField(_l("Effective"), validators=[Optional()])
    expires_on = DateField(_l("Expires"), validators=[InputRequired()])
    file = FileField(_l("Certificate (PDF)"))
    submit = SubmitField(_l("Add certificate"))


class DocumentForm(Form):
    """A vendor document's title (the file comes with it)."""

    title = StringField(
        _l("Document title"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("e.g. W-9 2027"),
    )
    file = FileField(_l("File (PDF, JPEG or PNG)"))
    submit = SubmitField(_l("Upload"))


class ReasonForm(Form):
    """A confirmed action with an optional reason (deactivating a vendor)."""

    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), LONG])
    submit = SubmitField(_l("Confirm"))


class InterestForm(Form):
    """A board member's declared interest in a vendor."""

    note = StringField(
        _l("Declare an interest (you will be recused from its contracts)"),
        validators=[Optional(), LONG],
        description=_l("e.g. family member works there"),
    )
    submit = SubmitField(_l("Declare interest"))


class ContractForm(Form):
    """A contract's terms."""

    vendor_id = SelectField(_l("Vendor"), coerce=int, validate_choice=False)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    scope = TextAreaField(_l("Scope of work"), validators=[Optional(), LONG])
    start_date = DateField(_l("Start"), validators=[InputRequired()])
    end_date = DateField(_l("End"), validators=[InputRequired()])
    amount = StringField(_l("Amount"), validators=[DataRequired()])
    billing = SelectField(_l("Billing"), choices=BILLING)
    auto_renew = BooleanField(_l("Renews automatically"))
    notice_days = IntegerField(
        _l("Termination notice (days)"),
        default=60,
        validators=[Optional(), NumberRange(min=0, max=3650)],
    )
    submit = SubmitField(_l("Save contract"))


class TerminateForm(Form):
    """End a contract early."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), LONG])
    submit = SubmitField(_l("Terminate"))


class RfpForm(Form):
    """A request for proposals."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = StringField(_l("Service category"), validators=[Optional(), Length(max=60)])
    scope = TextAreaField(_l("Scope"), validators=[Optional(), LONG])
    due_on = DateField(_l("Bids due"), validators=[InputRequired()])
    submit = SubmitField(_l("Request proposals"))


class BidForm(Form):
    """A vendor's bid."""

    vendor_id = SelectField(_l("Vendor"), coerce=int, validate_choice=False)
    price = StringField(_l("Price"), validators=[DataRequired()])
    billing = SelectField(_l("Billing"), choices=BILLING)
    term_months = IntegerField(
        _l("Term (months)"), default=12, validators=[InputRequired(), NumberRange(min=1, max=120)]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), LONG])
    submit = SubmitField(_l("Add bid"))

"""Vendor, insurance, contract and bid forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.forms import Form, choices
from app.vendors.models import KIND_LABELS

BILLING = choices(
    [("annual", _l("Annual")), ("monthly", _l("Monthly")), ("one_time", _l("One time"))]
)


class VendorForm(Form):
    """A vendor's details."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    category = StringField(
        _l("Service category"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("e.g. landscaping, pool, roofing, management"),
    )
    contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    w9_on_file = BooleanField(_l("W-9 on file"))
    tax_id_last4 = StringField(_l("Tax id, last 4 digits"), validators=[Optional(), Length(max=4)])
    notes = TextAreaField(_l("Notes"), validators=[Optional()])
    submit = SubmitField(_l("Save vendor"))


class CertificateForm(Form):
    """An insurance certificate."""

    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS.items()))
    carrier = StringField(_l("Carrier"), validators=[DataRequired(), Length(max=200)])
    policy_number = StringField(_l("Policy number"), validators=[DataRequired(), Length(max=80)])
    coverage_amount = StringField(_l("Coverage"), validators=[DataRequired()])
    effective_on = DateField(_l("Effective"), validators=[Optional()])
    expires_on = DateField(_l("Expires"), validators=[DataRequired()])
    file = FileField(_l("Certificate (PDF)"))
    submit = SubmitField(_l("Add certificate"))


class ContractForm(Form):
    """A contract's terms."""

    vendor_id = SelectField(_l("Vendor"), coerce=int, validate_choice=False)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    scope = TextAreaField(_l("Scope of work"), validators=[Optional()])
    start_date = DateField(_l("Start"), validators=[DataRequired()])
    end_date = DateField(_l("End"), validators=[DataRequired()])
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

    reason = TextAreaField(_l("Reason"), validators=[DataRequired()])
    submit = SubmitField(_l("Terminate"))


class RfpForm(Form):
    """A request for proposals."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = StringField(_l("Service category"), validators=[Optional(), Length(max=60)])
    scope = TextAreaField(_l("Scope"), validators=[Optional()])
    due_on = DateField(_l("Bids due"), validators=[DataRequired()])
    submit = SubmitField(_l("Request proposals"))


class BidForm(Form):
    """A vendor's bid."""

    vendor_id = SelectField(_l("Vendor"), coerce=int, validate_choice=False)
    price = StringField(_l("Price"), validators=[DataRequired()])
    billing = SelectField(_l("Billing"), choices=BILLING)
    term_months = IntegerField(
        _l("Term (months)"), default=12, validators=[DataRequired(), NumberRange(min=1, max=120)]
    )
    notes = StringField(_l("Notes"), validators=[Optional()])
    submit = SubmitField(_l("Add bid"))

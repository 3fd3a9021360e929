"""The forms of architectural review's pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import Form, choices


class RequestForm(Form):
    """An owner's request: the unit, what they want to change, plans and photos."""

    unit_id = SelectField(_l("Unit"), coerce=str, validators=[DataRequired()])
    title = StringField(
        _l("What do you want to change?"), validators=[DataRequired(), Length(max=200)]
    )
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(), Length(max=10000)],
        description=_l("Materials, colours, size, where on the lot, who does the work."),
    )
    files = MultipleFileField(
        _l("Plans and photos (PDF, JPEG or PNG)"),
        render_kw={"accept": "application/pdf,image/jpeg,image/png"},
    )
    submit = SubmitField(_l("Submit the request"))


class MessageForm(Form):
    """A question from the office or an answer from the owner."""

    message = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Send"))


class DecisionForm(Form):
    """The decision proposed to the reviewing body."""

    decision = SelectField(
        _l("Decision"),
        choices=choices(
            [
                ("approved", _l("Approved")),
                ("approved_with_conditions", _l("Approved with conditions")),
                ("denied", _l("Denied")),
            ]
        ),
    )
    reasons = TextAreaField(_l("Reasons"), validators=[Optional(), Length(max=10000)])
    conditions = TextAreaField(_l("Conditions"), validators=[Optional(), Length(max=10000)])
    submit = SubmitField(_l("Send to the reviewing body"))


class AppealForm(Form):
    """A denied owner's appeal to the board."""

    message = TextAreaField(
        _l("Why should the board reconsider?"), validators=[DataRequired(), Length(max=4000)]
    )
    submit = SubmitField(_l("Appeal to the board"))


class WithdrawForm(Form):
    """Withdrawing a request (confirmed)."""

    submit = SubmitField(_l("Withdraw the request"))


class SettingsForm(Form):
    """The association's review period and its deemed-approval rule."""

    review_days = IntegerField(
        _l("Review period (days)"), validators=[InputRequired(), NumberRange(min=1, max=365)]
    )
    deemed_approved = BooleanField(
        _l("Deemed approved when not decided in time (where the governing documents say so)")
    )
    submit = SubmitField(_l("Save"))

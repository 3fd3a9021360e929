"""Compliance forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import Form


class RuleForm(Form):
    """A rule and its fine schedule."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=30)],
        description=_l("How letters cite it, e.g. ARC-1."),
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Full text"),
        validators=[DataRequired()],
        description=_l("As owners will read it in letters."),
    )
    ccr_section = StringField(_l("CC&R section"), validators=[Optional(), Length(max=60)])
    cure_days = IntegerField(
        _l("Days to cure"), validators=[InputRequired(), NumberRange(min=0, max=3650)]
    )
    fine_amount = StringField(_l("First-offence fine"), validators=[DataRequired()])
    repeat_fine_amount = StringField(_l("Repeat-offence fine"), validators=[Optional()])
    repeat_window_days = IntegerField(
        _l("Repeat look-back (days)"), validators=[Optional(), NumberRange(min=1, max=3650)]
    )
    daily_fine_amount = StringField(
        _l("Continuing fine per day after the cure date"), validators=[Optional()]
    )
    daily_fine_max_days = IntegerField(
        _l("…for at most (days)"), validators=[Optional(), NumberRange(min=1, max=3650)]
    )
    # Letters to owners who read another language print these where they are given.
    title_es = StringField(_l("Title in Spanish"), validators=[Optional(), Length(max=200)])
    description_es = TextAreaField(_l("Full text in Spanish"), validators=[Optional()])
    title_it = StringField(_l("Title in Italian"), validators=[Optional(), Length(max=200)])
    description_it = TextAreaField(_l("Full text in Italian"), validators=[Optional()])
    title_da = StringField(_l("Title in Danish"), validators=[Optional(), Length(max=200)])
    description_da = TextAreaField(_l("Full text in Danish"), validators=[Optional()])
    title_ru = StringField(_l("Title in Russian"), validators=[Optional(), Length(max=200)])
    description_ru = TextAreaField(_l("Full text in Russian"), validators=[Optional()])
    submit = SubmitField(_l("Save rule"))

    def fill_translations(self, rule) -> None:
        """Show a rule's translations in their fields (a GET of the edit form)."""
        for lang, text in (rule.translations or {}).items():
            if hasattr(self, f"title_{lang}"):
                getattr(self, f"title_{lang}").data = text.get("title", "")
                getattr(self, f"description_{lang}").data = text.get("description", "")


class InspectionForm(Form):
    """Open an inspection."""

    scheduled_for = DateField(_l("Date"), validators=[InputRequired()])
    submit = SubmitField(_l("Open an inspection"))


class FindingForm(Form):
    """What the inspector saw at one unit."""

    unit = StringField(
        _l("Unit (label or address)"),
        validators=[DataRequired()],
        render_kw={"list": "unit-options", "autocomplete": "off"},
    )
    rule_id = SelectField(_l("Rule"), coerce=int, validate_choice=False)
    notes = TextAreaField(_l("What you see"), validators=[Optional(), Length(max=4000)])
    photos = MultipleFileField(
        _l("Photos"), render_kw={"accept": "image/jpeg,image/png", "capture": "environment"}
    )
    submit = SubmitField(_l("Record the finding"))


class HearingForm(Form):
    """Schedule the hearing."""

    scheduled_at = DateTimeLocalField(
        _l("Date and time (association time)"),
        validators=[InputRequired()],
        format="%Y-%m-%dT%H:%M",
    )
    location = StringField(_l("Place or video link"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Schedule and issue the notice"))


class HearingRecordForm(Form):
    """Record the hearing as held (the manager or the secretary)."""

    owner_attended = BooleanField(_l("The owner attended"))
    summary = TextAreaField(
        _l("Summary of the hearing"), validators=[DataRequired(), Length(max=4000)]
    )
    submit = SubmitField(_l("Record the hearing as held"))


class FineForm(Form):
    """Propose a fine to the board."""

    amount = StringField(_l("Amount"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (the owner reads it)"), validators=[DataRequired()])
    health_safety_finding = BooleanField(_l("The board records a health or safety finding"))
    submit = SubmitField(_l("Propose to the board"))


class NotesForm(Form):
    """Notes for a cure or a closure."""

    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save"))


class ReasonForm(Form):
    """Why a letter is voided or a violation reopened (required; audited)."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Confirm"))


class ReplyForm(Form):
    """The office's reply to the owner."""

    message = TextAreaField(_l("Reply to the owner"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Send the reply"))


class ResponseForm(Form):
    """An owner's answer."""

    message = TextAreaField(_l("Your message"), validators=[Optional(), Length(max=4000)])
    photos = MultipleFileField(
        _l("Photos of the cure"), render_kw={"accept": "image/jpeg,image/png"}
    )
    request_hearing = BooleanField(_l("I request a hearing before the board"))
    submit = SubmitField(_l("Send"))


class TemplateForm(Form):
    """The wording of a letter kind."""

    body = TextAreaField(_l("Letter text"), validators=[Optional()], render_kw={"rows": 14})
    submit = SubmitField(_l("Save wording"))
    preview = SubmitField(_l("Preview as PDF"))
